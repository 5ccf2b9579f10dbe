using Robot.Safety.Contracts;

namespace Robot.Runtime.Safety;

/// <summary>
/// What the safety gate lets the control loop do this tick. The loop reads it every tick and
/// applies it after its own controllers (the safety limiter): scale speeds by
/// <see cref="SpeedScale"/>, and when <see cref="Stop"/> is not <see cref="StopCategory.None"/>
/// run that stop.
/// </summary>
/// <param name="SpeedScale">Allowed fraction of the robot's maximum speed, 0…1 (0 whenever Stop is not None).</param>
/// <param name="Stop">Stop to run, or None.</param>
/// <param name="Reason">Why (the supervisor's reason code, or <c>ReasonSupervisorUnavailable</c> when no fresh verdict arrived).</param>
public readonly record struct SafetyCommand(double SpeedScale, StopCategory Stop, ReasonCode Reason)
{
    /// <summary>True when the loop may move.</summary>
    public bool MayMove => Stop == StopCategory.None && SpeedScale > 0;
}
