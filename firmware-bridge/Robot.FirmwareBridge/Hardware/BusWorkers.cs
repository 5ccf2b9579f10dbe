using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Robot.Core.Hardware;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.JointBoard;

namespace Robot.FirmwareBridge.Hardware;

/// <summary>
/// One bus's I/O thread inside <see cref="BridgeHardware"/>. It publishes joint state
/// (position, velocity, torque per joint, then the sample time) and consumes the latest command
/// set. Commands are sent only while <see cref="Commanding"/> is set, and only commands the
/// owner wrote after the last arming: after a fault nothing is sent until the owner re-arms.
/// </summary>
internal abstract class BusWorker : IDisposable
{
    protected const int CommandStride = 5;
    private Thread? _thread;
    private volatile bool _stop;
    private readonly double[] _commandScratch;
    private long _appliedCommandVersion;

    protected BusWorker(BusDefinition bus, IReadOnlyList<(int RobotIndex, JointMapping Map)> joints)
    {
        Bus = bus;
        JointIndices = [.. joints.Select(j => j.RobotIndex)];
        JointNames = [.. joints.Select(j => j.Map.Joint)];
        Direction = [.. joints.Select(j => j.Map.Direction)];
        Offset = [.. joints.Select(j => j.Map.Offset)];
        StateBuffer = new SeqLockBuffer((3 * JointIndices.Length) + 1);
        StateScratch = new double[StateBuffer.Length];
        CommandBuffer = new SeqLockBuffer((CommandStride * JointIndices.Length) + 2);
        _commandScratch = new double[CommandBuffer.Length];
    }

    public BusDefinition Bus { get; }

    /// <summary>Robot joint index of each local joint.</summary>
    public int[] JointIndices { get; }

    /// <summary>Joint name of each local joint (fault messages name the joint).</summary>
    protected string[] JointNames { get; }

    protected double[] Direction { get; }

    protected double[] Offset { get; }

    public SeqLockBuffer StateBuffer { get; }

    protected double[] StateScratch { get; }

    /// <summary>
    /// Latest commands (robot units, joint frame, <see cref="CommandStride"/> per joint) followed
    /// by the time they were written (Stopwatch seconds) and a version number.
    /// </summary>
    public SeqLockBuffer CommandBuffer { get; }

    /// <summary>True while the hardware is Active.</summary>
    public volatile bool Commanding;

    /// <summary>Set by the thread when the bus is lost or its breaker opened.</summary>
    public volatile bool Faulted;

    public string? FaultMessage { get; protected set; }

    /// <summary>Completed cycles (diagnostics and rate checks).</summary>
    public long Cycles;

    public event Action<BusFault>? FaultRaised;

    public abstract void Open();

    /// <summary>Prepares the device for commands (hold at the measured position). Called on the owner thread before Commanding.</summary>
    public abstract void Arm();

    /// <summary>Makes the device limp / torque-off. Called on the owner thread after Commanding was cleared.</summary>
    public abstract void Disarm();

    /// <summary>One read (and, when commanding, write) cycle on the worker thread.</summary>
    protected abstract void Cycle();

    public abstract void Close();

    public void Start()
    {
        _stop = false;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"bus {Bus.Name}", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void StopThread()
    {
        _stop = true;
        _thread?.Join(TimeSpan.FromSeconds(5));
        _thread = null;
    }

    public void Dispose()
    {
        StopThread();
        Close();
    }

    /// <summary>Forgets every command written so far (after a fault or before arming).</summary>
    public void DropCommands() => Interlocked.Exchange(ref _appliedCommandVersion, long.MaxValue);

    /// <summary>Accepts commands written after this call.</summary>
    public void AcceptNewCommands()
    {
        CommandBuffer.TryRead(_commandScratch);
        long current = CommandBuffer.Writes == 0 ? 0 : (long)_commandScratch[^1];
        Interlocked.Exchange(ref _appliedCommandVersion, current);
    }

    /// <summary>
    /// The latest commands when newer than the last arming; false otherwise.
    /// <paramref name="writtenAt"/> is when the owner wrote them (Stopwatch seconds).
    /// </summary>
    protected bool TryTakeCommands(out ReadOnlySpan<double> commands, out bool isNew, out double writtenAt)
    {
        commands = default;
        isNew = false;
        writtenAt = 0;
        if (!CommandBuffer.TryRead(_commandScratch))
        {
            return false;
        }
        long version = (long)_commandScratch[^1];
        long floor = Interlocked.Read(ref _appliedCommandVersion);
        if (version <= floor || floor == long.MaxValue)
        {
            return false;
        }
        isNew = version != _lastSeenVersion;
        _lastSeenVersion = version;
        writtenAt = _commandScratch[^2];
        commands = _commandScratch;
        return true;
    }

    private long _lastSeenVersion;

    /// <summary>Now on the clock that stamps commands (<see cref="BridgeHardware.Write"/>) and samples, seconds.</summary>
    internal static double Now() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    protected void Publish()
    {
        StateScratch[^1] = Now();
        StateBuffer.Write(StateScratch);
    }

    protected void RaiseFault(BusFault fault)
    {
        if (fault.Kind != BusFaultKind.Reconnected)
        {
            FaultMessage = fault.Message;
            Faulted = true;
            Commanding = false;
            DropCommands();
        }
        FaultRaised?.Invoke(fault);
    }

    private void Loop()
    {
        long period = Bus.RateHz > 0 ? (long)(Stopwatch.Frequency / Bus.RateHz) : 0;
        long next = Stopwatch.GetTimestamp();
        while (!_stop)
        {
            try
            {
                Cycle();
                Interlocked.Increment(ref Cycles);
            }
            catch (IOException)
            {
                // Counted by the bus; faults arrive through FaultRaised. A lost bus is reopened by Reconnect below.
            }
            catch (InvalidOperationException)
            {
            }
            if (period > 0)
            {
                next += period;
                long now = Stopwatch.GetTimestamp();
                if (next < now - period)
                {
                    next = now; // fell behind: do not burst
                }
                while ((now = Stopwatch.GetTimestamp()) < next)
                {
                    if (next - now > Stopwatch.Frequency / 700)
                    {
                        Thread.Sleep(1);
                    }
                    else
                    {
                        Thread.Yield();
                    }
                }
            }
        }
    }
}

/// <summary>Joint boards on one bus, each exchanged at the bus rate (1 kHz by default).</summary>
internal sealed class JointBoardWorker : BusWorker
{
    private readonly JointBoardClient[] _boards;
    private readonly int[][] _localIndexByChannel;
    private readonly JointCommand[][] _commands;
    // Per board: the next command carries ClearFaults (set by Arm: a deliberate re-arm is the only
    // thing that may clear a latched fault), and whether its State flags are watched for faults
    // (from that clearing command on; before it the board may still show a fault latched earlier).
    private readonly bool[] _clearFaultsPending;
    private readonly bool[] _watchFaults;
    private readonly double _maxCommandAge;

    /// <param name="bus">The bus and its rate.</param>
    /// <param name="joints">Robot joint index and mapping of each joint on this bus.</param>
    /// <param name="transports">Opens the bus's line.</param>
    /// <param name="options">Timeouts and resilience of every board's client.</param>
    /// <param name="maxCommandAge">A command older than this is not sent: the boards are made limp and a fault raised.</param>
    public JointBoardWorker(BusDefinition bus, IReadOnlyList<(int RobotIndex, JointMapping Map)> joints, Func<BusDefinition, Transport.ISerialTransport> transports, JointBoardOptions options, TimeSpan maxCommandAge)
        : base(bus, joints)
    {
        _maxCommandAge = maxCommandAge.TotalSeconds;
        var byBoard = joints.Select((j, local) => (j.Map, local)).GroupBy(x => x.Map.DeviceId).OrderBy(g => g.Key).ToArray();
        Transport.ISerialTransport transport = transports(bus);
        _boards = new JointBoardClient[byBoard.Length];
        _localIndexByChannel = new int[byBoard.Length][];
        _commands = new JointCommand[byBoard.Length][];
        for (int b = 0; b < byBoard.Length; b++)
        {
            var list = byBoard[b].OrderBy(x => x.Map.Channel).ToArray();
            // Boards on one line share the transport: the client for board 0 owns it.
            _boards[b] = new JointBoardClient(b == 0 ? transport : new SharedTransport(transport), byBoard[b].Key, list.Length, options);
            _boards[b].Faulted += RaiseFault;
            _localIndexByChannel[b] = [.. list.Select(x => x.local)];
            _commands[b] = new JointCommand[list.Length];
        }
        _clearFaultsPending = new bool[_boards.Length];
        _watchFaults = new bool[_boards.Length];
    }

    public override void Open()
    {
        foreach (JointBoardClient b in _boards)
        {
            if (b.State == BusState.Lost || (b.State == BusState.Open && !b.Transport.IsOpen))
            {
                if (!b.Reconnect())
                {
                    throw new Transport.SerialDisconnectedException($"bus {Bus.Name}: board {b.BoardId} did not come back");
                }
            }
            else if (b.State == BusState.Closed)
            {
                b.Open();
            }
        }
        Faulted = false;
    }

    public override void Arm()
    {
        for (int b = 0; b < _boards.Length; b++)
        {
            _boards[b].ReadState();
            _boards[b].Rearm();
            _clearFaultsPending[b] = true;
            _watchFaults[b] = false;
        }
        AcceptNewCommands();
    }

    public override void Disarm()
    {
        // The next cycles send limp commands (no Enable) until commanding resumes.
    }

    protected override void Cycle()
    {
        ReadOnlySpan<double> c = default;
        double writtenAt = 0;
        bool command = Commanding && TryTakeCommands(out c, out _, out writtenAt);
        if (command && Now() - writtenAt > _maxCommandAge)
        {
            // The control loop stopped writing: do not hold the legs on its last PD target and
            // feed-forward. RaiseFault clears Commanding, so the loop below sends every armed
            // board a limp command now, without waiting for the boards' own watchdogs.
            command = false;
            ReportStaleCommands(writtenAt);
        }
        bool everyBoardRead = true;
        for (int b = 0; b < _boards.Length; b++)
        {
            JointBoardClient board = _boards[b];
            if (board.State != BusState.Open)
            {
                everyBoardRead = false;
                continue;
            }
            int[] locals = _localIndexByChannel[b];
            if (command)
            {
                for (int ch = 0; ch < locals.Length; ch++)
                {
                    int l = locals[ch];
                    int o = l * CommandStride;
                    double dir = Direction[l];
                    _commands[b][ch] = new JointCommand(
                        dir * (c[o] - Offset[l]), dir * c[o + 1], c[o + 2], c[o + 3], dir * c[o + 4]);
                }
                CommandOptions flags = CommandOptions.Enable;
                if (_clearFaultsPending[b])
                {
                    // Consumed before sending: if the reply is lost the clear is not repeated;
                    // a fault it did not clear then shows in the next State and is reported.
                    flags |= CommandOptions.ClearFaults;
                    _clearFaultsPending[b] = false;
                    _watchFaults[b] = true;
                }
                board.Exchange(_commands[b], flags);
            }
            else if (!Commanding && board.IsArmed && WasCommanding)
            {
                Array.Clear(_commands[b]);
                board.Exchange(_commands[b], CommandOptions.None);
                _watchFaults[b] = false;
            }
            else
            {
                board.ReadState();
            }
            if (_watchFaults[b] && (board.LastState.Status & (BoardStatus.JointFault | BoardStatus.WatchdogTripped)) != 0)
            {
                _watchFaults[b] = false;
                ReportBoardFault(b);
                command = false; // the other boards on this bus go limp too (the limp branch above)
            }
            for (int ch = 0; ch < locals.Length; ch++)
            {
                int l = locals[ch];
                JointSample s = board.Joints[ch];
                StateScratch[3 * l] = (Direction[l] * s.Position) + Offset[l];
                StateScratch[(3 * l) + 1] = Direction[l] * s.Velocity;
                StateScratch[(3 * l) + 2] = Direction[l] * s.Torque;
            }
        }
        WasCommanding = Commanding;
        if (everyBoardRead)
        {
            // A board not read this cycle would publish its old positions with a fresh time.
            Publish();
        }
    }

    private bool WasCommanding;

    /// <summary>Raises <see cref="BusFaultKind.CommandsStale"/>. Off the hot path: once per fault.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReportStaleCommands(double writtenAt) =>
        RaiseFault(new BusFault(Bus.Port, BusFaultKind.CommandsStale,
            $"bus {Bus.Name}: the last command is {(Now() - writtenAt) * 1000:F0} ms old (limit {_maxCommandAge * 1000:F0} ms); the boards were made limp"));

    /// <summary>
    /// Raises a <see cref="BusFaultKind.DeviceFault"/> naming the board, its latched flags and
    /// each faulted joint. The board is limp until a re-arm clears it. Off the hot path: runs
    /// once per fault, and may allocate.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReportBoardFault(int b)
    {
        JointBoardClient board = _boards[b];
        var what = new StringBuilder();
        if ((board.LastState.Status & BoardStatus.WatchdogTripped) != 0)
        {
            what.Append("watchdog tripped (no command in time)");
        }
        int[] locals = _localIndexByChannel[b];
        for (int ch = 0; ch < locals.Length; ch++)
        {
            JointFaults f = board.Joints[ch].Faults;
            if (f != JointFaults.None)
            {
                what.Append(what.Length > 0 ? "; " : "").Append($"{JointNames[locals[ch]]} (channel {ch}): {f}");
            }
        }
        if (what.Length == 0)
        {
            what.Append("joint fault (no joint flagged)");
        }
        RaiseFault(new BusFault(board.Transport.PortName, BusFaultKind.DeviceFault,
            $"bus {Bus.Name}, board {board.BoardId}: {what}; the board is limp until re-armed"));
    }

    public override void Close()
    {
        foreach (JointBoardClient b in _boards)
        {
            b.Dispose();
        }
    }
}

/// <summary>Dynamixel servos on one bus: Fast Sync Read of current/velocity/position, Sync Write of goal positions.</summary>
internal sealed class DynamixelWorker : BusWorker
{
    private readonly DynamixelBus _bus;
    private readonly byte[] _ids;
    private readonly SyncReadGroup _read;
    private readonly SyncWriteGroup _goals;
    private readonly SyncWriteGroup _torque;
    private readonly DynamixelModel[] _models;
    private readonly int[] _lastGoalTicks;
    private bool _alertReported;

    public DynamixelWorker(BusDefinition bus, IReadOnlyList<(int RobotIndex, JointMapping Map)> joints, Func<BusDefinition, Transport.ISerialTransport> transports, DynamixelBusOptions options)
        : base(bus, joints)
    {
        _bus = new DynamixelBus(transports(bus), options);
        _bus.Faulted += RaiseFault;
        _ids = [.. joints.Select(j => j.Map.DeviceId)];
        // Present Current (126, 2) + Present Velocity (128, 4) + Present Position (132, 4): one contiguous read.
        _read = new SyncReadGroup(X.PresentCurrent, 10, _ids, fast: true);
        _goals = new SyncWriteGroup(X.GoalPosition, 4, _ids);
        _torque = new SyncWriteGroup(X.TorqueEnable, 1, _ids);
        _models = new DynamixelModel[_ids.Length];
        _lastGoalTicks = new int[_ids.Length];
    }

    public DynamixelBus DynamixelBus => _bus;

    public override void Open()
    {
        if (_bus.State == BusState.Closed)
        {
            _bus.Open();
        }
        else if (_bus.State == BusState.Lost && !_bus.Reconnect())
        {
            throw new Transport.SerialDisconnectedException($"bus {Bus.Name} did not come back");
        }
        for (int i = 0; i < _ids.Length; i++)
        {
            PingResult r = _bus.TryPing(_ids[i], TimeSpan.FromMilliseconds(200))
                ?? throw new DynamixelTimeoutException($"bus {Bus.Name}: servo {_ids[i]} does not answer");
            _models[i] = r.Model ?? DynamixelModel.XM430W350;
        }
        Faulted = false;
        _alertReported = false; // a servo still in hardware error is reported again
    }

    public override void Arm()
    {
        // Goal = present, then torque on: the servos hold where they are; no stale goal.
        _read.Read(_bus);
        _bus.Rearm();
        for (int i = 0; i < _ids.Length; i++)
        {
            int ticks = BinaryPrimitives.ReadInt32LittleEndian(_read.Data.AsSpan((i * 10) + 6));
            _goals.SetValue(i, ticks);
            _lastGoalTicks[i] = ticks;
            _torque.SetValue(i, 1);
        }
        _goals.Write(_bus);
        _torque.Write(_bus);
        AcceptNewCommands();
    }

    public override void Disarm()
    {
        for (int i = 0; i < _ids.Length; i++)
        {
            _torque.SetValue(i, 0);
        }
        if (_bus.State == BusState.Open && _bus.IsArmed)
        {
            _torque.Write(_bus);
        }
    }

    protected override void Cycle()
    {
        if (_bus.State != BusState.Open)
        {
            Thread.Sleep(1);
            return;
        }
        _read.Read(_bus);
        if (!_alertReported && _read.AnyAlert)
        {
            // Before publishing: whoever sees this sample can already see the fault.
            ReportAlerts();
        }
        for (int l = 0; l < _ids.Length; l++)
        {
            ReadOnlySpan<byte> d = _read.Data.AsSpan(l * 10, 10);
            double current = BinaryPrimitives.ReadInt16LittleEndian(d);
            double velocity = DynamixelUnits.VelocityToRadiansPerSecond(BinaryPrimitives.ReadInt32LittleEndian(d[2..]));
            double position = DynamixelUnits.TicksToRadians(BinaryPrimitives.ReadInt32LittleEndian(d[6..]));
            StateScratch[3 * l] = (Direction[l] * position) + Offset[l];
            StateScratch[(3 * l) + 1] = Direction[l] * velocity;
            // Torque is not measured: report the current in amperes scaled by the direction (documented).
            StateScratch[(3 * l) + 2] = Direction[l] * DynamixelUnits.CurrentToAmps((int)current, _models[l] ?? DynamixelModel.XM430W350);
        }
        Publish();
        ReadOnlySpan<double> c = default;
        bool isNew = false;
        if (Commanding && TryTakeCommands(out c, out isNew, out _) && isNew)
        {
            bool changed = false;
            for (int l = 0; l < _ids.Length; l++)
            {
                int ticks = DynamixelUnits.RadiansToTicks(Direction[l] * (c[l * CommandStride] - Offset[l]));
                changed |= ticks != _lastGoalTicks[l];
                _lastGoalTicks[l] = ticks;
                _goals.SetValue(l, ticks);
            }
            if (changed)
            {
                _goals.Write(_bus);
            }
        }
    }

    /// <summary>
    /// A status carried the hardware alert bit (ERR bit 7: the read still succeeded, and the
    /// servo has turned its torque off): reads Hardware Error Status of each alerting servo and
    /// raises a <see cref="BusFaultKind.DeviceFault"/> naming servo, joint and error bits. Off the
    /// hot path: alerts are rare and latch until the servo is rebooted; runs once per Configure.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReportAlerts()
    {
        var what = new StringBuilder();
        Span<byte> error = stackalloc byte[1];
        for (int i = 0; i < _ids.Length; i++)
        {
            if (!_read.Statuses[i].HardwareAlert)
            {
                continue;
            }
            _bus.Read(_ids[i], X.HardwareErrorStatus, error);
            what.Append(what.Length > 0 ? "; " : "").Append($"servo {_ids[i]} ({JointNames[i]}): hardware error {(HardwareError)error[0]}");
        }
        _alertReported = true;
        RaiseFault(new BusFault(Bus.Port, BusFaultKind.DeviceFault,
            $"bus {Bus.Name}: {what}; its torque is off until it is rebooted"));
    }

    public override void Close() => _bus.Dispose();
}

/// <summary>A second view of a transport several boards share (the first client owns open/close).</summary>
internal sealed class SharedTransport(Transport.ISerialTransport inner) : Transport.ISerialTransport
{
    public string PortName => inner.PortName;

    public int BaudRate => inner.BaudRate;

    public bool IsOpen => inner.IsOpen;

    public void Open()
    {
        if (!inner.IsOpen)
        {
            inner.Open();
        }
    }

    public void Close()
    {
    }

    public void SetBaudRate(int baudRate) => inner.SetBaudRate(baudRate);

    public void Write(ReadOnlySpan<byte> data) => inner.Write(data);

    public int Read(Span<byte> buffer, TimeSpan timeout) => inner.Read(buffer, timeout);

    public void DiscardInput() => inner.DiscardInput();

    public void Dispose()
    {
    }
}
