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
    public void Decide_AllocatesAtMostNtsLocatorScratch()
    {
        TrackedPerson[] persons = [new(40, 35, 0, "s/p")];
        SiteModel grid = SiteFileParser.Parse(TestSites.Grid(400));
        Decide(18.7, 10, 1.2, 0, persons: persons);
        _evaluator.Decide(grid, "h1", s_profile, new RobotMotion(5, 5, 1, 0.5), persons);
        long before = GC.GetAllocatedBytesForCurrentThread();
        double sum = 0;
        for (int i = 0; i < 2000; i++)
        {
            sum += Decide(10 + i % 40, 20, 1.2, 0.1, persons: persons).SpeedLimit;
            sum += _evaluator.Decide(grid, "h1", s_profile, new RobotMotion(i % 200 * 1.0, i % 97 * 2.0, 1, 0.5), persons).SpeedLimit;
        }
        // Only NTS's per-query point-locator visitor allocates (at most one query per candidate zone).
        double perDecision = (GC.GetAllocatedBytesForCurrentThread() - before) / 4000.0;
        Assert.True(perDecision <= 160, $"{perDecision} bytes per decision");
        Assert.True(sum > 0);
    }
}
