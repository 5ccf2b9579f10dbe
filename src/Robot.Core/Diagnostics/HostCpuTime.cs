using System.Globalization;

namespace Robot.Core.Diagnostics;

/// <summary>
/// The whole machine's CPU time by state since boot, in clock ticks, from the first line of
/// Linux's /proc/stat. A benchmark takes one before and one after its measured window and reports
/// the share of time that was busy and the share the hypervisor took from our virtual CPUs
/// ("steal"): on these shared VMs steal was near 0 % when idle and rose to about 4 % under our
/// own load, and the tail latencies of a window follow it, not our code.
/// </summary>
/// <param name="User">Time in user mode (including nice).</param>
/// <param name="System">Time in the kernel, interrupts included.</param>
/// <param name="Idle">Idle time, waiting for I/O included.</param>
/// <param name="Steal">Time a virtual CPU wanted to run but the hypervisor ran something else.</param>
public readonly record struct HostCpuTime(long User, long System, long Idle, long Steal)
{
    /// <summary>All time counted, every CPU summed.</summary>
    public long Total => User + System + Idle + Steal;

    /// <summary>The counters now, or null where /proc/stat is missing or not in the expected form (not Linux).</summary>
    public static HostCpuTime? Now()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            return Parse(reader.ReadLine());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses /proc/stat's aggregate line: <c>cpu user nice system idle iowait irq softirq steal …</c>
    /// (fields after steal, the guests' time, are already counted in user). Null when the line is
    /// not that: a missing line, another first word, fewer than 8 counters or one that is not a
    /// non-negative integer.
    /// </summary>
    public static HostCpuTime? Parse(string? line)
    {
        string[] fields = (line ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 9 || fields[0] != "cpu")
        {
            return null;
        }
        var ticks = new long[8];
        for (int i = 0; i < ticks.Length; i++)
        {
            if (!long.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out ticks[i]))
            {
                return null;
            }
        }
        return new HostCpuTime(ticks[0] + ticks[1], ticks[2] + ticks[5] + ticks[6], ticks[3] + ticks[4], ticks[7]);
    }

    /// <summary>What the machine did between two readings, as shares of all CPU time in between; NaN when either reading is missing or no time passed.</summary>
    public static HostCpuShare Between(HostCpuTime? from, HostCpuTime? to)
    {
        if (from is not { } a || to is not { } b || b.Total <= a.Total)
        {
            return new HostCpuShare(double.NaN, double.NaN);
        }
        double total = b.Total - a.Total;
        return new HostCpuShare(100 * (b.User - a.User + b.System - a.System) / total, 100 * (b.Steal - a.Steal) / total);
    }

    /// <summary>The 1-minute load average (Linux), so a figure is read beside the load it was measured under; NaN elsewhere.</summary>
    public static double LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            int end = text.IndexOf(' ', StringComparison.Ordinal);
            return end > 0 && double.TryParse(text.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture, out double load) ? load : double.NaN;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }
}

/// <summary>How the machine's CPUs spent a window, percent of all CPU time in it (every CPU summed).</summary>
/// <param name="BusyPercent">User and kernel time, ours and every other process's.</param>
/// <param name="StealPercent">Time the hypervisor took from our virtual CPUs.</param>
public readonly record struct HostCpuShare(double BusyPercent, double StealPercent);
