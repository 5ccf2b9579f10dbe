using Robot.Core.Control;

namespace Robot.Runtime.Loop;

/// <summary>What a loop driver runs each tick: the control pipeline, or an empty body for baseline measurements.</summary>
public interface ILoopBody
{
    /// <summary>Runs one tick. Must not allocate, lock or block.</summary>
    TickOutcome Tick();

    /// <summary>Latches a fault raised by the driver (timing).</summary>
    void RaiseFault(LoopFault fault, int detail = -1);
}
