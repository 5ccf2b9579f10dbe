namespace Robot.Safety.Access;

/// <summary>The roles a client certificate can carry; nothing else is a role.</summary>
public static class RobotRoles
{
    /// <summary>A robot runtime: streams state, receives verdicts.</summary>
    public const string Robot = "robot";

    /// <summary>A factory operator: dispatches tasks, watches them.</summary>
    public const string Operator = "operator";

    /// <summary>A teleoperator: drives arms, records demonstrations.</summary>
    public const string Teleoperator = "teleoperator";

    /// <summary>A safety engineer: zones, e-stop reset, audit.</summary>
    public const string SafetyEngineer = "safety-engineer";

    /// <summary>An auditor: reads the audit log, changes nothing.</summary>
    public const string Auditor = "auditor";

    /// <summary>Every role, in the order documents list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Robot, Operator, Teleoperator, SafetyEngineer, Auditor];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);

    /// <summary>Scheme of the SAN URI that carries the role: <c>robot-role:operator</c>.</summary>
    public const string UriScheme = "robot-role";
}
