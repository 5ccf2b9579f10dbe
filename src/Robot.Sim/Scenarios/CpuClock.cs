using System.Runtime.InteropServices;

namespace Robot.Sim.Scenarios;

/// <summary>
/// CPU time consumed by the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>).
/// On a loaded machine wall-clock rates mostly measure the scheduler; CPU time per step measures
/// the code, which is what an overhead ratio is about.
/// </summary>
public static partial class CpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Seconds of CPU time this thread has used, or NaN where the clock is unavailable.</summary>
    public static double ThreadSeconds()
    {
        try
        {
            return ClockGetTime(ClockThreadCpuTimeId, out TimeSpec t) == 0 ? t.Seconds + t.Nanoseconds * 1e-9 : double.NaN;
        }
        catch (DllNotFoundException)
        {
            return double.NaN;
        }
        catch (EntryPointNotFoundException)
        {
            return double.NaN;
        }
    }
}
