using Robot.Core.Control;
using Robot.Core.Hardware;
using Robot.Runtime.Estimation;
using Robot.Runtime.Loop;
using Robot.Runtime.Safety;

namespace Robot.Runtime.Telemetry;

/// <summary>
/// Single-producer single-consumer ring of preallocated <see cref="TelemetryFrame"/>s between
/// the loop (producer) and the background writer (consumer). The producer never waits: when
/// the ring is full the frame is dropped and counted. Neither side allocates or locks.
///
/// Beside the frames a second, small queue carries the <see cref="TelemetryTransition"/>s the
/// recording must not lose: fault and safety-stop changes, noted on every tick whether its frame
/// fits or not, and each gap of dropped frames once it ends. Changes are rare (a few per stop),
/// so that queue fills only if nobody drains it for hundreds of stops; then they are counted in
/// <see cref="TransitionsLost"/>.
/// </summary>
public sealed class TelemetryRing
{
    private readonly TelemetryFrame[] _frames;
    private readonly int _mask;
    private long _head; // next slot the producer writes
    private long _tail; // next slot the consumer reads
    private long _dropped;
    private readonly TelemetryTransition[] _transitions;
    private readonly int _transitionMask;
    private long _transitionHead, _transitionTail, _transitionsLost;
    // Producer only: what it last noted, over every tick (dropped ones too), and the gap it is in.
    private LoopFault _notedFault;
    private (StopCategory Stop, StopPhase Phase, Robot.Safety.Contracts.ReasonCode Reason) _notedSafety;
    private bool _safetyNoted;
    private long _gapFirstTick;
    private double _gapFirstTime;
    private long _gapDropped;

    /// <param name="jointCount">Joints per frame.</param>
    /// <param name="capacity">Frames held; rounded up to a power of two. 4096 ≈ 4 s at 1 kHz.</param>
    /// <param name="transitionCapacity">Fault, safety-stop and gap records held; rounded up to a power of two.</param>
    public TelemetryRing(int jointCount, int capacity = 4096, int transitionCapacity = 1024)
    {
        int transitions = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, transitionCapacity));
        _transitions = new TelemetryTransition[transitions];
        _transitionMask = transitions - 1;
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, capacity));
        _frames = new TelemetryFrame[size];
        for (int i = 0; i < size; i++)
        {
            _frames[i] = new TelemetryFrame(jointCount);
        }
        _mask = size - 1;
        JointCount = jointCount;
    }

    public int JointCount { get; }

    /// <summary>Frames dropped because the writer fell behind.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Transitions lost because their queue was full (0 unless nobody drained it for a long time).</summary>
    public long TransitionsLost => Volatile.Read(ref _transitionsLost);

    /// <summary>Frames waiting for the writer.</summary>
    public long Pending => Volatile.Read(ref _head) - Volatile.Read(ref _tail);

    /// <summary>The controller whose signals are copied into each frame, or null. Set before the loop starts.</summary>
    public IControllerTelemetry? Signals { get; set; }

    /// <summary>Copies one tick into the next free frame. Producer only; allocation-free.</summary>
    public bool TryPublish(in TickContext tick, RobotState state, in BaseEstimate estimate, ReadOnlySpan<JointCommand> commands, LoopFault fault, int faultDetail, bool held, in SafetyStatus safety = default)
    {
        long head = _head;
        bool full = head - Volatile.Read(ref _tail) >= _frames.Length;
        if (!full && _gapDropped > 0)
        {
            // The gap ends with this frame: record it before this tick's changes.
            Enqueue(OpenGap());
            _gapDropped = 0;
        }
        NoteTransitions(tick.Tick, state.Time, fault, faultDetail, safety);
        if (full)
        {
            if (_gapDropped++ == 0)
            {
                (_gapFirstTick, _gapFirstTime) = (tick.Tick, state.Time);
            }
            Interlocked.Increment(ref _dropped);
            return false;
        }
        TelemetryFrame f = _frames[head & _mask];
        f.Tick = tick.Tick;
        f.Time = state.Time;
        state.JointPosition.CopyTo(f.Position, 0);
        state.JointVelocity.CopyTo(f.Velocity, 0);
        state.JointTorque.CopyTo(f.Torque, 0);
        for (int i = 0; i < commands.Length; i++)
        {
            JointCommand c = commands[i];
            f.CommandPosition[i] = c.Position;
            f.CommandVelocity[i] = c.Velocity;
            f.CommandKp[i] = c.Kp;
            f.CommandKd[i] = c.Kd;
            f.CommandTorque[i] = c.FeedForwardTorque;
        }
        f.HeldLastSafe = held;
        f.Estimate = estimate;
        f.Fault = fault;
        f.FaultDetail = faultDetail;
        f.Safety = safety;
        IControllerTelemetry? signals = Signals;
        if (signals is not null)
        {
            int count = Math.Min(signals.SignalNames.Count, TelemetryFrame.MaxSignals);
            signals.WriteSignals(f.Signals.AsSpan(0, count));
            f.SignalCount = count;
        }
        else
        {
            f.SignalCount = 0;
        }
        Volatile.Write(ref _head, head + 1);
        return true;
    }

    /// <summary>Queues a fault or safety-stop change of this tick. Producer only; allocation-free.</summary>
    private void NoteTransitions(long tick, double time, LoopFault fault, int faultDetail, in SafetyStatus safety)
    {
        if (fault != _notedFault)
        {
            _notedFault = fault;
            Enqueue(new TelemetryTransition(TelemetryTransitionKind.Fault, tick, time, fault, faultDetail, safety, 0, 0));
        }
        var stop = (safety.Stop, safety.Phase, safety.Reason);
        if (!_safetyNoted || stop != _notedSafety)
        {
            (_safetyNoted, _notedSafety) = (true, stop);
            Enqueue(new TelemetryTransition(TelemetryTransitionKind.SafetyStop, tick, time, fault, faultDetail, safety, 0, 0));
        }
    }

    private void Enqueue(in TelemetryTransition transition)
    {
        long head = _transitionHead;
        if (head - Volatile.Read(ref _transitionTail) >= _transitions.Length)
        {
            Interlocked.Increment(ref _transitionsLost);
            return;
        }
        _transitions[head & _transitionMask] = transition;
        Volatile.Write(ref _transitionHead, head + 1);
    }

    /// <summary>The oldest unread transition, if any. Consumer only; call <see cref="ReleaseTransition"/> when done with it.</summary>
    public bool TryPeekTransition(out TelemetryTransition transition)
    {
        long tail = _transitionTail;
        if (tail == Volatile.Read(ref _transitionHead))
        {
            transition = default;
            return false;
        }
        transition = _transitions[tail & _transitionMask];
        return true;
    }

    /// <summary>Returns the transition obtained by <see cref="TryPeekTransition"/> to the producer.</summary>
    public void ReleaseTransition() => Volatile.Write(ref _transitionTail, _transitionTail + 1);

    /// <summary>
    /// The gap the producer is in (frames dropped since its last published frame), if any. Call
    /// only once the producer has stopped: a recording that ends in a gap records it from here.
    /// </summary>
    public bool TryGetOpenGap(out TelemetryTransition gap)
    {
        gap = _gapDropped > 0 ? OpenGap() : default;
        return _gapDropped > 0;
    }

    /// <summary>The record of the gap the producer is in: its first tick and time, and the frames dropped in it.</summary>
    private TelemetryTransition OpenGap() =>
        new(TelemetryTransitionKind.Gap, _gapFirstTick, _gapFirstTime, LoopFault.None, -1, default, _gapDropped, Dropped);

    /// <summary>The oldest unread frame, or null. Consumer only; call <see cref="Release"/> when done with it.</summary>
    public TelemetryFrame? Peek()
    {
        long tail = _tail;
        return tail == Volatile.Read(ref _head) ? null : _frames[tail & _mask];
    }

    /// <summary>Returns the frame obtained by <see cref="Peek"/> to the producer.</summary>
    public void Release() => Volatile.Write(ref _tail, _tail + 1);
}
