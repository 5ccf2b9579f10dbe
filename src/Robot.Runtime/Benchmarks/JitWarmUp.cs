using System.Diagnostics;

namespace Robot.Runtime.Benchmarks;

/// <summary>
/// Runs code before a benchmark times it, for wall time as well as a count. Tiered compilation
/// replaces a hot method's first, unoptimised code only after a 100 ms call-counting delay and a
/// background compile: warm-ups counted in calls ended sooner (500 control ticks ≈ 70 ms, 20 000
/// geofence decisions ≈ 20 ms), and their windows timed that first code (control p99 51–80 µs
/// against a p50 of 4–6; decision p99 9–10 µs against 2). Code timed by a loop in the caller's
/// own method needs the warm-up loop in that method instead (see bench supervisor's decisions):
/// on-stack replacement then optimises the timed loop with it.
/// </summary>
public static class JitWarmUp
{
    /// <summary>Least wall time the code runs before it is timed, s.</summary>
    public const double Seconds = 2;

    /// <summary>Calls <paramref name="call"/> with 0, 1, 2, … at least <paramref name="minCalls"/> times and for at least <see cref="Seconds"/>.</summary>
    public static void Run(int minCalls, Action<int> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < minCalls || Stopwatch.GetElapsedTime(start).TotalSeconds < Seconds; i++)
        {
            call(i);
        }
    }
}
