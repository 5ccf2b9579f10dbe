using Robot.Core.Control;
using Robot.Core.Hardware;
using Robot.Runtime.Estimation;
using Robot.Runtime.Safety;
using Robot.Runtime.Telemetry;

namespace Robot.Runtime.Loop;

/// <summary>
/// One tick of the robot: read → estimate → control → safety limiter → limit → write. The same
/// pipeline runs under the simulated-time driver (lockstep with MuJoCo) and the wall-clock driver.
///
/// Safety: with a <see cref="StopExecutor"/>, every tick checks the age of the last verdict and
/// executes the stop in force (SETTLE, SETTLE_THEN_CUT, CUT) on the controller's commands; a
/// torque-off is written even while a fault is latched. Without one the loop runs unsupervised
/// (benchmarks, `robot sim`).
///
/// Faults latch: after a read, estimate, controller or timing fault the pipeline keeps writing
/// the last safe command (the last one that passed every check, or a position hold captured at
/// the first read) until <see cref="ClearFault"/>; the safety stop logic decides what follows.
/// When power comes back after a torque-off the hold is captured again at the measured joint
/// positions: the robot has moved while unpowered, and the command before the stop would drive
/// it back to a pose it no longer has.
///
/// Real-time rules: <see cref="Tick(long)"/> allocates nothing, takes no lock, does no I/O. The
/// controller is swapped through a volatile reference (<see cref="SetController"/>) so a mode
/// switch never blocks the loop.
/// </summary>
public sealed class ControlPipeline : ILoopBody
{
    private readonly IRobotHardware _hardware;
    private readonly BaseStateEstimator _estimator;
    private readonly CommandLimiter _limiter;
    private readonly TelemetryRing? _telemetry;
    private readonly JointCommand[] _commands;
    private readonly JointCommand[] _lastSafe;
    private readonly JointCommand[] _limp;
    private readonly StopExecutor? _stops;
    private JointCommand[] _written;
    private readonly double[] _holdKp, _holdKd;
    private readonly double _dt;
    private IJointController _controller;
    private bool _haveSafe;
    private bool _wasTorqueOff;
    private double _speedScale = 1;

    /// <param name="hardware">Configured and activated hardware.</param>
    /// <param name="estimator">Base state estimator for the same robot.</param>
    /// <param name="controller">The controller to run first.</param>
    /// <param name="holdKp">Gains of the position hold captured at the first read, N·m/rad; length = joint count.</param>
    /// <param name="holdKd">Damping of that hold, N·m·s/rad; length = joint count.</param>
    /// <param name="period">Tick period, s.</param>
    /// <param name="telemetry">Where each tick's snapshot goes, or null for none.</param>
    /// <param name="stops">The safety limiter (gate and stop categories), or null for an unsupervised loop.</param>
    public ControlPipeline(IRobotHardware hardware, BaseStateEstimator estimator, IJointController controller,
        double[] holdKp, double[] holdKd, double period, TelemetryRing? telemetry = null, StopExecutor? stops = null)
    {
        int n = hardware.Description.JointCount;
        if (holdKp.Length != n || holdKd.Length != n)
        {
            throw new ArgumentException($"hold gains must have one entry per joint ({n}); got kp {holdKp.Length}, kd {holdKd.Length}");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        _hardware = hardware;
        _estimator = estimator;
        _controller = controller;
        _limiter = new CommandLimiter(hardware.Description);
        _telemetry = telemetry;
        _commands = new JointCommand[n];
        _lastSafe = new JointCommand[n];
        _limp = new JointCommand[n];
        _written = _commands;
        _stops = stops;
        Safety = new SafetyStatus(StopCategory.None, StopPhase.None, Robot.Safety.Contracts.ReasonCode.ReasonNone, 1, 0, -1);
        _holdKp = (double[])holdKp.Clone();
        _holdKd = (double[])holdKd.Clone();
        _dt = period;
        State = new RobotState(n);
    }

    /// <summary>The latest sample read from the hardware (owned by the loop thread).</summary>
    public RobotState State { get; }

    /// <summary>The latest base estimate.</summary>
    public BaseEstimate Estimate { get; private set; }

    /// <summary>The commands written in the latest tick; length = joint count.</summary>
    public ReadOnlySpan<JointCommand> WrittenCommands => _written;

    /// <summary>The safety state after the latest tick (stop, phase, speed scale); unsupervised loops report no stop and scale 1.</summary>
    public SafetyStatus Safety { get; private set; }

    /// <summary>The safety limiter, or null when the loop runs unsupervised.</summary>
    public StopExecutor? Stops => _stops;

    /// <summary>The latched fault, or None.</summary>
    public LoopFault Fault { get; private set; }

    /// <summary>Joint or sensor index the fault refers to; -1 when none.</summary>
    public int FaultDetail { get; private set; } = -1;

    /// <summary>Ticks run so far.</summary>
    public long TickCount { get; private set; }

    /// <summary>The controller currently run.</summary>
    public IJointController Controller => Volatile.Read(ref _controller);

    /// <summary>Swaps the controller; takes effect at the next tick. Safe to call from any thread.</summary>
    public void SetController(IJointController controller) => Volatile.Write(ref _controller, controller);

    /// <summary>Scale in [0, 1] applied to target velocities (the supervisor's speed limit). Any thread.</summary>
    public double SpeedScale
    {
        get => Volatile.Read(ref _speedScale);
        set => Volatile.Write(ref _speedScale, Math.Clamp(value, 0, 1));
    }

    /// <summary>Latches <paramref name="fault"/> (first fault wins). Called by the driver on the loop thread.</summary>
    public void RaiseFault(LoopFault fault, int detail = -1)
    {
        if (Fault == LoopFault.None && fault != LoopFault.None)
        {
            Fault = fault;
            FaultDetail = detail;
        }
    }

    /// <summary>Clears the latched fault and restarts the estimator. Only when the cause is gone.</summary>
    public void ClearFault()
    {
        Fault = LoopFault.None;
        FaultDetail = -1;
        _estimator.Reset();
    }

    /// <summary>Runs one tick, one period after the previous one. Allocation-free, lock-free, no I/O.</summary>
    public TickOutcome Tick() => Tick(1);

    /// <summary>
    /// Runs one tick, <paramref name="periods"/> loop periods after the previous one (more than 1
    /// after a stall the driver skipped): on real hardware the estimator, the controller and the
    /// safety limiter advance by that much time; on hardware that keeps its own time (a
    /// simulation, <see cref="IRobotHardware.KeepsOwnTime"/>) by one period, as the simulated
    /// world itself waited. Allocation-free, lock-free, no I/O.
    /// </summary>
    public TickOutcome Tick(long periods)
    {
        // Real hardware's world went on through a stall; a simulation's waited for the process.
        double dt = periods > 1 && !_hardware.KeepsOwnTime ? periods * _dt : _dt;
        if (!_hardware.Read(State))
        {
            RaiseFault(LoopFault.ReadFailed);
        }
        else if (!_haveSafe)
        {
            CaptureHold();
        }

        // After the read: State.Time is this tick's sample time (the previous one when the read failed).
        var context = new TickContext(TickCount, State.Time, dt);
        if (Fault == LoopFault.None)
        {
            BaseEstimate estimate = _estimator.Update(State, dt);
            Estimate = estimate;
            if (estimate.Fault != LoopFault.None)
            {
                RaiseFault(estimate.Fault, estimate.FaultDetail);
            }
            else
            {
                LoopFault controllerFault = Controller.Update(context, State, estimate, _commands);
                if (controllerFault != LoopFault.None)
                {
                    RaiseFault(controllerFault);
                }
            }
        }

        // The safety limiter runs every tick, faulted or not: a verdict can time out and a CUT
        // must take effect whatever else went wrong.
        double speedScale = SpeedScale;
        if (_stops is not null)
        {
            SafetyStatus safety = _stops.Apply(context, State, Estimate, Fault != LoopFault.None, _commands);
            Safety = safety;
            speedScale = Math.Min(speedScale, safety.SpeedScale);
        }
        else
        {
            Safety = Safety with { SpeedScale = speedScale };
        }
        if (Fault == LoopFault.None)
        {
            int invalid = _limiter.Apply(_commands, speedScale);
            if (invalid >= 0)
            {
                RaiseFault(LoopFault.ControllerOutputInvalid, invalid);
            }
        }

        bool torqueOff = Safety.Phase == StopPhase.TorqueOff;
        if (_wasTorqueOff && !torqueOff && _haveSafe)
        {
            CaptureHold(); // power is back: a hold, if one is needed, is where the joints are now
        }
        _wasTorqueOff = torqueOff;
        bool held = Fault != LoopFault.None || !_haveSafe;
        if (!held)
        {
            _commands.CopyTo(_lastSafe, 0);
        }
        _written = torqueOff ? _limp : held ? _lastSafe : _commands;
        if (!_hardware.Write(_written, dt))
        {
            RaiseFault(LoopFault.WriteFailed);
        }
        _telemetry?.TryPublish(context, State, Estimate, _written, Fault, FaultDetail, held, Safety);
        TickCount++;
        return new TickOutcome(Fault, held);
    }

    private void CaptureHold()
    {
        for (int i = 0; i < _lastSafe.Length; i++)
        {
            _lastSafe[i] = new JointCommand(State.JointPosition[i], 0, _holdKp[i], _holdKd[i], 0);
        }
        _haveSafe = true;
    }
}
