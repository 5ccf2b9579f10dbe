using HdrHistogram;

namespace Robot.Runtime.Loop;

/// <summary>
/// Timing statistics of a running loop: per-tick wake-up lateness (period error) and compute
/// time, in nanoseconds, in HDR histograms (3 significant digits, up to 10 s) preallocated at
/// construction, so recording allocates nothing. Written by the loop thread only; read a
/// <see cref="Snapshot"/> after the loop stopped, or accept slightly stale figures.
/// </summary>
public sealed class LoopStatistics
{
    private const long HighestNs = 10_000_000_000;
    private readonly LongHistogram _periodError = new(HighestNs, 3);
    private readonly LongHistogram _compute = new(HighestNs, 3);

    /// <summary>Ticks recorded.</summary>
    public long Ticks { get; private set; }

    /// <summary>Ticks whose compute time exceeded the overrun threshold.</summary>
    public long Overruns { get; private set; }

    /// <summary>Deadlines missed outright: ticks skipped because the loop woke more than a period late.</summary>
    public long MissedDeadlines { get; private set; }

    /// <summary>Records one tick. <paramref name="lateNs"/> is the wake-up lateness (negative values count as 0).</summary>
    public void Record(long lateNs, long computeNs, bool overrun)
    {
        _periodError.RecordValue(Math.Clamp(lateNs, 0, HighestNs));
        _compute.RecordValue(Math.Clamp(computeNs, 0, HighestNs));
        Ticks++;
        if (overrun)
        {
            Overruns++;
        }
    }

    /// <summary>Forgets everything recorded (used after a warm-up, so that its first-use costs are not measured).</summary>
    public void Reset()
    {
        _periodError.Reset();
        _compute.Reset();
        Ticks = Overruns = MissedDeadlines = 0;
    }

    /// <summary>Counts <paramref name="count"/> skipped deadlines.</summary>
    public void RecordMissed(long count) => MissedDeadlines += count;

    /// <summary>Percentiles of period error and compute time, in microseconds.</summary>
    public LoopStatisticsSnapshot Snapshot() => new(
        Ticks, Overruns, MissedDeadlines, Percentiles.Of(_periodError), Percentiles.Of(_compute));
}

/// <summary>Figures of a <see cref="LoopStatistics"/> at one moment.</summary>
public sealed record LoopStatisticsSnapshot(long Ticks, long Overruns, long MissedDeadlines, Percentiles PeriodErrorUs, Percentiles ComputeUs);

/// <summary>p50, p99, p99.9 and max of a distribution, µs.</summary>
public sealed record Percentiles(double P50, double P99, double P999, double Max)
{
    /// <summary>Reads the percentiles of a histogram of nanoseconds as microseconds.</summary>
    public static Percentiles Of(HistogramBase histogram) => histogram.TotalCount == 0
        ? new Percentiles(0, 0, 0, 0)
        : new Percentiles(
            histogram.GetValueAtPercentile(50) / 1000.0,
            histogram.GetValueAtPercentile(99) / 1000.0,
            histogram.GetValueAtPercentile(99.9) / 1000.0,
            histogram.GetMaxValue() / 1000.0);
}
