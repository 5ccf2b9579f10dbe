using Robot.Safety.Audit;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;
using Robot.Safety.Supervisor;
using SafetySupervisor = Robot.Safety.Supervisor.SafetySupervisor;
using Robot.Safety.Tests.TestSupport;

namespace Robot.Safety.Tests.Supervisor;

public class SafetySupervisorTests
{
    private static readonly CallerIdentity s_engineer = SupervisorTestHarness.Engineer;

    [Fact]
    public async Task OpenSession_QueuesAStopWithTheFirstChallenge_ThenAnAnsweredStateIsPermitted()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot robot = h.Connect();
        SupervisorVerdict first = Assert.Single(robot.Drain());
        Assert.Equal(VerdictKind.ProtectiveStop, first.Kind);
        Assert.Equal(ReasonCode.ReasonSessionStarting, first.ReasonCode);
        Assert.NotEqual(0UL, first.Challenge);

        SupervisorVerdict v = robot.Send();
        Assert.Equal(VerdictKind.Permit, v.Kind);
        Assert.Equal(1.5, v.SpeedLimit);
        Assert.Equal(1UL, v.InReplyTo);
        Assert.NotEqual(first.Challenge, v.Challenge);
        Assert.Equal(1, v.ZonesVersion);
    }

    [Fact]
    public async Task OpenSession_UnknownRobot_IsRefusedAndAudited()
    {
        await using var h = new SupervisorTestHarness();
        var e = Assert.Throws<SupervisorException>(() => h.Supervisor.OpenSession(SupervisorTestHarness.Hello("ghost"), s_engineer));
        Assert.Equal(SupervisorError.NotFound, e.Error);
        Assert.Equal("hello.robot_id: unknown robot 'ghost'; the site file (version 1) lists free, h1, h2", e.Message);
        Assert.Contains(await h.AuditRecordsAsync(), r => r.Type == "session.refused" && r.RobotId == "ghost");
    }

    [Theory]
    [InlineData(double.NaN, 0.05, 1.0, "hello.reach: expected a finite number >= 0 and <= 5, got NaN")]
    [InlineData(0.2, double.PositiveInfinity, 1.0, "hello.reaction_time: expected a finite number >= 0 and <= 2, got Infinity")]
    [InlineData(0.2, 0.05, 0.0, "hello.max_deceleration: expected a finite number > 0 and <= 30, got 0")]
    public async Task OpenSession_BadCapability_IsRejectedWithTheField(double reach, double reaction, double decel, string message)
    {
        await using var h = new SupervisorTestHarness();
        RobotHello hello = SupervisorTestHarness.Hello() with { Reach = reach, ReactionTime = reaction, MaxDeceleration = decel };
        var e = Assert.Throws<SupervisorException>(() => h.Supervisor.OpenSession(hello, s_engineer));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task OpenSession_SelfIntersectingOrTooSmallFootprint_IsRejected()
    {
        await using var h = new SupervisorTestHarness();
        RobotHello bowtie = SupervisorTestHarness.Hello() with { Footprint = [(0.3, 0.25), (-0.3, -0.25), (-0.3, 0.25), (0.3, -0.25)] };
        Assert.StartsWith("hello.footprint: invalid polygon:", Assert.Throws<SupervisorException>(() => h.Supervisor.OpenSession(bowtie, s_engineer)).Message, StringComparison.Ordinal);
        RobotHello two = SupervisorTestHarness.Hello() with { Footprint = [(0.3, 0.25), (-0.3, -0.25)] };
        Assert.Equal("hello.footprint: expected 3 to 64 points, got 2", Assert.Throws<SupervisorException>(() => h.Supervisor.OpenSession(two, s_engineer)).Message);
    }

    [Theory]
    [InlineData(double.NaN, 20, 0, "state.position: (NaN, 20) must be finite and within 1000000 m")]
    [InlineData(10, double.NegativeInfinity, 0, "state.position: (10, -Infinity) must be finite and within 1000000 m")]
    [InlineData(10, 20, double.NaN, "state.velocity: (NaN, 0) must be finite")]
    [InlineData(10, 20, 40, "state.velocity: speed 40 m/s is implausible for a robot declaring max_speed 1.5 m/s")]
    public async Task OnState_NonFiniteOrImplausibleState_StopsWithTheFieldAndDoesNotCountAsHeartbeat(double x, double y, double vx, string reason)
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot robot = h.Connect();
        robot.Drain();
        SupervisorVerdict v = robot.Send(x, y, vx);
        Assert.Equal(VerdictKind.ProtectiveStop, v.Kind);
        Assert.Equal(ReasonCode.ReasonInvalidState, v.ReasonCode);
        Assert.Equal(reason, v.Reason);
        h.Time.Advance(TimeSpan.FromMilliseconds(300));
        h.Supervisor.Sweep();
        Assert.True(robot.Session.Lost);
    }

    [Fact]
    public async Task OnState_ReplayedSequence_DoesNotCount()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot robot = h.Connect();
        Assert.Equal(VerdictKind.Permit, robot.Send(sequence: 5).Kind);
        SupervisorVerdict replay = robot.Send(sequence: 5);
        Assert.Equal(ReasonCode.ReasonHeartbeatInvalid, replay.ReasonCode);
        Assert.Equal("sequence 5 does not increase (last 5): stale or replayed message ignored", replay.Reason);
        Assert.Equal(VerdictKind.Permit, robot.Send(sequence: 6).Kind);
    }

    [Fact]
    public async Task OnState_WrongOrStaleChallengeAnswer_DoesNotCount()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot robot = h.Connect();
        ulong c = robot.Session.LastVerdict.Challenge;
        Assert.Equal(ReasonCode.ReasonHeartbeatInvalid, robot.Send(challenge: c, response: c).ReasonCode);

        // A challenge issued longer ago than the heartbeat timeout is stale even if answered right.
        ulong old = robot.Session.LastVerdict.Challenge;
        h.Time.Advance(TimeSpan.FromMilliseconds(260));
        SupervisorVerdict stale = robot.Send(challenge: old);
        Assert.Equal(ReasonCode.ReasonHeartbeatInvalid, stale.ReasonCode);
        Assert.Equal(VerdictKind.Permit, robot.Send().Kind);
    }

    [Fact]
    public async Task Sweep_LateHeartbeat_MarksLostPushesStopAndAudits_ThenRecovers()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot robot = h.Connect();
        robot.Send();
        h.Time.Advance(TimeSpan.FromMilliseconds(249));
        h.Supervisor.Sweep();
        Assert.False(robot.Session.Lost);
        h.Time.Advance(TimeSpan.FromMilliseconds(2));
        h.Supervisor.Sweep();
        Assert.True(robot.Session.Lost);
        SupervisorVerdict pushed = Assert.Single(robot.Drain());
        Assert.Equal(ReasonCode.ReasonHeartbeatLost, pushed.ReasonCode);
        Assert.Equal(0UL, pushed.InReplyTo);
        // The pushed verdict carries a fresh challenge; answering it brings the robot back.
        Assert.Equal(VerdictKind.Permit, robot.Send().Kind);
        Assert.False(robot.Session.Lost);
        var records = await h.AuditRecordsAsync();
        Assert.Contains(records, r => r.Type == "robot.lost" && r.RobotId == "h1" && r.Category == AuditCategory.Stop && r.Result == "protective_stop");
        Assert.Contains(records, r => r.Type == "robot.recovered");
    }

    [Fact]
    public async Task Trigger_LatchesAndPushesEmergencyStop_OnlyToCoveredRobots()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot h1 = h.Connect("h1"), h2 = h.Connect("h2");
        h1.Send();
        h2.Send();
        EmergencyStopLatch latch = h.Supervisor.TriggerEmergencyStop(["h1"], "person on the floor", StopLevel.None, SupervisorTestHarness.Operator);
        Assert.Equal(StopLevel.SettleThenCut, latch.Level);
        SupervisorVerdict pushed = Assert.Single(h1.Drain());
        Assert.Equal(VerdictKind.EmergencyStop, pushed.Kind);
        Assert.True(pushed.EStopLatched);
        Assert.Empty(h2.Drain());
        Assert.Equal(VerdictKind.EmergencyStop, h1.Send().Kind);
        Assert.Equal(VerdictKind.Permit, h2.Send().Kind);
        var records = await h.AuditRecordsAsync();
        Assert.Contains(records, r => r.Type == "estop.triggered" && r.Principal == CallerIdentity.InsecurePrincipal && r.Details!.Contains("person on the floor", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnState_BadHeartbeatOrStateWhileLatched_StaysTheLatchedEmergencyStop()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot robot = h.Connect();
        robot.Send();
        EmergencyStopLatch latch = h.Supervisor.TriggerEmergencyStop([], "person on the floor", StopLevel.Cut, SupervisorTestHarness.Operator);
        robot.Drain();

        ulong c = robot.Session.LastVerdict.Challenge;
        SupervisorVerdict wrongAnswer = robot.Send(challenge: c, response: c);
        AssertLatchedCut(wrongAnswer);
        Assert.Equal($"emergency stop {latch.Id} latched: person on the floor (and challenge {c:x16} is unknown, stale or wrongly answered: not a valid heartbeat)", wrongAnswer.Reason);

        SupervisorVerdict badState = robot.Send(double.NaN, 20);
        AssertLatchedCut(badState);
    }

    [Fact]
    public async Task Push_HeartbeatLostOrSessionStartingWhileLatched_IsTheLatchedEmergencyStop()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot robot = h.Connect();
        robot.Send();
        h.Supervisor.TriggerEmergencyStop(["h1"], "drill", StopLevel.Cut, SupervisorTestHarness.Operator);
        robot.Drain();
        h.Time.Advance(TimeSpan.FromMilliseconds(300));
        h.Supervisor.Sweep();
        SupervisorVerdict lost = Assert.Single(robot.Drain());
        AssertLatchedCut(lost);
        Assert.Contains("robot marked lost", lost.Reason, StringComparison.Ordinal);
        Assert.Contains(await h.AuditRecordsAsync(), r => r.Type == "robot.lost" && r.RobotId == "h1" && r.Result == "emergency_stop");

        SupervisorVerdict starting = Assert.Single(h.Connect().Drain());
        AssertLatchedCut(starting);
    }

    /// <summary>The verdict is the latched emergency stop at CUT level.</summary>
    private static void AssertLatchedCut(SupervisorVerdict verdict)
    {
        Assert.Equal(VerdictKind.EmergencyStop, verdict.Kind);
        Assert.True(verdict.EStopLatched);
        Assert.Equal(StopLevel.Cut, verdict.StopLevel);
    }

    [Fact]
    public async Task Trigger_UnknownRobot_IsRejected()
    {
        await using var h = new SupervisorTestHarness();
        var e = Assert.Throws<SupervisorException>(() => h.Supervisor.TriggerEmergencyStop(["nope"], "x", StopLevel.Cut, s_engineer));
        Assert.Equal(SupervisorError.NotFound, e.Error);
    }

    [Fact]
    public async Task Reset_WithoutSafetyRole_IsDeniedAndAudited()
    {
        await using var h = new SupervisorTestHarness();
        EmergencyStopLatch latch = h.Supervisor.TriggerEmergencyStop([], "test", StopLevel.SettleThenCut, SupervisorTestHarness.Operator);
        var e = Assert.Throws<SupervisorException>(() => h.Supervisor.ResetEmergencyStop(latch.Id, SupervisorTestHarness.Operator));
        Assert.Equal(SupervisorError.PermissionDenied, e.Error);
        Assert.Equal("resetting an emergency stop needs the 'safety-engineer' role; caller 'insecure:loopback' has 'operator'", e.Message);
        Assert.Single(h.Supervisor.EStops.Latches);
        Assert.Contains(await h.AuditRecordsAsync(), r => r.Type == "estop.reset" && r.Result == "denied");
    }

    [Fact]
    public async Task Reset_ThenNoAutomaticRestart_UntilResume()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot robot = h.Connect();
        robot.Send();
        EmergencyStopLatch latch = h.Supervisor.TriggerEmergencyStop([], "drill", StopLevel.SettleThenCut, SupervisorTestHarness.Operator);
        var (reset, remaining) = h.Supervisor.ResetEmergencyStop(latch.Id, s_engineer);
        Assert.Equal([latch], reset);
        Assert.Empty(remaining);
        SupervisorVerdict after = robot.Send();
        Assert.Equal(VerdictKind.ProtectiveStop, after.Kind);
        Assert.Equal(ReasonCode.ReasonRestartRequired, after.ReasonCode);
        Assert.False(after.EStopLatched);
        Assert.Throws<SupervisorException>(() => h.Supervisor.Resume(["h1"], SupervisorTestHarness.Operator));
        Assert.Equal(["h1"], h.Supervisor.Resume(["h1"], s_engineer));
        Assert.Equal(VerdictKind.Permit, robot.Send().Kind);
        var records = await h.AuditRecordsAsync();
        Assert.Contains(records, r => r.Type == "estop.reset" && r.Result == "ok" && r.Details!.Contains("\"insecureRoleClaim\":true", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Type == "estop.resume" && r.Result == "ok");
    }

    [Fact]
    public async Task Resume_OneRobotStillLatched_ResumesNoneAndNamesIt()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot h1 = h.Connect("h1"), h2 = h.Connect("h2");
        h1.Send();
        h2.Send();
        EmergencyStopLatch first = h.Supervisor.TriggerEmergencyStop(["h1"], "drill", StopLevel.SettleThenCut, SupervisorTestHarness.Operator);
        EmergencyStopLatch second = h.Supervisor.TriggerEmergencyStop(["h2"], "drill", StopLevel.SettleThenCut, SupervisorTestHarness.Operator);
        h.Supervisor.ResetEmergencyStop(first.Id, s_engineer);

        var e = Assert.Throws<SupervisorException>(() => h.Supervisor.Resume(["h1", "h2"], s_engineer));
        Assert.Equal(SupervisorError.FailedPrecondition, e.Error);
        Assert.Equal($"robot_ids: 'h2' is still under emergency stop {second.Id}; reset first (nothing was resumed)", e.Message);
        Assert.True(h.Supervisor.IsRestartRequired("h1"));
        Assert.Equal(ReasonCode.ReasonRestartRequired, h1.Send().ReasonCode);
        var records = await h.AuditRecordsAsync();
        Assert.DoesNotContain(records, r => r.Type == "estop.resume" && r.Result == "ok");
        Assert.Contains(records, r => r.Type == "estop.resume" && r.Result == "refused" && r.Details!.Contains(second.Id, StringComparison.Ordinal));
    }

    /// <summary>
    /// The invariant that forbids an automatic restart: from a trigger until the resume that
    /// follows its reset, a robot is always either under a latch or waiting for a resume, as seen
    /// by a lock-free reader on the verdict path. An observer thread checks it while the test
    /// triggers, resets and resumes; the reset publishes the restart flag before the latch goes,
    /// so no interleaving breaks it.
    /// </summary>
    [Fact]
    public async Task Reset_SeenFromTheVerdictPath_RobotIsAlwaysLatchedOrWaitingForResume()
    {
        await using var h = new SupervisorTestHarness();
        int phase = 0; // odd: between a trigger and the resume after its reset
        int violations = 0;
        using var done = new CancellationTokenSource();
        Task observer = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                int before = Volatile.Read(ref phase);
                bool held = h.Supervisor.EStops.Covering("h1") is not null || h.Supervisor.IsRestartRequired("h1");
                if (!held && (before & 1) == 1 && Volatile.Read(ref phase) == before)
                {
                    Interlocked.Increment(ref violations);
                }
            }
        });
        for (int i = 0; i < 2000; i++)
        {
            EmergencyStopLatch latch = h.Supervisor.TriggerEmergencyStop(["h1"], "drill", StopLevel.SettleThenCut, SupervisorTestHarness.Operator);
            Volatile.Write(ref phase, 2 * i + 1);
            h.Supervisor.ResetEmergencyStop(latch.Id, s_engineer);
            Volatile.Write(ref phase, 2 * i + 2);
            h.Supervisor.Resume(["h1"], s_engineer);
        }
        await done.CancelAsync();
        await observer;
        Assert.Equal(0, Volatile.Read(ref violations));
    }

    [Fact]
    public async Task EndpointSilence_StopsEveryRobotItGuards_AndResetWaitsForTheCauseToGo()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot h1 = h.Connect("h1"), h2 = h.Connect("h2");
        h1.Send();
        h2.Send();
        EmergencyStopEndpoint endpoint = h.Supervisor.EStops.RegisterEndpoint("pendant", "operator", TimeSpan.FromSeconds(1), ["h1"], "insecure:loopback");
        ulong challenge = endpoint.Challenge;
        for (int i = 0; i < 3; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(200));
            var (ok, next, _) = h.Supervisor.EStops.CheckIn(endpoint.Id, challenge, ~challenge, StopLevel.None);
            Assert.True(ok);
            challenge = next;
            h1.Send();
            h2.Send();
            h.Supervisor.Sweep();
        }
        Assert.Empty(h.Supervisor.EStops.Latches);

        // Silence for longer than the timeout: h1 is stopped (its heartbeat is fine), h2 is not.
        for (int i = 0; i < 6; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(200));
            Assert.Equal(VerdictKind.Permit, h1.Send().Kind);
            h2.Send();
        }
        h.Supervisor.Sweep();
        EmergencyStopLatch latch = Assert.Single(h.Supervisor.EStops.Latches);
        Assert.Equal(LatchCause.EndpointTimeout, latch.Cause);
        Assert.Equal(VerdictKind.EmergencyStop, h1.Send().Kind);
        Assert.Equal(VerdictKind.Permit, h2.Send().Kind);

        // Cause not gone: the reset is refused and the latch stays.
        var e = Assert.Throws<SupervisorException>(() => h.Supervisor.ResetEmergencyStop(latch.Id, s_engineer));
        Assert.Equal(SupervisorError.FailedPrecondition, e.Error);
        Assert.Contains("has not checked in within its 1 s timeout", e.Message, StringComparison.Ordinal);
        Assert.Single(h.Supervisor.EStops.Latches);

        // A replayed (old) check-in does not count either.
        Assert.False(h.Supervisor.EStops.CheckIn(endpoint.Id, challenge ^ 2, ~(challenge ^ 2), StopLevel.None).Accepted);
        Assert.False(h.Supervisor.EStops.IsCauseCleared(latch, out _));
        var (accepted, _, _) = h.Supervisor.EStops.CheckIn(endpoint.Id, challenge, ~challenge, StopLevel.None);
        Assert.True(accepted);
        Assert.Single(h.Supervisor.ResetEmergencyStop(latch.Id, s_engineer).Reset);
        Assert.Equal(ReasonCode.ReasonRestartRequired, h1.Send().ReasonCode);
    }

    [Fact]
    public async Task EndpointAskingForCut_LatchesAtCut()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot robot = h.Connect();
        robot.Send();
        EmergencyStopEndpoint endpoint = h.Supervisor.EStops.RegisterEndpoint("button", "operator", TimeSpan.FromSeconds(1), [], "x");
        h.Supervisor.EStops.CheckIn(endpoint.Id, endpoint.Challenge, ~endpoint.Challenge, StopLevel.Cut);
        SupervisorVerdict v = robot.Send();
        Assert.Equal(VerdictKind.EmergencyStop, v.Kind);
        Assert.Equal(StopLevel.Cut, v.StopLevel);
        var (reset, remaining) = h.Supervisor.ResetEmergencyStop(null, s_engineer);
        Assert.Empty(reset);
        Assert.Equal("L1: endpoint 'button' (E1) still asks for Cut", Assert.Single(remaining));
    }

    [Fact]
    public async Task ApplyZones_InvalidFile_ChangesNothing_ValidOneSwapsWholeAndIsAuditedWithItsHash()
    {
        await using var h = new SupervisorTestHarness();
        SiteModel before = h.Supervisor.Site;
        string broken = TestSites.BasicVersion(2).Replace("[[20, 5], [24, 5], [24, 30], [20, 30]]", "[[20, 5], [24, 30], [24, 5], [20, 30]]", StringComparison.Ordinal);
        var invalid = Assert.Throws<SiteValidationException>(() => h.Supervisor.ApplyZones(broken, 0, s_engineer));
        Assert.Single(invalid.Errors);
        Assert.Same(before, h.Supervisor.Site);

        Assert.Equal(SupervisorError.Aborted, Assert.Throws<SupervisorException>(() => h.Supervisor.ApplyZones(TestSites.BasicVersion(1), 0, s_engineer)).Error);
        Assert.Equal(SupervisorError.Aborted, Assert.Throws<SupervisorException>(() => h.Supervisor.ApplyZones(TestSites.BasicVersion(2), 7, s_engineer)).Error);
        Assert.Equal(SupervisorError.PermissionDenied, Assert.Throws<SupervisorException>(() => h.Supervisor.ApplyZones(TestSites.BasicVersion(2), 0, SupervisorTestHarness.Operator)).Error);
        Assert.Same(before, h.Supervisor.Site);

        SiteModel applied = h.Supervisor.ApplyZones(TestSites.BasicVersion(2), 1, s_engineer);
        Assert.Same(applied, h.Supervisor.Site);
        Assert.Equal(2, applied.Version);
        var records = await h.AuditRecordsAsync();
        Assert.Contains(records, r => r.Type == "zones.applied" && r.Details!.Contains(applied.ContentHash, StringComparison.Ordinal) && r.Details.Contains(before.ContentHash, StringComparison.Ordinal));
        Assert.Contains(records, r => r.Type == "zones.apply" && r.Result == "invalid");
    }

    [Fact]
    public async Task ApplyZones_DroppingARobotWithASession_IsRefused()
    {
        await using var h = new SupervisorTestHarness();
        h.Connect("free");
        string without = TestSites.BasicVersion(2).Replace("  - id: free\n", "", StringComparison.Ordinal);
        var e = Assert.Throws<SupervisorException>(() => h.Supervisor.ApplyZones(without, 0, s_engineer));
        Assert.Equal("robot 'free' has an open session but the new file does not list it", e.Message);
    }

    [Fact]
    public async Task VerdictChanges_AreAudited_OnceEach()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot robot = h.Connect();
        robot.Send();
        robot.Send();
        robot.Send(18.7, 10, 1.2, 0);
        robot.Send(18.7, 10, 1.2, 0);
        var changes = (await h.AuditRecordsAsync()).Where(r => r.Type == "verdict.changed").ToArray();
        Assert.Equal(["protective_stop", "permit", "permit"], changes.Select(r => r.Result));
        Assert.Equal("aisle", changes[2].ZoneId);
        Assert.Contains(await h.AuditRecordsAsync(), r => r.Type == "session.started" && r.RobotId == "h1");
    }

    [Fact]
    public async Task PersonReports_StopNearbyRobots_AndExpire()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot robot = h.Connect();
        robot.Send();
        h.Supervisor.Persons.Report("scanner-1", [new TrackedPerson(11, 20, 0, "p1")]);
        Assert.Equal(ReasonCode.ReasonSeparation, robot.Send().ReasonCode);
        h.Time.Advance(TimeSpan.FromMilliseconds(600));
        h.Supervisor.Sweep();
        Assert.Empty(h.Supervisor.Persons.Snapshot);
        Assert.Equal(VerdictKind.Permit, robot.Send().Kind);
        var e = Assert.Throws<SupervisorException>(() => h.Supervisor.Persons.Report("scanner-1", [new TrackedPerson(double.NaN, 1, 0, "p2")]));
        Assert.Contains("persons[0] (p2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonSweep_NothingStale_KeepsTheSameSnapshot_OneStaleSensor_DropsOnlyIt()
    {
        await using var h = new SupervisorTestHarness();
        h.Supervisor.Persons.Report("scanner-1", [new TrackedPerson(11, 20, 0, "p1")]);
        h.Time.Advance(TimeSpan.FromMilliseconds(300));
        h.Supervisor.Persons.Report("scanner-2", [new TrackedPerson(30, 5, 0, "p2"), new TrackedPerson(31, 5, 0, "p3")]);
        TrackedPerson[] before = h.Supervisor.Persons.Snapshot;
        h.Supervisor.Sweep();
        Assert.Same(before, h.Supervisor.Persons.Snapshot);
        h.Time.Advance(TimeSpan.FromMilliseconds(300));
        h.Supervisor.Sweep();
        Assert.Equal(["p2", "p3"], h.Supervisor.Persons.Snapshot.Select(p => p.Id).Order());
        h.Time.Advance(TimeSpan.FromMilliseconds(300));
        h.Supervisor.Sweep();
        Assert.Empty(h.Supervisor.Persons.Snapshot);
    }

    [Fact]
    public async Task AuthenticatedCaller_OpensSessionsAndReportsPersonsOnlyUnderItsCertificateName_RefusalChangesNothing()
    {
        await using var h = new SupervisorTestHarness();
        var asH1 = new CallerIdentity("robot:h1", "robot", false);
        var asH2 = new CallerIdentity("robot:h2", "robot", false);
        var asScanner = new CallerIdentity("robot:scanner-1", "robot", false);
        RobotSession real = h.Supervisor.OpenSession(SupervisorTestHarness.Hello("h2"), asH2);

        var e = Assert.Throws<SupervisorException>(() => h.Supervisor.OpenSession(SupervisorTestHarness.Hello("h2"), asH1));
        Assert.Equal(SupervisorError.PermissionDenied, e.Error);
        Assert.Equal("hello.robot_id: 'h2' is not the caller's certificate name ('robot:h1'); a robot opens sessions only as itself", e.Message);
        Assert.Same(real, h.Supervisor.Sessions["h2"]);
        Assert.False(real.Closed);

        Assert.Equal(1, h.Supervisor.ReportPersons("scanner-1", [new TrackedPerson(11, 20, 0, "scanner-1/p1")], asScanner));
        e = Assert.Throws<SupervisorException>(() => h.Supervisor.ReportPersons("scanner-1", [], asH1));
        Assert.Equal(SupervisorError.PermissionDenied, e.Error);
        Assert.Equal("sensor_id: 'scanner-1' is not the caller's certificate name ('robot:h1'); a sensor reports only as itself", e.Message);
        Assert.Equal(["scanner-1/p1"], h.Supervisor.Persons.Snapshot.Select(p => p.Id));
        Assert.False(new CallerIdentity("robot:xh1", "robot", false).MayActAs("h1"));
        Assert.False(new CallerIdentity("anonymous", null, false).MayActAs("h1"));

        // An insecure (loopback) caller names no one, so any id goes, as before.
        Assert.Equal(0, h.Supervisor.ReportPersons("scanner-2", [], SupervisorTestHarness.Operator));
        h.Connect("h1");

        var records = await h.AuditRecordsAsync();
        Assert.Contains(records, r => r.Type == "session.refused" && r.Category == AuditCategory.Access && r.Principal == "robot:h1" && r.RobotId == "h2");
        Assert.Contains(records, r => r.Type == "persons.refused" && r.Category == AuditCategory.Access && r.Principal == "robot:h1");
    }

    [Fact]
    public async Task OpenSession_SameRobotAgain_ReplacesAndClosesTheOldSession()
    {
        await using var h = new SupervisorTestHarness();
        ScriptedRobot first = h.Connect();
        ScriptedRobot second = h.Connect();
        Assert.True(first.Session.Closed);
        Assert.Same(second.Session, h.Supervisor.Sessions["h1"]);
        Assert.Contains(await h.AuditRecordsAsync(), r => r.Type == "session.ended" && r.Details!.Contains("replaced", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_DefaultsArePinned_AndValidationReportsEveryError()
    {
        var options = new SupervisorOptions();
        Assert.Equal(["http://127.0.0.1:50051"], options.Urls);
        Assert.Equal(64 * 1024, options.MaxReceiveMessageSize);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.SweepInterval);
        Assert.True(options.Insecure);
        Assert.Empty(options.Validate());
        options.Urls.Clear();
        options.Urls.Add("ftp://x");
        options.MaxReceiveMessageSize = 10;
        options.SweepInterval = TimeSpan.Zero;
        Assert.Equal(
            ["Urls: 'ftp://x' is not an http:// or https:// address", "MaxReceiveMessageSize: expected 1 KiB to 16 MiB, got 10 bytes", "SweepInterval: expected > 0 and <= 1 s, got 0 ms"],
            options.Validate());
    }
}
