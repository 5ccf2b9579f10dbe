using System.Diagnostics;
using System.Globalization;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;

namespace Robot.Runtime.Benchmarks;

/// <summary>Figures of `robot bench loop` (µs unless named otherwise).</summary>
public sealed record LoopBenchmarkResult(
    double Seconds,
    double RateHz,
    Percentiles PeriodErrorUs,
    Percentiles ComputeUs,
    long Ticks,
    long MissedDeadlines,
    long Overruns,
    double AllocatedBytesPerTick,
    int GcCount,
    string Fault,
    Percentiles BaselinePeriodErrorUs,
    Percentiles? CBaselinePeriodErrorUs,
    double P999ToBaselineRatio,
    double? P999ToCBaselineRatio,
    IReadOnlyList<string> Realtime,
    string? CBaselineNote);

/// <summary>
/// Runs the real pipeline against the MuJoCo humanoid in wall-clock mode, then the same driver
/// and waiter with an empty body, then a plain C clock_nanosleep loop, each for the same time at
/// the same rate, one after another so they do not compete for the cores.
/// </summary>
public static class LoopBenchmark
{
    public static LoopBenchmarkResult Run(double seconds, double rateHz, Action<string>? progress = null)
    {
        var options = new ControlLoopOptions { RateHz = rateHz };
        options.ThrowIfInvalid();
        long ticks = (long)Math.Round(seconds * rateHz);

        progress?.Invoke($"pipeline: {seconds} s at {rateHz} Hz against MuJoCo (stance hold)");
        using var robot = SimulatedRobot.Create();
        using var driver = new WallClockDriver(robot.Pipeline, options);
        driver.Start(ticks + 200);
        driver.Join();
        LoopStatisticsSnapshot real = driver.Statistics.Snapshot();

        progress?.Invoke($"baseline: empty loop, same driver and waiter, {seconds} s");
        var empty = new EmptyLoopBody();
        using var baselineDriver = new WallClockDriver(empty, options);
        baselineDriver.Start(ticks + 200);
        baselineDriver.Join();
        LoopStatisticsSnapshot baseline = baselineDriver.Statistics.Snapshot();

        progress?.Invoke($"baseline: C clock_nanosleep loop, {seconds} s");
        (Percentiles? c, string? note) = RunCBaseline(seconds, rateHz);

        double perTick = driver.TicksAfterWarmup == 0 ? 0 : (double)driver.AllocatedBytesAfterWarmup / driver.TicksAfterWarmup;
        return new LoopBenchmarkResult(
            seconds, rateHz, real.PeriodErrorUs, real.ComputeUs, real.Ticks, real.MissedDeadlines, real.Overruns,
            perTick, driver.CollectionsAfterWarmup, robot.Pipeline.Fault.ToString(),
            baseline.PeriodErrorUs, c,
            Ratio(real.PeriodErrorUs.P999, baseline.PeriodErrorUs.P999),
            c is null ? null : Ratio(real.PeriodErrorUs.P999, c.P999),
            driver.RealtimeReport, note);
    }

    private static double Ratio(double a, double b) => b <= 0 ? double.PositiveInfinity : a / b;

    private static (Percentiles?, string?) RunCBaseline(double seconds, double rateHz)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Benchmarks", "nanosleep_loop.c");
        string dir = Directory.CreateTempSubdirectory("robot-bench-loop").FullName;
        string exe = Path.Combine(dir, "nanosleep_loop");
        try
        {
            (int code, string output, string error) = Run("gcc", ["-O2", "-o", exe, source]);
            if (code != 0)
            {
                return (null, $"C baseline not measured: gcc failed ({error.Trim()}); install it with: apt-get install -y gcc");
            }
            (code, output, error) = Run(exe, [seconds.ToString(CultureInfo.InvariantCulture), rateHz.ToString(CultureInfo.InvariantCulture)]);
            if (code != 0)
            {
                return (null, $"C baseline failed: {error.Trim()}");
            }
            string[] f = output.Trim().Split(' ');
            double P(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            return (new Percentiles(P(1), P(2), P(3), P(4)), f[5] == "1" ? "C loop ran under SCHED_FIFO" : "C loop ran under the normal scheduler (SCHED_FIFO refused)");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, $"C baseline not measured: {e.Message}; install gcc with: apt-get install -y gcc");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int, string, string) Run(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        using Process p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, error);
    }
}
