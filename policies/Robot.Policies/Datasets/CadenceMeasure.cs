namespace Robot.Policies.Datasets;

/// <summary>Measures the real cadence of a sequence of frame capture times against the nominal fps.</summary>
public static class CadenceMeasure
{
    /// <summary>
    /// Summarises <paramref name="timesS"/> (monotonic capture times, s) against <paramref name="fps"/>.
    /// An interval of k nominal periods (rounded) means k − 1 dropped frames. The episode is flagged when
    /// the measured rate deviates from fps by more than <paramref name="tolerance"/> (relative) or any frame was dropped.
    /// </summary>
    public static CadenceSummary Summarize(ReadOnlySpan<double> timesS, int fps, double tolerance)
    {
        if (timesS.Length < 2)
        {
            return new CadenceSummary(fps, 0, 0, 0, false);
        }
        double period = 1.0 / fps;
        var intervals = new double[timesS.Length - 1];
        long dropped = 0;
        double max = 0;
        for (int i = 1; i < timesS.Length; i++)
        {
            double dt = timesS[i] - timesS[i - 1];
            intervals[i - 1] = dt;
            max = Math.Max(max, dt);
            long periods = (long)Math.Round(dt / period);
            if (periods > 1)
            {
                dropped += periods - 1;
            }
        }
        double span = timesS[^1] - timesS[0];
        double realFps = span > 0 ? (timesS.Length - 1) / span : double.PositiveInfinity;
        Array.Sort(intervals);
        double p99 = intervals[Math.Min(intervals.Length - 1, (int)Math.Ceiling(0.99 * intervals.Length) - 1)];
        bool flagged = Math.Abs(realFps - fps) / fps > tolerance || dropped > 0;
        return new CadenceSummary(realFps, dropped, max, p99, flagged);
    }
}
