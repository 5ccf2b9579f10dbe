using Robot.Core.Control;
using System.Runtime;

namespace Robot.Runtime.Loop;

/// <summary>
/// Runs the pipeline against the wall clock on a dedicated thread (hardware, or simulation in
/// real time). Deadlines are absolute (start + k·period), so lateness never accumulates. Each
/// tick's wake-up lateness and compute time are measured; a tick overruns when its compute time
/// exceeds <see cref="ControlLoopOptions.OverrunFraction"/> of the period or it woke more than a
/// period late. <see cref="ControlLoopOptions.MaxConsecutiveOverruns"/> in a row latch
/// <see cref="LoopFault.Overrun"/>: the pipeline then holds the last safe command. When the loop
/// falls more than a period behind it skips the missed deadlines (counted) instead of running
/// a burst of late ticks, and tells the next tick how many periods passed (<see cref="ILoopBody.Tick"/>),
/// so the pipeline's time keeps up with the wall clock.
///
/// GC: the tick allocates nothing, so no GC is triggered by the loop itself; while running, the
/// process is put in <see cref="GCLatencyMode.SustainedLowLatency"/> so that background
/// allocations (telemetry encoding, gRPC) do not cause blocking gen2 collections.
/// </summary>
public sealed class WallClockDriver : IDisposable
{
    private readonly ILoopBody _pipeline;
    private readonly long _periodNs;
    private readonly long _overrunNs;
    private readonly int _maxConsecutive;
    private readonly bool _fifo;
    private readonly int _priority;
    private readonly bool _lockMemory;
    private readonly PreciseWaiter _waiter;
    private Thread? _thread;
    private volatile bool _stop;
    private long _ticksToRun;

    public WallClockDriver(ILoopBody pipeline, ControlLoopOptions options, int warmupTicks = 200)
    {
        options.ThrowIfInvalid();
        _pipeline = pipeline;
        _periodNs = (long)Math.Round(1e9 / options.RateHz);
        _overrunNs = (long)(options.OverrunFraction * _periodNs);
        _maxConsecutive = options.MaxConsecutiveOverruns;
        _fifo = options.UseRealtimeScheduling;
        _priority = options.RealtimePriority;
        _lockMemory = options.LockMemory;
        _waiter = new PreciseWaiter(options.SpinWindow);
        _warmupTicks = warmupTicks;
    }

    private readonly int _warmupTicks;

    /// <summary>Timing statistics of the ticks after the warm-up (written by the loop thread).</summary>
    public LoopStatistics Statistics { get; } = new();

    /// <summary>What the OS granted: scheduling policy and memory locking, in plain words.</summary>
    public IReadOnlyList<string> RealtimeReport { get; private set; } = [];

    /// <summary>Bytes the loop thread allocated after the warm-up ticks (0 for a correct pipeline).</summary>
    public long AllocatedBytesAfterWarmup { get; private set; }

    /// <summary>Garbage collections (all generations) in the process after the warm-up ticks.</summary>
    public int CollectionsAfterWarmup { get; private set; }

    /// <summary>Ticks run after the warm-up (what the allocation figures cover).</summary>
    public long TicksAfterWarmup { get; private set; }

    /// <summary>True while the loop thread runs.</summary>
    public bool IsRunning => _thread is { IsAlive: true };

    /// <summary>Starts the loop thread; it runs <paramref name="ticks"/> ticks (or until <see cref="Stop"/> when null).</summary>
    public void Start(long? ticks = null)
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("the loop is already started");
        }
        _ticksToRun = ticks ?? long.MaxValue;
        _thread = new Thread(Run) { Name = "control-loop", IsBackground = true, Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    /// <summary>Asks the loop to stop after the current tick and waits for it.</summary>
    public void Stop()
    {
        _stop = true;
        _thread?.Join();
    }

    /// <summary>Waits for a loop started with a tick count to finish.</summary>
    public void Join() => _thread?.Join();

    private void Run()
    {
        var report = new List<string>(2);
        if (_fifo)
        {
            report.Add(RealtimeScheduling.TryFifo(_priority).Report);
        }
        if (_lockMemory)
        {
            report.Add(RealtimeScheduling.TryLockMemory().Report);
        }
        RealtimeReport = report;
        GCLatencyMode previousMode = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        try
        {
            Loop();
        }
        finally
        {
            GCSettings.LatencyMode = previousMode;
        }
    }

    private void Loop()
    {
        long deadline = PreciseWaiter.NowNs() + _periodNs;
        int consecutive = 0;
        long allocatedAtWarmup = 0;
        int collectionsAtWarmup = 0;
        long tick = 0;
        long periods = 1; // since the previous tick
        for (; tick < _ticksToRun && !_stop; tick++)
        {
            if (tick == _warmupTicks)
            {
                // Warm-up ticks exercised every path (JIT, first-use statics); measure from here.
                Statistics.Reset();
                allocatedAtWarmup = GC.GetAllocatedBytesForCurrentThread();
                collectionsAtWarmup = Collections();
            }
            long woke = _waiter.WaitUntil(deadline);
            long late = woke - deadline;
            _pipeline.Tick(periods);
            periods = 1;
            long computeNs = PreciseWaiter.NowNs() - woke;
            bool overrun = computeNs > _overrunNs || late > _periodNs;
            Statistics.Record(late, computeNs, overrun);
            consecutive = overrun ? consecutive + 1 : 0;
            if (consecutive >= _maxConsecutive)
            {
                _pipeline.RaiseFault(LoopFault.Overrun, consecutive);
            }
            deadline += _periodNs;
            long now = PreciseWaiter.NowNs();
            if (now > deadline + _periodNs)
            {
                // More than a period behind: skip the deadlines already missed.
                long missed = (now - deadline) / _periodNs;
                deadline += missed * _periodNs;
                periods += missed;
                Statistics.RecordMissed(missed);
            }
        }
        if (tick > _warmupTicks)
        {
            AllocatedBytesAfterWarmup = GC.GetAllocatedBytesForCurrentThread() - allocatedAtWarmup;
            CollectionsAfterWarmup = Collections() - collectionsAtWarmup;
            TicksAfterWarmup = tick - _warmupTicks;
        }
    }

    private static int Collections() => GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);

    public void Dispose() => Stop();
}
