using Robot.Safety.Audit;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;
using Robot.Safety.Supervisor;
using SafetySupervisor = Robot.Safety.Supervisor.SafetySupervisor;
using Robot.Safety.Tests.TestSupport;

namespace Robot.Safety.Tests.Supervisor;

/// <summary>A supervisor on a manual clock with an in-memory audit log, and a scripted robot.</summary>
public sealed class SupervisorTestHarness : IAsyncDisposable
{
    public static readonly CallerIdentity Engineer = new(CallerIdentity.InsecurePrincipal, EmergencyStopRegistry.SafetyRole, true);
    public static readonly CallerIdentity Operator = new(CallerIdentity.InsecurePrincipal, "operator", true);

    public SupervisorTestHarness(SiteModel? site = null)
    {
        Audit = new SupervisorAudit(Log, Time);
        Supervisor = new SafetySupervisor(site ?? TestSites.BasicModel(), Audit, Time);
    }

    public ManualTimeProvider Time { get; } = new();
    public InMemoryAuditLog Log { get; } = new();
    public SupervisorAudit Audit { get; }
    public SafetySupervisor Supervisor { get; }

    public static RobotHello Hello(string id = "h1") =>
        new(id, [(0.3, 0.25), (-0.3, 0.25), (-0.3, -0.25), (0.3, -0.25)], 0.2, 0.05, 1.0, 1.5);

    public ScriptedRobot Connect(string id = "h1") => new(this, Supervisor.OpenSession(Hello(id), Engineer));

    public async Task<IReadOnlyList<AuditRecord>> AuditRecordsAsync()
    {
        await Audit.FlushAsync();
        return Log.Snapshot();
    }

    public ValueTask DisposeAsync() => Audit.DisposeAsync();
}

/// <summary>Plays a robot: answers the latest challenge, reads verdicts from the outbox.</summary>
public sealed class ScriptedRobot(SupervisorTestHarness harness, RobotSession session)
{
    private ulong _sequence;

    public RobotSession Session => session;

    /// <summary>Every verdict queued so far, oldest first (drains the outbox).</summary>
    public List<SupervisorVerdict> Drain()
    {
        var list = new List<SupervisorVerdict>();
        while (session.Outbox.Reader.TryRead(out SupervisorVerdict v))
        {
            list.Add(v);
        }
        return list;
    }

    public SupervisorVerdict Send(double x = 10, double y = 20, double vx = 0, double vy = 0, ulong? challenge = null, ulong? response = null, ulong? sequence = null)
    {
        ulong c = challenge ?? session.LastVerdict.Challenge;
        var report = new RobotStateReport(sequence ?? ++_sequence, c, response ?? ~c, x, y, 0, vx, vy, 0, 0);
        SupervisorVerdict verdict = harness.Supervisor.OnState(session, report);
        Drain();
        return verdict;
    }
}
