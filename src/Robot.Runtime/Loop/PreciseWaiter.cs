namespace Robot.Runtime.Loop;

/// <summary>
/// Waits until an absolute deadline: sleeps with clock_nanosleep(TIMER_ABSTIME) until
/// <see cref="SpinWindowNs"/> before it (absolute, so lateness never accumulates), then spins
/// on the clock. The sleep gives the core away; the spin removes the kernel's wake-up latency
/// from the last stretch.
/// </summary>
public sealed class PreciseWaiter
{
    /// <param name="spinWindow">How long before the deadline to stop sleeping and spin.</param>
    public PreciseWaiter(TimeSpan spinWindow)
    {
        SpinWindowNs = (long)(spinWindow.TotalMicroseconds * 1000);
    }

    /// <summary>Spin window, ns.</summary>
    public long SpinWindowNs { get; }

    /// <summary>Current CLOCK_MONOTONIC time, ns.</summary>
    public static long NowNs() => MonotonicClock.NowNs();

    /// <summary>Returns at or just after <paramref name="deadlineNs"/> (CLOCK_MONOTONIC); returns the wake time.</summary>
    public long WaitUntil(long deadlineNs)
    {
        long sleepUntil = deadlineNs - SpinWindowNs;
        long now = MonotonicClock.NowNs();
        if (now < sleepUntil)
        {
            MonotonicClock.SleepUntil(sleepUntil);
            now = MonotonicClock.NowNs();
        }
        while (now < deadlineNs)
        {
            Thread.SpinWait(8);
            now = MonotonicClock.NowNs();
        }
        return now;
    }
}
