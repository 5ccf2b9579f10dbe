using Robot.Safety.Contracts;

namespace Robot.Safety.Geofence;

/// <summary>
/// The outcome of one geofence decision. A value type with no text: the service formats the
/// reason only when it sends or audits it, so deciding allocates nothing.
/// </summary>
/// <param name="Kind">Permit or protective stop (emergency stops come from latches, not geometry).</param>
/// <param name="SpeedLimit">Highest speed allowed, m/s (0 for a stop).</param>
/// <param name="Reason">Why.</param>
/// <param name="Zone">Zone that decided it, or null.</param>
/// <param name="Person">Person that decided it (separation), or default.</param>
/// <param name="Value">The number behind the reason: stopping distance, separation distance or speed limit, SI units.</param>
/// <param name="Required">What it was compared with (e.g. S_p), SI units.</param>
public readonly record struct GeofenceDecision(
    VerdictKind Kind,
    double SpeedLimit,
    ReasonCode Reason,
    Zone? Zone,
    TrackedPerson Person,
    double Value,
    double Required)
{
    public bool IsStop => Kind != VerdictKind.Permit;
}
