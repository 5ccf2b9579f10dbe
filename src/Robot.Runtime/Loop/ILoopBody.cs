using Robot.Core.Control;

namespace Robot.Runtime.Loop;

/// <summary>What a loop driver runs each tick: the control pipeline, or an empty body for baseline measurements.</summary>
public interface ILoopBody
{
    /// <summary>Runs one tick. Must not allocate, lock or block.</summary>
    /// <param name="periods">
    /// Loop periods since the previous tick (≥ 1): 1, or 1 + the deadlines the driver skipped
    /// after a stall, so time-based logic follows the time that really passed.
    /// </param>
    TickOutcome Tick(long periods);

    /// <summary>Latches a fault raised by the driver (timing).</summary>
    void RaiseFault(LoopFault fault, int detail = -1);
}
