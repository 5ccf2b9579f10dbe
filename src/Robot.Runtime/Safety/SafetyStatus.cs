using Robot.Safety.Contracts;

namespace Robot.Runtime.Safety;

/// <summary>The robot side of safety after one tick: what the gate demanded and how far the stop has got.</summary>
/// <param name="Stop">Stop being executed (the most drastic one requested since it began), or None.</param>
/// <param name="Phase">Where that stop is.</param>
/// <param name="Reason">The gate's reason this tick (the supervisor's code, or <c>ReasonSupervisorUnavailable</c> when no fresh verdict).</param>
/// <param name="SpeedScale">Fraction of the maximum speed the limiter applied, 0…1.</param>
/// <param name="TicksInStop">Ticks since the stop was triggered (0 on the triggering tick; 0 when none).</param>
/// <param name="TicksSinceVerdict">Ticks since the loop last saw a new verdict arrive (-1 before the first).</param>
public readonly record struct SafetyStatus(StopCategory Stop, StopPhase Phase, ReasonCode Reason, double SpeedScale, long TicksInStop, long TicksSinceVerdict)
{
    /// <summary>True when the robot may move this tick.</summary>
    public bool MayMove => Stop == StopCategory.None;
}
