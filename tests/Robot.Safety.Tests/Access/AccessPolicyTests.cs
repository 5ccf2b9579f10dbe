using Robot.Safety.Access;
using Robot.Safety.Tests.TestSupport;

namespace Robot.Safety.Tests.Access;

public class AccessPolicyTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Decide_DefaultDeny_OnlyListedMethodsAllowed()
    {
        AccessPolicy policy = AccessPolicy.Parse(MtlsFixture.PolicyYaml);
        Assert.True(policy.Decide("operator", "/robot.tests.access.v1.AccessProbe/DispatchTask", s_now).Allowed);
        Assert.False(policy.Decide("operator", "/robot.tests.access.v1.AccessProbe/ResetEmergencyStop", s_now).Allowed);
        Assert.False(policy.Decide("operator", "/robot.tests.access.v1.Unknown/Anything", s_now).Allowed);
        Assert.True(policy.Decide("safety-engineer", "/robot.tests.access.v1.AuditProbe/Read", s_now).Allowed);
        Assert.True(policy.Decide("auditor", "/robot.tests.access.v1.AccessProbe/GetStatus", s_now).Allowed);
        Assert.False(policy.Decide("root", "/robot.tests.access.v1.AccessProbe/GetStatus", s_now).Allowed);
        Assert.False(policy.Decide(null, "/robot.tests.access.v1.AccessProbe/GetStatus", s_now).Allowed);
    }

    [Fact]
    public void Decide_RoleLeftOut_MayCallNothingButAllRoles()
    {
        AccessPolicy policy = AccessPolicy.Parse("version: 1\nroles:\n  operator: [/a.B/C]\n");
        Assert.False(policy.Decide("auditor", "/a.B/C", s_now).Allowed);
        Assert.Equal("role auditor may not call /a.B/C (default deny)", policy.Decide("auditor", "/a.B/C", s_now).Reason);
        Assert.Equal("allowed for operator by policy:3", policy.Decide("operator", "/a.B/C", s_now).Reason);
    }

    [Fact]
    public void Decide_OutsideValidityWindow_DeniesEverything()
    {
        AccessPolicy policy = AccessPolicy.Parse("version: 1\nnotBefore: 2026-01-01T00:00:00Z\nnotAfter: 2027-01-01T00:00:00Z\nallRoles: [/a.B/*]\nroles: {}\n");
        Assert.True(policy.Decide("auditor", "/a.B/C", s_now).Allowed);
        Assert.False(policy.Decide("auditor", "/a.B/C", new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)).Allowed);
        Assert.False(policy.Decide("auditor", "/a.B/C", new DateTimeOffset(2025, 12, 31, 0, 0, 0, TimeSpan.Zero)).Allowed);
    }

    [Fact]
    public void Parse_InvalidPolicy_ReportsEveryErrorWithLineAndField()
    {
        const string text = """
            version: 2
            roles:
              operator:
                - /robot.safety.v1.EmergencyStop/Trigger
                - EmergencyStop.Reset
              opertor:
                - /a.B/C
              auditor: /a.B/C
            colour: blue
            notAfter: soon
            """;
        var e = Assert.Throws<AccessPolicyException>(() => AccessPolicy.Parse(text, "site.yaml"));
        Assert.Equal(
            [
                "site.yaml:1:10: version: expected 1, got '2'",
                "site.yaml:5:7: roles.operator[1]: 'EmergencyStop.Reset' is not a fully qualified gRPC method (/package.Service/Method or /package.Service/*)",
                "site.yaml:6:3: roles.opertor: unknown role; expected one of robot, operator, teleoperator, safety-engineer, auditor",
                "site.yaml:8:12: roles.auditor: expected a list of fully qualified methods (/package.Service/Method)",
                "site.yaml:9:1: colour: unknown field; expected one of version, description, notBefore, notAfter, allRoles, roles",
                "site.yaml:10:11: notAfter: expected an ISO 8601 time such as 2027-12-31T00:00:00Z, got 'soon'",
            ],
            e.Errors);
        Assert.StartsWith("access policy site.yaml is invalid:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingVersionAndRoles_AreRequired()
    {
        var e = Assert.Throws<AccessPolicyException>(() => AccessPolicy.Parse("description: x\n", "p.yaml"));
        Assert.Equal(["p.yaml:1:1: version: required (version: 1)", "p.yaml:1:1: roles: required (a mapping of role to methods; leave a role out to deny it everything)"], e.Errors);
    }

    [Fact]
    public void Parse_Json_IsAccepted()
    {
        AccessPolicy policy = AccessPolicy.Parse("""{"version": 1, "roles": {"auditor": ["/a.B/C"]}}""", "p.json");
        Assert.True(policy.Decide("auditor", "/a.B/C", s_now).Allowed);
    }

    [Fact]
    public void Parse_BrokenYaml_NamesTheLine()
    {
        var e = Assert.Throws<AccessPolicyException>(() => AccessPolicy.Parse("version: 1\nroles:\n  operator: [/a.B/C\n", "p.yaml"));
        Assert.Matches(@"^p\.yaml:\d+:\d+: not valid YAML", e.Errors[0]);
    }

    /// <summary>The shipped supervisor policy loads, and names every RPC of the supervisor's protos and nothing else.</summary>
    [Fact]
    public void ShippedPolicy_CoversEverySupervisorRpc_AndNamesNoUnknownMethod()
    {
        string root = RepoRoot();
        AccessPolicy policy = AccessPolicy.Load(Path.Combine(root, "safety", "Robot.Safety", "Access", "access-policy.yaml"));
        SortedSet<string> methods = SupervisorProtoMethods.All(Path.Combine(root, "safety", "protos"));
        Assert.Empty(policy.RulesMatchingNothing(methods));
        foreach (string method in methods.Where(m => m.StartsWith("/robot.", StringComparison.Ordinal)))
        {
            Assert.True(RobotRoles.All.Any(role => policy.Decide(role, method, DateTimeOffset.UtcNow).Allowed), $"no role may call {method}");
        }
        // The one rule the issue names: only a safety engineer resets an emergency stop.
        Assert.Equal(["safety-engineer"], RobotRoles.All.Where(r => policy.Decide(r, "/robot.safety.v1.EmergencyStop/Reset", DateTimeOffset.UtcNow).Allowed));
    }

    internal static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Robot.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        return dir ?? throw new InvalidOperationException("Robot.sln not found above " + AppContext.BaseDirectory);
    }
}
