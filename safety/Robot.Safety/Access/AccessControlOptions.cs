namespace Robot.Safety.Access;

/// <summary>Options of <see cref="AccessPolicyInterceptor"/>, validated when it is built.</summary>
public sealed class AccessControlOptions
{
    /// <summary>
    /// Insecure loopback mode: no client certificates; a caller's role is the one it claims in
    /// the <see cref="InsecureRoleHeader"/> header, and only loopback peers are served. For
    /// development only: it is logged as a warning at start-up and on every call's audit
    /// record. Default false.
    /// </summary>
    public bool InsecureLoopback { get; set; }

    /// <summary>Header through which an insecure caller claims a role. Default "x-robot-role".</summary>
    public string InsecureRoleHeader { get; set; } = "x-robot-role";

    /// <summary>Header through which an insecure caller gives a name. Default "x-robot-name"; missing means "loopback".</summary>
    public string InsecureNameHeader { get; set; } = "x-robot-name";

    /// <summary>The audit records' Source. Default "supervisor".</summary>
    public string AuditSource { get; set; } = "supervisor";

    /// <summary>How long a denial waits for its audit record to be durable before the call is refused anyway. Default 2 s.</summary>
    public TimeSpan AuditTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Clock of the policy's validity window and of audit timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(InsecureRoleHeader) || InsecureRoleHeader.Any(char.IsUpper))
        {
            errors.Add($"InsecureRoleHeader must be a lower-case header name (got '{InsecureRoleHeader}')");
        }
        if (string.IsNullOrWhiteSpace(InsecureNameHeader) || InsecureNameHeader.Any(char.IsUpper))
        {
            errors.Add($"InsecureNameHeader must be a lower-case header name (got '{InsecureNameHeader}')");
        }
        if (string.IsNullOrWhiteSpace(AuditSource))
        {
            errors.Add("AuditSource is required");
        }
        if (AuditTimeout <= TimeSpan.Zero)
        {
            errors.Add($"AuditTimeout must be positive (got {AuditTimeout})");
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid access control options: " + string.Join("; ", errors));
        }
    }
}
