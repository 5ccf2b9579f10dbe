namespace Robot.Runtime.Tests.Safety;

/// <summary>A clock that moves only when a test says so (timestamps in ticks of 100 ns).</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks) + 1_000_000;

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero) + TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
