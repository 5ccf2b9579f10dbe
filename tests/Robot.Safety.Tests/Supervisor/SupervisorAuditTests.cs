using Robot.Safety.Audit;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;
using Robot.Safety.Supervisor;
using Robot.Safety.Tests.Audit;
using Robot.Safety.Tests.TestSupport;
using SafetySupervisor = Robot.Safety.Supervisor.SafetySupervisor;

namespace Robot.Safety.Tests.Supervisor;

/// <summary>The supervisor's audit pump over a real SQLite store; a closed store is the failing one.</summary>
public class SupervisorAuditTests
{
    [Fact]
    public async Task StoreFails_DurableAsyncSaysSo_AndResetResumeApplyZonesAreRefusedChangingNothing_StopsStillWork()
    {
        using var dir = new TempDir();
        var time = new ManualTimeProvider();
        SqliteAuditLog store = SqliteAuditLog.Open(new SqliteAuditLogOptions { DatabasePath = dir.File("a.db"), SignInterval = null });
        await using var audit = new SupervisorAudit(store, time);
        var supervisor = new SafetySupervisor(TestSites.BasicModel(), audit, time);
        EmergencyStopLatch latch = supervisor.TriggerEmergencyStop([], "drill", StopLevel.SettleThenCut, SupervisorTestHarness.Operator);
        await audit.DurableAsync();
        Assert.Null(audit.StoreError);

        await store.DisposeAsync(); // from now on every append fails
        EmergencyStopLatch second = supervisor.TriggerEmergencyStop(["h1"], "stops are never refused", StopLevel.Cut, SupervisorTestHarness.Operator);
        var e = await Assert.ThrowsAsync<SupervisorException>(audit.DurableAsync);
        Assert.Equal(SupervisorError.Unavailable, e.Error);
        Assert.StartsWith("1 audit record(s) could not be written: the audit log is closed", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("the audit log is closed", audit.StoreError, StringComparison.Ordinal);
        Assert.Equal([latch, second], supervisor.EStops.Latches);

        e = Assert.Throws<SupervisorException>(() => supervisor.ResetEmergencyStop(latch.Id, SupervisorTestHarness.Engineer));
        Assert.Equal(SupervisorError.Unavailable, e.Error);
        Assert.Equal($"resetting an emergency stop is refused while the audit log cannot record it (its last append failed: {audit.StoreError}); nothing changed", e.Message);
        Assert.Equal([latch, second], supervisor.EStops.Latches);
        Assert.False(supervisor.IsRestartRequired("h2"));
        Assert.Equal(SupervisorError.Unavailable, Assert.Throws<SupervisorException>(() => supervisor.Resume([], SupervisorTestHarness.Engineer)).Error);
        SiteModel site = supervisor.Site;
        Assert.Equal(SupervisorError.Unavailable, Assert.Throws<SupervisorException>(() => supervisor.ApplyZones(TestSites.BasicVersion(2), 0, SupervisorTestHarness.Engineer)).Error);
        Assert.Same(site, supervisor.Site);
        // Without the role the answer is still the role's: the refusal for the store comes after it.
        Assert.Equal(SupervisorError.PermissionDenied, Assert.Throws<SupervisorException>(() => supervisor.ResetEmergencyStop(latch.Id, SupervisorTestHarness.Operator)).Error);
    }

    [Fact]
    public async Task RecordsQueuedWhileAnAppendRuns_AreAppendedTogether_InOrder()
    {
        using var dir = new TempDir();
        var time = new ManualTimeProvider();
        await using SqliteAuditLog store = SqliteAuditLog.Open(new SqliteAuditLogOptions { DatabasePath = dir.File("a.db"), SignInterval = null });
        await using var audit = new SupervisorAudit(store, time);
        long commitsBefore = store.Commits;
        for (int i = 0; i < 300; i++)
        {
            audit.Write(AuditCategory.Session, "test.record", "ok", "system", details: new { i });
        }
        await audit.DurableAsync();
        Assert.Equal(0, audit.Failures);
        Assert.Equal(300, store.Count);
        // One commit per record would be 300; a full-durability commit takes long enough for the
        // rest of the 300 to queue behind the first, so they share a few commits.
        Assert.InRange(store.Commits - commitsBefore, 1, 299);
        using AuditLogFile file = store.OpenReader();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"{{\"i\":{i}}}"), file.Query(new AuditQuery()).Select(r => r.Record.Details));
    }
}
