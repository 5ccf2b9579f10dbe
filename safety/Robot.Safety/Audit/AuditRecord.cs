namespace Robot.Safety.Audit;

/// <summary>
/// One safety-relevant event, as kept in the tamper-evident audit log (IEC 62443-3-3 SR 2.8
/// record fields: timestamp, source, category, type, id, result, plus the principal).
/// </summary>
/// <param name="Timestamp">When it happened (UTC).</param>
/// <param name="Source">Who reported it: "supervisor", a robot id, an e-stop endpoint id.</param>
/// <param name="Category">Broad class, see <see cref="AuditCategory"/>.</param>
/// <param name="Type">Specific event, e.g. "verdict.changed", "estop.triggered", "zones.applied".</param>
/// <param name="Result">Outcome, e.g. "permit", "protective_stop", "denied", "ok".</param>
/// <param name="Principal">Authenticated identity that caused it ("role:name"), or "system".</param>
/// <param name="RobotId">Robot concerned, or null.</param>
/// <param name="ZoneId">Zone concerned, or null.</param>
/// <param name="Details">Free-form details as compact JSON (reason, speeds, hashes), or null.</param>
public sealed record AuditRecord(
    DateTimeOffset Timestamp,
    string Source,
    string Category,
    string Type,
    string Result,
    string Principal,
    string? RobotId = null,
    string? ZoneId = null,
    string? Details = null);
