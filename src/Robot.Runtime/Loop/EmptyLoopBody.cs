using Robot.Core.Control;

namespace Robot.Runtime.Loop;

/// <summary>A loop body that does nothing: run by the same driver and waiter, it measures the timing floor of this machine.</summary>
public sealed class EmptyLoopBody : ILoopBody
{
    public long Ticks { get; private set; }

    /// <inheritdoc/>
    public TickOutcome Tick(long periods)
    {
        Ticks++;
        return default;
    }

    public void RaiseFault(LoopFault fault, int detail = -1) { }
}
