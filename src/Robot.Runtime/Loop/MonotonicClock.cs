using System.Runtime.InteropServices;

namespace Robot.Runtime.Loop;

/// <summary>
/// CLOCK_MONOTONIC through libc: the clock the waiter sleeps on, read through the vDSO (tens of
/// nanoseconds, no system call). Only loop drivers read it; control code gets time from ticks.
/// </summary>
internal static partial class MonotonicClock
{
    internal const int ClockMonotonic = 1;
    internal const int TimerAbsolute = 1;

    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in Timespec request, IntPtr remain);

    /// <summary>Nanoseconds on CLOCK_MONOTONIC.</summary>
    internal static long NowNs()
    {
        ClockGetTime(ClockMonotonic, out Timespec t);
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }

    /// <summary>Sleeps until the absolute CLOCK_MONOTONIC time <paramref name="deadlineNs"/> (returns early on a signal).</summary>
    internal static void SleepUntil(long deadlineNs)
    {
        var t = new Timespec { Seconds = deadlineNs / 1_000_000_000, Nanoseconds = deadlineNs % 1_000_000_000 };
        ClockNanosleep(ClockMonotonic, TimerAbsolute, in t, IntPtr.Zero);
    }
}
