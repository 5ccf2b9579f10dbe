namespace Robot.Runtime.Loop;

/// <summary>
/// A clock that moves only when the loop advances it, one period per tick: in simulated-time
/// lockstep the safety gate then measures verdict ages in simulated time, deterministically,
/// however fast or slow the simulation runs. Timestamps are in 100 ns ticks. Timers created
/// on it are the system's (only timestamps follow the loop).
/// </summary>
public sealed class LoopTimeProvider : TimeProvider
{
    private static readonly DateTimeOffset s_epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _ticks;

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    /// <summary>A fixed epoch plus the time advanced so far.</summary>
    public override DateTimeOffset GetUtcNow() => s_epoch + TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>Moves the clock on by <paramref name="seconds"/> (the loop's period, s). Allocation-free.</summary>
    public void Advance(double seconds) => Interlocked.Add(ref _ticks, (long)Math.Round(seconds * TimeSpan.TicksPerSecond));
}
