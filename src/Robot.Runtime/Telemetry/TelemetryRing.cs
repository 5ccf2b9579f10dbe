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
/// </summary>
public sealed class TelemetryRing
{
    private readonly TelemetryFrame[] _frames;
    private readonly int _mask;
    private long _head; // next slot the producer writes
    private long _tail; // next slot the consumer reads
    private long _dropped;

    /// <param name="jointCount">Joints per frame.</param>
    /// <param name="capacity">Frames held; rounded up to a power of two. 4096 ≈ 4 s at 1 kHz.</param>
    public TelemetryRing(int jointCount, int capacity = 4096)
    {
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

    /// <summary>Frames waiting for the writer.</summary>
    public long Pending => Volatile.Read(ref _head) - Volatile.Read(ref _tail);

    /// <summary>The controller whose signals are copied into each frame, or null. Set before the loop starts.</summary>
    public IControllerTelemetry? Signals { get; set; }

    /// <summary>Copies one tick into the next free frame. Producer only; allocation-free.</summary>
    public bool TryPublish(in TickContext tick, RobotState state, in BaseEstimate estimate, ReadOnlySpan<JointCommand> commands, LoopFault fault, int faultDetail, bool held, in SafetyStatus safety = default)
    {
        long head = _head;
        if (head - Volatile.Read(ref _tail) >= _frames.Length)
        {
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

    /// <summary>The oldest unread frame, or null. Consumer only; call <see cref="Release"/> when done with it.</summary>
    public TelemetryFrame? Peek()
    {
        long tail = _tail;
        return tail == Volatile.Read(ref _head) ? null : _frames[tail & _mask];
    }

    /// <summary>Returns the frame obtained by <see cref="Peek"/> to the producer.</summary>
    public void Release() => Volatile.Write(ref _tail, _tail + 1);
}
