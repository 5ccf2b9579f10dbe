using System.Diagnostics;
using Robot.Core.Hardware;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.JointBoard;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Emulation;

/// <summary>
/// A virtual leg/waist motor board on a serial line: applies the driver law of
/// <see cref="JointDrive"/> (PD + feed-forward, saturated) to simple rigid joints, answers
/// Command with State, State Request with State, Heartbeat Request with Heartbeat. A watchdog
/// makes the board limp when commands stop for <see cref="WatchdogTimeout"/>; the latched flag
/// needs ClearFaults. Frames for another board ID are ignored (several boards may share a bus).
/// </summary>
public sealed class VirtualJointBoard : SerialDeviceEmulator
{
    private readonly object _gate = new();
    private readonly JointSample[] _joints;
    private readonly double[] _q;
    private readonly double[] _qd;
    private readonly double[] _tau;
    private readonly JointCommand[] _commands;
    private readonly JointCommand[] _received = new JointCommand[JointBoardProtocol.MaxJoints];
    private readonly JointFaults[] _faults;
    private readonly byte[] _tx = new byte[1024];
    private readonly long _bootTicks = Stopwatch.GetTimestamp();
    private long _lastUpdate;
    private long _lastCommand;
    private BoardStatus _flags;
    private byte _ackSequence;
    private ushort _rxErrors;
    private readonly List<JointCommand[]> _appliedCommands = [];

    public VirtualJointBoard(ISerialTransport transport, byte boardId, int jointCount, FaultInjection? faults = null)
        : base(transport, faults)
    {
        BoardId = boardId;
        JointCount = jointCount;
        _joints = new JointSample[jointCount];
        _q = new double[jointCount];
        _qd = new double[jointCount];
        _tau = new double[jointCount];
        _commands = new JointCommand[jointCount];
        _faults = new JointFaults[jointCount];
        _lastUpdate = _lastCommand = Stopwatch.GetTimestamp();
    }

    public byte BoardId { get; }

    public int JointCount { get; }

    /// <summary>Joint inertia, kg·m².</summary>
    public double Inertia { get; init; } = 0.02;

    /// <summary>Viscous friction, N·m·s/rad.</summary>
    public double Damping { get; init; } = 0.05;

    /// <summary>Torque limit, N·m.</summary>
    public double TorqueLimit { get; init; } = 30;

    /// <summary>Commands must arrive this often while enabled, or the board goes limp.</summary>
    public TimeSpan WatchdogTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    public BoardStatus Flags
    {
        get { lock (_gate) { Update(); return _flags; } }
    }

    /// <summary>Number of command frames applied (tests check that none was duplicated).</summary>
    public int CommandsApplied
    {
        get { lock (_gate) { return _appliedCommands.Count; } }
    }

    /// <summary>Every command set applied with Enable, in order.</summary>
    public IReadOnlyList<JointCommand[]> AppliedCommands
    {
        get { lock (_gate) { return [.. _appliedCommands]; } }
    }

    /// <summary>Joint position, rad.</summary>
    public double Position(int joint)
    {
        lock (_gate)
        {
            Update();
            return _q[joint];
        }
    }

    /// <summary>Places a joint (a person moving a limp leg).</summary>
    public void SetPosition(int joint, double radians)
    {
        lock (_gate)
        {
            Update();
            _q[joint] = radians;
            _qd[joint] = 0;
        }
    }

    /// <summary>Latches a joint fault.</summary>
    public void InjectJointFault(int joint, JointFaults fault)
    {
        lock (_gate)
        {
            _faults[joint] |= fault;
        }
    }

    protected override int Process(ReadOnlySpan<byte> rx)
    {
        int offset = 0;
        while (offset < rx.Length)
        {
            DecodeStatus status = JointBoardProtocol.TryDecode(rx[offset..], out JointBoardFrame frame, out int consumed);
            int frameStart = offset;
            offset += consumed;
            if (status == DecodeStatus.NeedMoreData)
            {
                break;
            }
            if (status != DecodeStatus.Ok)
            {
                BadPackets++;
                _rxErrors++;
                continue;
            }
            if (frame.BoardId != BoardId)
            {
                continue;
            }
            ReadOnlySpan<byte> payload = rx.Slice(frameStart + frame.PayloadOffset, frame.PayloadLength);
            int n;
            lock (_gate)
            {
                Update();
                switch (frame.Type)
                {
                    case JointBoardFrameType.Command:
                        ApplyCommand(frame.Sequence, payload);
                        n = EncodeState(frame.Sequence);
                        break;
                    case JointBoardFrameType.StateRequest:
                        n = EncodeState(frame.Sequence);
                        break;
                    case JointBoardFrameType.HeartbeatRequest:
                        n = JointBoardProtocol.EncodeHeartbeat(_tx, BoardId, frame.Sequence, new BoardHeartbeat(
                            (uint)((Stopwatch.GetTimestamp() - _bootTicks) * 1000 / Stopwatch.Frequency), 1, 0, (byte)JointCount, _flags, 48_000, _rxErrors));
                        break;
                    default:
                        continue; // State/Heartbeat frames are the board's own (echo)
                }
            }
            RequestsHandled++;
            Send(_tx.AsSpan(0, n));
        }
        return offset;
    }

    private void ApplyCommand(byte sequence, ReadOnlySpan<byte> payload)
    {
        int count = JointBoardProtocol.ReadCommand(payload, out CommandOptions flags, _received);
        if (count != JointCount)
        {
            _rxErrors++;
            return; // not acknowledged: ack stays at the previous command
        }
        _lastCommand = Stopwatch.GetTimestamp();
        _ackSequence = sequence;
        if ((flags & CommandOptions.ClearFaults) != 0)
        {
            _flags &= ~(BoardStatus.WatchdogTripped | BoardStatus.JointFault);
            Array.Clear(_faults);
        }
        bool latched = (_flags & BoardStatus.WatchdogTripped) != 0 || HasJointFault();
        if ((flags & CommandOptions.Enable) != 0 && !latched)
        {
            _received.AsSpan(0, JointCount).CopyTo(_commands);
            _flags |= BoardStatus.Enabled;
            _appliedCommands.Add(_received[..JointCount]);
        }
        else
        {
            _flags &= ~BoardStatus.Enabled;
        }
    }

    private bool HasJointFault()
    {
        foreach (JointFaults f in _faults)
        {
            if (f != JointFaults.None)
            {
                return true;
            }
        }
        return false;
    }

    private int EncodeState(byte sequence)
    {
        for (int i = 0; i < JointCount; i++)
        {
            _joints[i] = new JointSample((float)_q[i], (float)_qd[i], (float)_tau[i], (short)(350 + Math.Min(500, Math.Abs(_tau[i]) * 10)), _faults[i]);
        }
        BoardStatus flags = _flags | (HasJointFault() ? BoardStatus.JointFault : BoardStatus.None);
        uint time = (uint)((Stopwatch.GetTimestamp() - _bootTicks) * 1_000_000 / Stopwatch.Frequency);
        return JointBoardProtocol.EncodeState(_tx, BoardId, sequence, _ackSequence, flags, time, _joints);
    }

    /// <summary>Integrates the joints to now (1 ms steps), tripping the watchdog on the way if due.</summary>
    private void Update()
    {
        long now = Stopwatch.GetTimestamp();
        long watchdogAt = _lastCommand + (long)(WatchdogTimeout.TotalSeconds * Stopwatch.Frequency);
        const double step = 0.001;
        long stepTicks = Stopwatch.Frequency / 1000;
        int guard = 0;
        while (now - _lastUpdate >= stepTicks && guard++ < 5000)
        {
            if ((_flags & BoardStatus.Enabled) != 0 && _lastUpdate >= watchdogAt)
            {
                _flags = (_flags & ~BoardStatus.Enabled) | BoardStatus.WatchdogTripped;
            }
            bool driving = (_flags & BoardStatus.Enabled) != 0 && !HasJointFault();
            for (int i = 0; i < JointCount; i++)
            {
                double tau = driving ? JointDrive.Torque(_commands[i], _q[i], _qd[i], TorqueLimit) : 0;
                _tau[i] = tau;
                double acc = (tau - (Damping * _qd[i])) / Inertia;
                _qd[i] += acc * step;
                _q[i] += _qd[i] * step;
            }
            _lastUpdate += stepTicks;
        }
        if (guard >= 5000)
        {
            _lastUpdate = now;
            if ((_flags & BoardStatus.Enabled) != 0 && now >= watchdogAt)
            {
                _flags = (_flags & ~BoardStatus.Enabled) | BoardStatus.WatchdogTripped;
            }
        }
    }
}
