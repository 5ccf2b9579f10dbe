using Robot.Safety.Contracts;
using Robot.Safety.Geofence;
using Robot.Safety.Tests.TestSupport;

namespace Robot.Safety.Tests.Geofence;

public class GeofenceEvaluatorTests
{
    // Footprint radius 0.4 m, reach 0.2 m, T_r 0.05 s, a = 1 m/s², max 1.5 m/s.
    private static readonly RobotProfile s_profile = new(0.4, 0.2, 0.05, 1.0, 1.5);
    private readonly SiteModel _site = TestSites.BasicModel();
    private readonly GeofenceEvaluator _evaluator = new();

    private GeofenceDecision Decide(double x, double y, double vx, double vy, string robot = "h1", TrackedPerson[]? persons = null) =>
        _evaluator.Decide(_site, robot, s_profile, new RobotMotion(x, y, vx, vy), persons ?? []);

    [Fact]
    public void Decide_OpenFloor_PermitsAtSiteLimit()
    {
        GeofenceDecision d = Decide(10, 20, 1.0, 0);
        Assert.Equal(VerdictKind.Permit, d.Kind);
        Assert.Equal(ReasonCode.ReasonClear, d.Reason);
        Assert.Equal(1.5, d.SpeedLimit);
    }

    [Fact]
    public void Decide_SpeedZoneWithinStoppingDistance_LimitsBeforeArrival()
    {
        // At 1.2 m/s the stopping distance is 1.2·0.05 + 1.44/2 = 0.78 m (+0.024 latency allowance);
        // the body radius with Z_r is 0.65 m, so the aisle (x >= 20) is reached from x > 18.55.
        GeofenceDecision d = Decide(18.7, 10, 1.2, 0);
        Assert.Equal(VerdictKind.Permit, d.Kind);
        Assert.Equal(ReasonCode.ReasonSpeedZone, d.Reason);
        Assert.Equal("aisle", d.Zone!.Id);
        Assert.Equal(0.5, d.SpeedLimit);
    }

    [Fact]
    public void Decide_SpeedZoneBehindOrBeyondStoppingDistance_DoesNotLimit()
    {
        Assert.Equal(1.5, Decide(18.7, 10, -1.2, 0).SpeedLimit);
        Assert.Equal(1.5, Decide(18.0, 10, 1.2, 0).SpeedLimit);
    }

    [Fact]
    public void Decide_KeepOutAhead_StopsBeforeItCanEnter()
    {
        // Dock starts at x = 50 (for y in 30..40). Heading east at 1.4 m/s: stopping 1.05 m.
        GeofenceDecision d = Decide(48.5, 35, 1.4, 0);
        Assert.Equal(VerdictKind.ProtectiveStop, d.Kind);
        Assert.Equal(ReasonCode.ReasonKeepOutAhead, d.Reason);
        Assert.Equal("dock", d.Zone!.Id);
        // Same place, standing still or walking away: permitted.
        Assert.Equal(VerdictKind.Permit, Decide(48.5, 35, 0, 0).Kind);
        Assert.Equal(VerdictKind.Permit, Decide(48.5, 35, -1.4, 0).Kind);
    }

    [Fact]
    public void Decide_InsideKeepOut_Stops()
    {
        GeofenceDecision d = Decide(55, 35, 0, 0);
        Assert.Equal(ReasonCode.ReasonKeepOut, d.Reason);
        Assert.Equal(0, d.SpeedLimit);
    }

    [Fact]
    public void Decide_LeavingWorkArea_Stops_ButARobotWithoutOneMayGo()
    {
        GeofenceDecision d = Decide(1.5, 20, -1.4, 0);
        Assert.Equal(VerdictKind.ProtectiveStop, d.Kind);
        Assert.Equal(ReasonCode.ReasonWorkArea, d.Reason);
        Assert.Equal("hall", d.Zone!.Id);
        Assert.Equal(VerdictKind.Permit, Decide(1.5, 20, -1.4, 0, robot: "free").Kind);
        Assert.Equal(ReasonCode.ReasonWorkArea, Decide(-5, 20, 0, 0).Reason);
    }

    [Fact]
    public void Decide_PersonInsideProtectiveSeparation_Stops()
    {
        // Standing robot: S_p = 1.6·(0.05+0.02+0.09) + 0.85 + 0.1 + 0.05 = 1.256 m from the 0.6 m body.
        var near = new TrackedPerson(11.8, 20, 0, "s/p1");
        GeofenceDecision d = Decide(10, 20, 0, 0, persons: [near]);
        Assert.Equal(VerdictKind.ProtectiveStop, d.Kind);
        Assert.Equal(ReasonCode.ReasonSeparation, d.Reason);
        Assert.Equal(1.2, d.Value, 9);
        Assert.Equal(1.256, d.Required, 9);
    }

    [Fact]
    public void Decide_PersonFarther_LimitsSpeedSoSeparationHolds()
    {
        var person = new TrackedPerson(13, 20, 0, "s/p1");
        GeofenceDecision d = Decide(10, 20, 0.2, 0, persons: [person]);
        Assert.Equal(VerdictKind.Permit, d.Kind);
        Assert.Equal(ReasonCode.ReasonSeparation, d.Reason);
        // The limit is the speed whose S_p equals the 2.4 m separation.
        double sp = ProtectiveSeparation.Distance(d.SpeedLimit, 0.05 + 0.02 + 0.09, 1.0, SeparationParameters.Default);
        Assert.Equal(2.4, sp, 9);
        Assert.True(d.SpeedLimit is > 0.3 and < 1.5);
    }

    [Fact]
    public void Decide_SharedZoneSeparationParameters_ApplyToPeopleInside()
    {
        string yaml = TestSites.Basic.Replace("    max_speed: 0.8\n", "    max_speed: 0.8\n    separation: { intrusion_allowance: 3.0 }\n", StringComparison.Ordinal);
        SiteModel site = SiteFileParser.Parse(yaml);
        var inside = new TrackedPerson(33, 10, 0, "s/p");
        // 2.8 m between person and body: fine with C = 0.85 m, too close with C = 3.0 m.
        GeofenceDecision d = _evaluator.Decide(site, "h1", s_profile, new RobotMotion(29.6, 10 - 0, 0, 0), [inside]);
        Assert.Equal(ReasonCode.ReasonSeparation, d.Reason);
        Assert.Equal(VerdictKind.ProtectiveStop, d.Kind);
        GeofenceDecision outside = _evaluator.Decide(site, "h1", s_profile, new RobotMotion(26.2, 20, 0, 0), [new TrackedPerson(29.6, 20, 0, "s/q")]);
        Assert.Equal(VerdictKind.Permit, outside.Kind);
    }

    [Fact]
    public void Decide_AllocatesNothing()
    {
        // Every branch: work area, speed zone, keep-out ahead and inside, shared zone lookup, separation.
        TrackedPerson[] persons = [new(40, 35, 0, "s/p"), new(33, 10, 0, "s/q")];
        SiteModel grid = SiteFileParser.Parse(TestSites.Grid(1000));
        RobotMotion[] motions = [.. Enumerable.Range(0, 512).Select(i => new RobotMotion(i * 0.37 % 60, i * 0.53 % 40, i % 3 - 1.0, i % 5 * 0.3 - 0.6))];
        double sum = Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        sum += Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(sum > 0);

        double Run()
        {
            double total = 0;
            for (int i = 0; i < motions.Length; i++)
            {
                total += _evaluator.Decide(_site, "h1", s_profile, motions[i], persons).SpeedLimit;
                total += _evaluator.Decide(grid, "h1", s_profile, new RobotMotion(motions[i].X * 5, motions[i].Y * 7, motions[i].Vx, motions[i].Vy), persons).SpeedLimit;
            }
            return total;
        }
    }
}
