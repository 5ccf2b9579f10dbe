using Robot.Runtime.Concurrency;
using Robot.Safety.Contracts;

namespace Robot.Runtime.Safety;

/// <summary>
/// The robot's fail-safe: every tick it reads the latest verdict and its age and says what the
/// loop may do. No fresh verdict (older than <see cref="SafetyGateOptions.VerdictTimeout"/>, or
/// none yet) is a protective stop. An emergency stop latches here too: only a later verdict that
/// says no latch covers the robot any more clears it, and motion resumes only on a fresh permit.
/// One control thread calls <see cref="Evaluate(long)"/>; the link publishes verdicts from
/// another thread through the slot.
/// </summary>
public sealed class SafetyGate
{
    private readonly LatestValueSlot<VerdictSample> _verdicts;
    private readonly TimeProvider _time;
    private readonly long _timeoutTicks;
    private readonly double _maxSpeed;
    private int _lastVersion;
    private bool _estopLatched;
    private StopCategory _estopCategory;

    public SafetyGate(LatestValueSlot<VerdictSample> verdicts, SafetyGateOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid safety gate options: " + string.Join("; ", errors), nameof(options));
        }
        _verdicts = verdicts;
        _time = time ?? TimeProvider.System;
        _timeoutTicks = (long)(options.VerdictTimeout.TotalSeconds * _time.TimestampFrequency);
        _maxSpeed = options.MaxSpeed;
    }

    /// <summary>
    /// Verdicts this gate has seen arrive (the slot's version at the last evaluation): the loop
    /// notes the tick at which it changes to count a verdict's age in its own ticks.
    /// </summary>
    public int VerdictVersion => _lastVersion;

    /// <summary>True while an emergency stop is latched on the robot side.</summary>
    public bool EmergencyStopLatched => _estopLatched;

    /// <summary>The command for this tick, at the time provider's now. See <see cref="Evaluate(long)"/>.</summary>
    public SafetyCommand Evaluate() => Evaluate(_time.GetTimestamp());

    /// <summary>
    /// The command for the tick at <paramref name="now"/> (a timestamp of the gate's
    /// TimeProvider). Per-tick path: allocates nothing, takes no lock, never blocks.
    /// </summary>
    public SafetyCommand Evaluate(long now)
    {
        if (!_verdicts.TryRead(out VerdictSample verdict, out int version))
        {
            return new SafetyCommand(0, StopCategory.Settle, ReasonCode.ReasonSupervisorUnavailable);
        }
        if (version != _lastVersion)
        {
            _lastVersion = version;
            if (verdict.Kind == VerdictKind.EmergencyStop)
            {
                _estopLatched = true;
                _estopCategory = verdict.Level == StopLevel.Cut ? StopCategory.Cut : StopCategory.SettleThenCut;
            }
            else if (!verdict.EStopLatched)
            {
                _estopLatched = false;
            }
        }
        if (_estopLatched)
        {
            return new SafetyCommand(0, _estopCategory, ReasonCode.ReasonEmergencyStop);
        }
        if (now - verdict.ReceivedAt > _timeoutTicks)
        {
            return new SafetyCommand(0, StopCategory.Settle, ReasonCode.ReasonSupervisorUnavailable);
        }
        if (verdict.Kind != VerdictKind.Permit)
        {
            return new SafetyCommand(0, StopCategory.Settle, verdict.Reason);
        }
        double scale = Math.Clamp(verdict.SpeedLimit / _maxSpeed, 0, 1);
        return scale > 0
            ? new SafetyCommand(scale, StopCategory.None, verdict.Reason)
            : new SafetyCommand(0, StopCategory.Settle, verdict.Reason);
    }
}
