using Robot.Core.Control;
using Robot.Core.Hardware;
using ReasonCode = Robot.Safety.Contracts.ReasonCode;

namespace Robot.Runtime.Safety;

/// <summary>
/// The safety limiter of the control loop: every tick it asks the <see cref="SafetyGate"/> what
/// is allowed (a verdict older than the timeout is a protective stop) and executes the stop
/// categories on the controllers' commands, after the controllers and before the command
/// limiter:
/// <list type="bullet">
/// <item><b>SETTLE</b>: power stays on; the balance controller keeps balancing the legs, every
///   <see cref="StopExecutorOptions.FrozenJoints">frozen joint</see> (motion, upper body) holds
///   the position it had when the stop began (with the controller's feed-forward torque), and
///   every velocity target is zero. Motion resumes on the first tick the gate allows it (a fresh
///   permit, no latched e-stop).</item>
/// <item><b>SETTLE_THEN_CUT</b>: the same, then torque off once the stance is stable (base
///   still and both feet loaded for <see cref="StopExecutorOptions.StableDwell"/>) or at
///   <see cref="StopExecutorOptions.SettleThenCutBound"/> at the latest, and at once when the
///   loop has latched a fault (the controlled stop cannot happen).</item>
/// <item><b>CUT</b>: torque off on the triggering tick: kp = kd = feed-forward = 0.</item>
/// </list>
/// A stop only escalates while it runs (the most drastic request wins). Torque off latches until
/// <see cref="Rearm"/>: re-powering a collapsed robot is a deliberate act, never automatic. Power
/// comes back only into a working loop: while the loop has a fault latched (it cannot control the
/// robot, which is why SETTLE_THEN_CUT cut at once) a re-arm waits, and takes effect on the first
/// tick that is both permitted and fault-free.
/// Real-time: <see cref="Apply"/> allocates nothing, takes no lock and never blocks.
/// </summary>
public sealed class StopExecutor
{
    private readonly SafetyGate _gate;
    private readonly int[] _frozen;
    private readonly double[] _frozenAt;
    private readonly double _stableSpeedSquared, _stableAngularSquared, _stableDwell, _cutBound;
    private StopCategory _active;
    private StopPhase _phase;
    private long _triggerTick;
    private double _stopSeconds; // since the trigger, summed from each tick's dt (stalls included)
    private double _stillSeconds;
    private int _seenVersion;
    private long _verdictTick = -1;
    private volatile bool _rearm;

    /// <param name="gate">The gate over the safety link's verdicts.</param>
    /// <param name="options">Validated here against <paramref name="jointCount"/>; every error reported at once.</param>
    /// <param name="jointCount">Joints of the robot.</param>
    public StopExecutor(SafetyGate gate, StopExecutorOptions options, int jointCount)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate(jointCount);
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid stop executor options: " + string.Join("; ", errors), nameof(options));
        }
        _gate = gate;
        _frozen = [.. options.FrozenJoints.Distinct()];
        _frozenAt = new double[_frozen.Length];
        _stableSpeedSquared = options.StableSpeed * options.StableSpeed;
        _stableAngularSquared = options.StableAngularSpeed * options.StableAngularSpeed;
        _stableDwell = options.StableDwell.TotalSeconds;
        _cutBound = options.SettleThenCutBound.TotalSeconds;
    }

    /// <summary>The state after the latest tick.</summary>
    public SafetyStatus Status { get; private set; } = new(StopCategory.None, StopPhase.None, ReasonCode.ReasonNone, 0, 0, -1);

    /// <summary>Ticks from the trigger of the latest stop to a stable stance; -1 while not (yet) reached.</summary>
    public long TicksToStable { get; private set; } = -1;

    /// <summary>Ticks from the trigger of the latest stop to torque off; -1 while torque is on.</summary>
    public long TicksToTorqueOff { get; private set; } = -1;

    /// <summary>
    /// Allows power to come back after a torque-off: takes effect at the next tick on which the
    /// gate allows motion and the loop has no fault latched (until then it stays pending). Any
    /// thread (an operator's deliberate act).
    /// </summary>
    public void Rearm() => _rearm = true;

    /// <summary>
    /// Runs the safety limiter for one tick: evaluates the gate and rewrites
    /// <paramref name="commands"/> (length = joint count, RobotDescription order) in place for
    /// the stop in force. <paramref name="faulted"/>: the loop has latched a fault and will hold
    /// its last safe command (only torque off then changes what is written).
    /// Allocation-free, lock-free, non-blocking.
    /// </summary>
    public SafetyStatus Apply(in TickContext tick, RobotState measured, in BaseEstimate estimate, bool faulted, Span<JointCommand> commands)
    {
        SafetyCommand gate = _gate.Evaluate();
        if (_gate.VerdictVersion != _seenVersion)
        {
            _seenVersion = _gate.VerdictVersion;
            _verdictTick = tick.Tick;
        }

        if (_phase == StopPhase.TorqueOff)
        {
            // Not while faulted: the loop would re-power into the hold it captured before the
            // stop, driving a collapsed robot hard back to that pose.
            if (_rearm && gate.Stop == StopCategory.None && !faulted)
            {
                _rearm = false;
                _active = StopCategory.None;
                _phase = StopPhase.None;
            }
        }
        else if (gate.Stop == StopCategory.None)
        {
            _active = StopCategory.None;
            _phase = StopPhase.None;
        }
        else if (_active == StopCategory.None)
        {
            Trigger(tick.Tick, gate.Stop, measured);
        }
        else
        {
            _stopSeconds += tick.Dt;
            if (gate.Stop > _active)
            {
                _active = gate.Stop;
            }
        }

        if (_phase is StopPhase.Settling or StopPhase.Stable)
        {
            Settle(tick, estimate, faulted, commands);
        }
        if (_phase == StopPhase.TorqueOff)
        {
            commands.Fill(JointCommand.Limp);
        }
        long inStop = _active == StopCategory.None ? 0 : tick.Tick - _triggerTick;
        long sinceVerdict = _verdictTick < 0 ? -1 : tick.Tick - _verdictTick;
        Status = new SafetyStatus(_active, _phase, gate.Reason, _active == StopCategory.None ? gate.SpeedScale : 0, inStop, sinceVerdict);
        return Status;
    }

    private void Trigger(long tick, StopCategory stop, RobotState measured)
    {
        _active = stop;
        _triggerTick = tick;
        _stopSeconds = 0;
        _stillSeconds = 0;
        _phase = StopPhase.Settling;
        TicksToStable = -1;
        TicksToTorqueOff = -1;
        for (int i = 0; i < _frozen.Length; i++)
        {
            _frozenAt[i] = measured.JointPosition[_frozen[i]];
        }
    }

    private void Settle(in TickContext tick, in BaseEstimate estimate, bool faulted, Span<JointCommand> commands)
    {
        long inStop = tick.Tick - _triggerTick;
        // Durations are time summed from each tick's dt, not ticks × period: after a stall the
        // tick count falls behind the time that passed (a little slack for rounding).
        if (_active == StopCategory.Cut || (_active == StopCategory.SettleThenCut && (faulted || _stopSeconds >= _cutBound - 1e-9)))
        {
            TorqueOff(inStop);
            return;
        }
        var v = estimate.LinearVelocity;
        var w = estimate.AngularVelocity;
        // Still, and on both feet: power cut in single support (a walk still stopping) leaves a
        // braked statue on one foot, which topples.
        bool still = v.X * v.X + v.Y * v.Y <= _stableSpeedSquared && w.X * w.X + w.Y * w.Y + w.Z * w.Z <= _stableAngularSquared
            && estimate.LeftContact && estimate.RightContact;
        _stillSeconds = still ? _stillSeconds + tick.Dt : 0;
        if (_phase == StopPhase.Settling && _stillSeconds >= _stableDwell - 1e-9)
        {
            _phase = StopPhase.Stable;
            TicksToStable = inStop;
        }
        if (_phase == StopPhase.Stable && _active == StopCategory.SettleThenCut)
        {
            TorqueOff(inStop);
            return;
        }
        if (!faulted)
        {
            for (int i = 0; i < _frozen.Length; i++)
            {
                ref JointCommand c = ref commands[_frozen[i]];
                // The controller's feed-forward (gravity and payload compensation) stays: without
                // it a frozen arm sags under its own weight and the box it holds.
                c = new JointCommand(_frozenAt[i], 0, c.Kp, c.Kd, c.FeedForwardTorque);
            }
        }
    }

    private void TorqueOff(long inStop)
    {
        _phase = StopPhase.TorqueOff;
        TicksToTorqueOff = inStop;
        _rearm = false;
    }
}
