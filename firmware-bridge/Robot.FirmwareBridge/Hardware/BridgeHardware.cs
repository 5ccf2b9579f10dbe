using System.Diagnostics;
using Robot.Core.Description;
using Robot.Core.Hardware;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Hardware;

/// <summary>
/// <see cref="IRobotHardware"/> over serial buses: legs and waist on joint boards (1 kHz per
/// bus by default), arms and grippers on Dynamixel buses (as fast as each bus allows). Every bus
/// has its own I/O thread; <see cref="Read"/> and <see cref="Write"/> only copy lock-free
/// snapshots, so they never block, lock or allocate.
/// <para>
/// Faults: a lost bus, an open circuit breaker, or a device's own fault (a joint board's joint
/// fault or tripped watchdog, a servo's hardware alert) moves the hardware to
/// <see cref="HardwareLifecycle.Error"/> and raises <see cref="Faulted"/> (the safety stop acts
/// on it); the bus stops commanding at once and drops every pending command. A joint board's
/// latched fault is cleared only by the first command after <see cref="Activate"/>. When the
/// controller stops writing for <see cref="BridgeConfiguration.MaxCommandAge"/>, the joint
/// boards are made limp and the hardware moves to Error the same way (CommandsStale). Recovery is the
/// lifecycle: <see cref="Configure"/> reconnects, <see cref="Activate"/> re-reads the joints and
/// makes Dynamixel servos hold where they are; joint boards get no command until the controller
/// writes a new one. No stale goal is ever sent.
/// </para>
/// <para>Dynamixel joints follow <see cref="JointCommand.Position"/> in position mode (their own
/// PID; kp/kd/τ_ff do not apply), and report motor current in amperes as torque.</para>
/// </summary>
public sealed class BridgeHardware : IRobotHardware
{
    private readonly BridgeConfiguration _configuration;
    private readonly Func<BusDefinition, ISerialTransport> _transports;
    private readonly List<BusWorker> _workers = [];
    private readonly double[][] _stateScratch;
    private readonly double[][] _commandScratch;
    private long _commandVersion;
    private long _faultCount;
    private volatile HardwareLifecycle _lifecycle = HardwareLifecycle.Unconfigured;

    public BridgeHardware(RobotDescription description, BridgeConfiguration configuration, Func<BusDefinition, ISerialTransport>? transports = null)
    {
        Description = description;
        _configuration = configuration;
        _transports = transports ?? (b => SerialTransports.Create(b.Port, b.BaudRate, b.Transport));
        List<string> errors = configuration.Validate([.. description.Joints.Select(j => j.Name)]);
        if (errors.Count > 0)
        {
            throw new InvalidRobotDescriptionException(errors);
        }
        foreach (BusDefinition bus in configuration.Buses)
        {
            var joints = configuration.Joints
                .Where(j => j.Bus == bus.Name)
                .Select(j => (RobotIndex: description.IndexOf(j.Joint), Map: j))
                .ToList();
            if (joints.Count == 0)
            {
                continue;
            }
            BusWorker worker = bus.Kind == BusKind.JointBoard
                ? new JointBoardWorker(bus with { RateHz = bus.RateHz > 0 ? bus.RateHz : 1000 }, joints, _transports, configuration.JointBoardOptions, configuration.MaxCommandAge)
                : new DynamixelWorker(bus, joints, _transports, configuration.DynamixelOptions);
            worker.FaultRaised += OnFault;
            _workers.Add(worker);
        }
        _stateScratch = [.. _workers.Select(w => new double[w.StateBuffer.Length])];
        _commandScratch = [.. _workers.Select(w => new double[w.CommandBuffer.Length])];
    }

    public RobotDescription Description { get; }

    public HardwareLifecycle Lifecycle => _lifecycle;

    /// <summary>Bus faults (lost, breaker open, reconnected). Raised on bus threads.</summary>
    public event Action<BusFault>? Faulted;

    /// <summary>The last fault that moved the hardware to Error.</summary>
    public BusFault? LastFault { get; private set; }

    /// <summary>Cycles completed per bus (diagnostics).</summary>
    public IReadOnlyDictionary<string, long> BusCycles => _workers.ToDictionary(w => w.Bus.Name, w => Interlocked.Read(ref w.Cycles));

    public void Configure()
    {
        if (_lifecycle is HardwareLifecycle.Active)
        {
            throw new InvalidOperationException("configure: deactivate first");
        }
        foreach (BusWorker w in _workers)
        {
            w.StopThread();
            w.Commanding = false;
            w.DropCommands();
        }
        long faultsBefore = Interlocked.Read(ref _faultCount);
        try
        {
            foreach (BusWorker w in _workers)
            {
                w.Open();
            }
        }
        catch (IOException)
        {
            _lifecycle = HardwareLifecycle.Error;
            throw;
        }
        int[] before = [.. _workers.Select(w => w.StateBuffer.Writes)];
        foreach (BusWorker w in _workers)
        {
            w.Start();
        }
        var clock = Stopwatch.StartNew();
        while (_workers.Select((w, i) => w.StateBuffer.Writes > before[i]).Any(fresh => !fresh))
        {
            if (clock.Elapsed > _configuration.ConfigureTimeout)
            {
                _lifecycle = HardwareLifecycle.Error;
                string missing = string.Join(", ", _workers.Where((w, i) => w.StateBuffer.Writes <= before[i]).Select(w => w.Bus.Name));
                throw new TimeoutException($"configure: no state from bus {missing} within {_configuration.ConfigureTimeout.TotalSeconds} s");
            }
            Thread.Sleep(2);
        }
        if (!TryMoveTo(HardwareLifecycle.Configured, faultsBefore))
        {
            throw new IOException($"configure: a bus faulted while configuring: {LastFault?.Message}");
        }
    }

    public void Activate()
    {
        if (_lifecycle != HardwareLifecycle.Configured)
        {
            throw new InvalidOperationException($"activate is legal only from Configured (now {_lifecycle})");
        }
        long faultsBefore = Interlocked.Read(ref _faultCount);
        // Arm each bus from its own thread's state: stop, arm on this thread, restart.
        int started = 0;
        try
        {
            foreach (BusWorker w in _workers)
            {
                w.StopThread();
                started++; // from here this bus may be partly armed (torque on some servos)
                try
                {
                    w.Arm();
                }
                finally
                {
                    w.Start();
                }
                w.Commanding = true;
            }
        }
        catch
        {
            // Buses armed before the failing one would keep their torque on while Lifecycle
            // said otherwise, and Deactivate would not touch them: make them limp again.
            Disarm(started);
            _lifecycle = HardwareLifecycle.Error;
            throw;
        }
        if (!TryMoveTo(HardwareLifecycle.Active, faultsBefore))
        {
            Disarm(_workers.Count);
            throw new IOException($"activate: a bus faulted while arming: {LastFault?.Message}");
        }
    }

    public void Deactivate()
    {
        if (_lifecycle != HardwareLifecycle.Active)
        {
            return;
        }
        Disarm(_workers.Count);
        _lifecycle = HardwareLifecycle.Configured;
    }

    /// <summary>
    /// Stops commanding on the first <paramref name="count"/> buses, drops their pending
    /// commands and makes their devices limp (servo torque off; joint boards get a limp command
    /// from their next cycle). A bus failing meanwhile is left to its fault.
    /// </summary>
    private void Disarm(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _workers[i].Commanding = false;
            _workers[i].DropCommands();
        }
        for (int i = 0; i < count; i++)
        {
            BusWorker w = _workers[i];
            w.StopThread();
            try
            {
                w.Disarm();
            }
            catch (IOException)
            {
            }
            w.Start();
        }
    }

    public bool Read(RobotState state)
    {
        if (_lifecycle is HardwareLifecycle.Unconfigured or HardwareLifecycle.Error)
        {
            return false;
        }
        double now = BusWorker.Now(); // the clock the workers age commands by
        double oldest = now;
        for (int b = 0; b < _workers.Count; b++)
        {
            BusWorker w = _workers[b];
            double[] s = _stateScratch[b];
            if (!w.StateBuffer.TryRead(s))
            {
                return false;
            }
            double time = s[^1];
            if (now - time > _configuration.MaxSampleAge.TotalSeconds)
            {
                return false;
            }
            oldest = Math.Min(oldest, time);
            int[] indices = w.JointIndices;
            for (int l = 0; l < indices.Length; l++)
            {
                state.JointPosition[indices[l]] = s[3 * l];
                state.JointVelocity[indices[l]] = s[(3 * l) + 1];
                state.JointTorque[indices[l]] = s[(3 * l) + 2];
            }
        }
        state.Time = oldest;
        return true;
    }

    public bool Write(ReadOnlySpan<JointCommand> commands, double period)
    {
        if (_lifecycle != HardwareLifecycle.Active || commands.Length != Description.JointCount)
        {
            return false;
        }
        foreach (JointCommand c in commands)
        {
            if (!c.IsValid)
            {
                return false;
            }
        }
        long version = Interlocked.Increment(ref _commandVersion);
        double now = BusWorker.Now(); // the clock the workers age commands by
        for (int b = 0; b < _workers.Count; b++)
        {
            BusWorker w = _workers[b];
            double[] s = _commandScratch[b];
            int[] indices = w.JointIndices;
            for (int l = 0; l < indices.Length; l++)
            {
                JointCommand c = commands[indices[l]];
                int o = l * 5;
                s[o] = c.Position;
                s[o + 1] = c.Velocity;
                s[o + 2] = c.Kp;
                s[o + 3] = c.Kd;
                s[o + 4] = c.FeedForwardTorque;
            }
            s[^2] = now;
            s[^1] = version;
            w.CommandBuffer.Write(s);
        }
        return true;
    }

    public void Dispose()
    {
        foreach (BusWorker w in _workers)
        {
            w.Commanding = false;
            w.Dispose();
        }
        _lifecycle = HardwareLifecycle.Unconfigured;
    }

    /// <summary>
    /// Ends a transition in <paramref name="next"/> unless a bus fault arrived since
    /// <paramref name="faultsBefore"/> was taken; then the hardware stays in (or returns to)
    /// Error. A fault raised on a bus thread while Configure or Activate runs is never
    /// overwritten: either this check sees its count, or its Error is written after ours.
    /// </summary>
    private bool TryMoveTo(HardwareLifecycle next, long faultsBefore)
    {
        _lifecycle = next;
        Interlocked.MemoryBarrier();
        if (Interlocked.Read(ref _faultCount) == faultsBefore)
        {
            return true;
        }
        _lifecycle = HardwareLifecycle.Error;
        return false;
    }

    private void OnFault(BusFault fault)
    {
        if (fault.Kind != BusFaultKind.Reconnected)
        {
            LastFault = fault;
            // Counted before Error is written: TryMoveTo relies on this order.
            Interlocked.Increment(ref _faultCount);
            if (_lifecycle != HardwareLifecycle.Unconfigured)
            {
                _lifecycle = HardwareLifecycle.Error;
            }
        }
        Faulted?.Invoke(fault);
    }
}
