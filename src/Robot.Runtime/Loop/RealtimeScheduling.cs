using System.Runtime.InteropServices;

namespace Robot.Runtime.Loop;

/// <summary>
/// Asks Linux for real-time treatment of the calling thread: SCHED_FIFO and locked memory.
/// Either may be refused (no CAP_SYS_NICE, RLIMIT_RTPRIO or RLIMIT_MEMLOCK, a container): each
/// request returns a plain sentence saying what happened, and the loop runs either way.
/// </summary>
public static partial class RealtimeScheduling
{
    private const int SchedFifo = 1;
    private const int McCurrent = 1;
    private const int McFuture = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, in SchedParam param);

    [LibraryImport("libc", EntryPoint = "mlockall", SetLastError = true)]
    private static partial int MlockAll(int flags);

    /// <summary>Puts the calling thread under SCHED_FIFO at <paramref name="priority"/>. Returns (granted, what happened).</summary>
    public static (bool Granted, string Report) TryFifo(int priority)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (false, "SCHED_FIFO: not Linux, running with normal priority");
        }
        var param = new SchedParam { Priority = priority };
        // pid 0 = the calling thread (Linux schedules threads, not processes).
        if (SchedSetScheduler(0, SchedFifo, in param) == 0)
        {
            return (true, $"SCHED_FIFO priority {priority} granted");
        }
        int errno = Marshal.GetLastPInvokeError();
        return (false, $"SCHED_FIFO priority {priority} refused ({Marshal.GetPInvokeErrorMessage(errno)}); running under the normal scheduler: expect larger jitter");
    }

    /// <summary>Locks current and future pages in RAM. Returns (granted, what happened).</summary>
    public static (bool Granted, string Report) TryLockMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (false, "mlockall: not Linux");
        }
        if (MlockAll(McCurrent | McFuture) == 0)
        {
            return (true, "memory locked (mlockall)");
        }
        int errno = Marshal.GetLastPInvokeError();
        return (false, $"mlockall refused ({Marshal.GetPInvokeErrorMessage(errno)}); pages may fault during ticks");
    }
}
