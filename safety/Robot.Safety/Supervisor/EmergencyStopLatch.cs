using Robot.Safety.Contracts;

namespace Robot.Safety.Supervisor;

/// <summary>What latched an emergency stop.</summary>
public enum LatchCause
{
    /// <summary>A person triggered it (CLI, panel): the cause is gone once a safety engineer resets it.</summary>
    Operator,
    /// <summary>An e-stop endpoint stopped checking in: gone once it checks in again at NONE.</summary>
    EndpointTimeout,
    /// <summary>An e-stop endpoint asked for a stop: gone once it checks in at NONE.</summary>
    EndpointStop,
}

/// <summary>A latched emergency stop. Immutable; it goes away only through a reset.</summary>
/// <param name="Id">Latch id ("L1", "L2", …).</param>
/// <param name="Cause">What latched it.</param>
/// <param name="Source">Who or what: the principal, or the endpoint id.</param>
/// <param name="Reason">Human-readable reason.</param>
/// <param name="RobotIds">Robots it stops; empty means every robot.</param>
/// <param name="TriggeredBy">Principal that triggered it, or "system".</param>
/// <param name="TriggeredAt">When (UTC).</param>
/// <param name="Level">SETTLE_THEN_CUT or CUT.</param>
/// <param name="EndpointId">The endpoint behind an endpoint cause, else null.</param>
public sealed record EmergencyStopLatch(
    string Id,
    LatchCause Cause,
    string Source,
    string Reason,
    IReadOnlyList<string> RobotIds,
    string TriggeredBy,
    DateTimeOffset TriggeredAt,
    StopLevel Level,
    string? EndpointId)
{
    /// <summary>True when the latch stops <paramref name="robotId"/>.</summary>
    public bool Covers(string robotId)
    {
        if (RobotIds.Count == 0)
        {
            return true;
        }
        for (int i = 0; i < RobotIds.Count; i++)
        {
            if (string.Equals(RobotIds[i], robotId, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    public static string CauseName(LatchCause cause) => cause switch
    {
        LatchCause.Operator => "operator",
        LatchCause.EndpointTimeout => "endpoint_timeout",
        LatchCause.EndpointStop => "endpoint_stop",
        _ => "unknown",
    };
}
