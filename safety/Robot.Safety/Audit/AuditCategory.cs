namespace Robot.Safety.Audit;

/// <summary>The categories of audit records (the <see cref="AuditRecord.Category"/> values).</summary>
public static class AuditCategory
{
    public const string Verdict = "verdict";
    public const string Stop = "stop";
    public const string EmergencyStop = "estop";
    public const string Zones = "zones";
    public const string Session = "session";
    public const string Access = "access";
    public const string Deployment = "deployment";
    public const string Task = "task";
}
