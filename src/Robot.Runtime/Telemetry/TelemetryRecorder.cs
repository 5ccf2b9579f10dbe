using Robot.Core.Control;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Robot.Core.Description;
using Robot.Runtime.Telemetry.Mcap;
using Robot.Runtime.Telemetry.Protos;

namespace Robot.Runtime.Telemetry;

/// <summary>
/// The background writer: drains a <see cref="TelemetryRing"/> into an MCAP file on its own
/// thread, never on the loop's. Channels: /joint_states, /joint_commands, /base_state,
/// /controller (when the controller exposes signals), /loop_fault and /safety_stop (on change),
/// /telemetry_gaps (ticks dropped because the writer fell behind), each protobuf-encoded with the
/// schema from telemetry.proto embedded. Fault, stop and gap records come from the ring's
/// transition queue, not from the frames, so a stop inside a dropped stretch is still recorded. Encoding reuses one buffer,
/// so steady-state recording allocates nothing and triggers no GC that could pause the loop.
///
/// A failed write (disk full, I/O error) ends the recording, never the process: the error is kept
/// in <see cref="Failure"/>, nothing more is written, and the writer keeps draining the ring so
/// the loop never finds it full because of a dead recorder. <see cref="Dispose"/> then closes the
/// file without a summary; what reached the disk reads up to its last complete chunk.
/// </summary>
public sealed class TelemetryRecorder : IDisposable
{
    private readonly TelemetryRing _ring;
    private readonly McapWriter _writer;
    private readonly ushort _jointStates, _jointCommands, _baseState, _fault, _safety, _gaps;
    private readonly ushort? _controller;
    private readonly int _everyNthTick;
    private readonly byte[] _buffer;
    private readonly ulong _epochNs;
    private readonly Thread _thread;
    private volatile bool _stop;
    private volatile Exception? _failure;
    private long _framesDiscarded;
    private long _writerAllocatedBytes;
    private bool _disposed;
    private uint _sequence;

    /// <param name="path">MCAP file to create (overwritten).</param>
    /// <param name="ring">The ring the loop publishes into.</param>
    /// <param name="robot">Joint names for the channels' metadata.</param>
    /// <param name="epoch">Wall-clock time that hardware time 0 corresponds to (MCAP times are Unix ns).</param>
    /// <param name="everyNthTick">
    /// Record the joint, base and controller messages of every Nth tick only (1: every tick). Loop
    /// faults and safety-stop changes are recorded on the tick they happen whatever N is. Long runs
    /// (the warehouse demo) record at 100 Hz: 1 kHz over minutes is hundreds of megabytes.
    /// </param>
    /// <param name="compression">MCAP chunk compression: "" or "zstd".</param>
    public TelemetryRecorder(string path, TelemetryRing ring, RobotDescription robot, DateTimeOffset epoch, int everyNthTick = 1, string compression = McapWriter.Zstd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(everyNthTick, 1);
        _everyNthTick = everyNthTick;
        _ring = ring;
        _writer = new McapWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), profile: "", compression: compression);
        _epochNs = (ulong)(epoch.ToUnixTimeMilliseconds() * 1_000_000);
        _buffer = new byte[64 + robot.JointCount * 8 * 8 + TelemetryFrame.MaxSignals * 8 + 256];
        var joints = new Dictionary<string, string> { ["joints"] = string.Join(',', robot.Joints.Select(j => j.Name)) };
        _jointStates = Channel("/joint_states", JointStates.Descriptor, joints);
        _jointCommands = Channel("/joint_commands", JointCommands.Descriptor, joints);
        _baseState = Channel("/base_state", BaseState.Descriptor, null);
        _fault = Channel("/loop_fault", Protos.LoopFault.Descriptor, null);
        _safety = Channel("/safety_stop", SafetyStop.Descriptor, null);
        _gaps = Channel("/telemetry_gaps", TelemetryGap.Descriptor, null);
        if (ring.Signals is { } signals)
        {
            _controller = Channel("/controller", ControllerInternals.Descriptor,
                new Dictionary<string, string> { ["signals"] = string.Join(',', signals.SignalNames) });
        }
        Path = path;
        _thread = new Thread(Drain) { Name = "telemetry-writer", IsBackground = true, Priority = ThreadPriority.BelowNormal };
        _thread.Start();
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>Messages written so far.</summary>
    public long MessagesWritten => _sequence;

    /// <summary>
    /// The error that ended the recording early (the failed write: disk full, I/O error), or null
    /// while it records and after a clean close. Any thread.
    /// </summary>
    public Exception? Failure => _failure;

    /// <summary>True when the recording ended early on a write error (<see cref="Failure"/> says which). Any thread.</summary>
    public bool Failed => _failure is not null;

    /// <summary>Frames taken from the ring after the failure and not written. Any thread.</summary>
    public long FramesDiscarded => Volatile.Read(ref _framesDiscarded);

    /// <summary>
    /// Bytes the writer thread has allocated so far, as of the last frame it took from the ring
    /// (<see cref="GC.GetAllocatedBytesForCurrentThread"/> on that thread): flat in steady state,
    /// which tests check. Any thread.
    /// </summary>
    public long WriterAllocatedBytes => Volatile.Read(ref _writerAllocatedBytes);

    private ushort Channel(string topic, MessageDescriptor descriptor, IReadOnlyDictionary<string, string>? metadata)
    {
        var set = new FileDescriptorSet();
        set.File.Add(FileDescriptorProto.Parser.ParseFrom(descriptor.File.SerializedData));
        ushort schema = _writer.AddSchema(descriptor.FullName, "protobuf", set.ToByteArray());
        return _writer.AddChannel(topic, schema, "protobuf", metadata);
    }

    private void Drain()
    {
        while (true)
        {
            bool stopping = _stop; // before the peek: a frame published before Dispose is still seen
            TelemetryFrame? frame = _ring.Peek();
            // Without a frame: the changes of ticks whose frames were dropped or are not yet published.
            Record(frame);
            if (frame is null)
            {
                if (stopping)
                {
                    return;
                }
                Thread.Sleep(2);
                continue;
            }
            Volatile.Write(ref _writerAllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
            _ring.Release();
        }
    }

    /// <summary>
    /// Writes the transitions up to <paramref name="frame"/>'s tick (all of them without a frame),
    /// then the frame; after a failure only takes them off the ring.
    /// </summary>
    private void Record(TelemetryFrame? frame)
    {
        if (_failure is null)
        {
            try
            {
                DrainTransitions(frame?.Tick ?? long.MaxValue);
                if (frame is not null)
                {
                    Write(frame);
                }
                return;
            }
            catch (Exception e)
            {
                // Every exception: this thread has no caller, so one that escapes ends the
                // process, control loop and safety link included. A recording is not worth that.
                _failure = e;
            }
        }
        DrainTransitions(frame?.Tick ?? long.MaxValue); // failed: released, not written
        if (frame is not null)
        {
            Interlocked.Increment(ref _framesDiscarded);
        }
    }

    private ulong LogTime(double time) => _epochNs + (ulong)Math.Max(0, Math.Round(time * 1e9));

    private void Write(TelemetryFrame f)
    {
        if (f.Tick % _everyNthTick == 0)
        {
            WriteState(f, LogTime(f.Time));
        }
    }

    /// <summary>
    /// Writes the queued transitions up to tick <paramref name="upTo"/>, or only releases them
    /// after a failure. A gap is written when it ends, so its first tick is earlier than the
    /// changes queued inside it.
    /// </summary>
    private void DrainTransitions(long upTo)
    {
        while (_ring.TryPeekTransition(out TelemetryTransition transition) && transition.Tick <= upTo)
        {
            if (_failure is null)
            {
                WriteTransition(transition);
            }
            _ring.ReleaseTransition();
        }
    }

    private void WriteTransition(in TelemetryTransition c)
    {
        ulong t = LogTime(c.Time);
        var w = new ProtoWriter(_buffer);
        w.WriteDouble(1, c.Time);
        w.WriteInt64(2, c.Tick);
        switch (c.Kind)
        {
            case TelemetryTransitionKind.Fault:
                w.WriteString(3, LoopFaultNames.Of(c.Fault));
                w.WriteInt64(4, c.FaultDetail);
                _writer.WriteMessage(_fault, _sequence++, t, t, _buffer.AsSpan(0, w.Length));
                break;
            case TelemetryTransitionKind.SafetyStop:
                Safety.SafetyStatus s = c.Safety;
                w.WriteString(3, SafetyNames.Of(s.Stop));
                w.WriteString(4, SafetyNames.Of(s.Phase));
                w.WriteString(5, SafetyNames.Of(s.Reason));
                w.WriteDouble(6, s.SpeedScale);
                w.WriteInt64(7, s.TicksInStop);
                _writer.WriteMessage(_safety, _sequence++, t, t, _buffer.AsSpan(0, w.Length));
                break;
            default:
                w.WriteInt64(3, c.Dropped);
                w.WriteInt64(4, c.DroppedTotal);
                _writer.WriteMessage(_gaps, _sequence++, t, t, _buffer.AsSpan(0, w.Length));
                break;
        }
    }

    /// <summary>The joint states and commands, the base estimate and the controller's signals of one tick.</summary>
    private void WriteState(TelemetryFrame f, ulong t)
    {
        var w = new ProtoWriter(_buffer);
        w.WriteDouble(1, f.Time);
        w.WriteInt64(2, f.Tick);
        w.WritePackedDoubles(3, f.Position);
        w.WritePackedDoubles(4, f.Velocity);
        w.WritePackedDoubles(5, f.Torque);
        _writer.WriteMessage(_jointStates, _sequence++, t, t, _buffer.AsSpan(0, w.Length));

        w = new ProtoWriter(_buffer);
        w.WriteDouble(1, f.Time);
        w.WriteInt64(2, f.Tick);
        w.WritePackedDoubles(3, f.CommandPosition);
        w.WritePackedDoubles(4, f.CommandVelocity);
        w.WritePackedDoubles(5, f.CommandKp);
        w.WritePackedDoubles(6, f.CommandKd);
        w.WritePackedDoubles(7, f.CommandTorque);
        w.WriteBool(8, f.HeldLastSafe);
        _writer.WriteMessage(_jointCommands, _sequence++, t, t, _buffer.AsSpan(0, w.Length));

        var e = f.Estimate;
        w = new ProtoWriter(_buffer);
        w.WriteDouble(1, f.Time);
        w.WriteInt64(2, f.Tick);
        w.WriteDouble(3, e.Orientation.W);
        w.WriteDouble(4, e.Orientation.X);
        w.WriteDouble(5, e.Orientation.Y);
        w.WriteDouble(6, e.Orientation.Z);
        w.WriteDouble(7, e.AngularVelocity.X);
        w.WriteDouble(8, e.AngularVelocity.Y);
        w.WriteDouble(9, e.AngularVelocity.Z);
        w.WriteDouble(10, e.LinearVelocity.X);
        w.WriteDouble(11, e.LinearVelocity.Y);
        w.WriteDouble(12, e.LinearVelocity.Z);
        w.WriteBool(13, e.LeftContact);
        w.WriteBool(14, e.RightContact);
        _writer.WriteMessage(_baseState, _sequence++, t, t, _buffer.AsSpan(0, w.Length));

        if (_controller is ushort controller && f.SignalCount > 0)
        {
            w = new ProtoWriter(_buffer);
            w.WriteDouble(1, f.Time);
            w.WriteInt64(2, f.Tick);
            w.WritePackedDoubles(3, f.Signals.AsSpan(0, f.SignalCount));
            _writer.WriteMessage(controller, _sequence++, t, t, _buffer.AsSpan(0, w.Length));
        }
    }

    /// <summary>
    /// Drains what is left, writes the summary and closes the file; after a failure only closes
    /// it. Never throws for a write error: one at close is kept in <see cref="Failure"/>.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stop = true;
        _thread.Join();
        try
        {
            if (_failure is null)
            {
                // The loop has stopped: a recording that ends in a gap records that gap too.
                if (_ring.TryGetOpenGap(out TelemetryTransition gap))
                {
                    WriteTransition(gap);
                }
                _writer.Dispose();
            }
            else
            {
                _writer.Abort();
            }
        }
        catch (IOException e)
        {
            _failure ??= e;
        }
    }
}
