using System.Diagnostics;
using HdrHistogram;
using Robot.Core.Control;
using Robot.Core.Hardware;

namespace Robot.Runtime.Benchmarks;

/// <summary>Wraps a controller and records the time of each <see cref="Update"/> call (ns) in an HDR histogram. Allocation-free.</summary>
public sealed class TimedController : IJointController
{
    private const long NanosecondsPerSecond = 1_000_000_000;

    private readonly IJointController _inner;

    public TimedController(IJointController inner) => _inner = inner;

    /// <summary>Update times, ns.</summary>
    public LongHistogram Histogram { get; } = new(1_000_000_000, 3);

    public LoopFault Update(in TickContext tick, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
    {
        long start = Stopwatch.GetTimestamp();
        LoopFault fault = _inner.Update(tick, measured, estimate, commands);
        // From the raw timestamps (1 ns on Linux): Stopwatch.GetElapsedTime goes through a
        // TimeSpan, whose 100 ns ticks read a 50 ns stance hold as 0 (the baseline's max was 0).
        Histogram.RecordValue((Stopwatch.GetTimestamp() - start) * NanosecondsPerSecond / Stopwatch.Frequency);
        return fault;
    }
}
