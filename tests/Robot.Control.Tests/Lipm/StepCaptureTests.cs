using Robot.Control.Lipm;

namespace Robot.Control.Tests.Lipm;

/// <summary>
/// Feet side by side at y = ±0.09 m, 0.18 × 0.06 m soles, the CoM over the middle at 0.7 m: the
/// bounds against closed forms of ξ(Δt) = p + (ξ₀ − p)·e^(ωΔt).
/// </summary>
public class StepCaptureTests
{
    private static readonly LipmModel s_model = new(0.70);
    private static readonly Soles s_soles = new(0, 0.09, 0, -0.09, 0.09, 0.03);
    private const double StepTime = 0.3;
    private static readonly (double, double)[] s_none = [];
    private static double Growth => Math.Exp(s_model.Omega * StepTime);

    private static (double OneStep, double ZeroStep) Bound(double angleDeg, (double, double)[] left, (double, double)[]? right = null) =>
        StepCapture.MaxVelocity(s_model, 0, 0, s_soles, angleDeg * Math.PI / 180, StepTime, left, right ?? s_none);

    /// <summary>Every offset on a 1 cm grid within <paramref name="radius"/> on the +y side (a left step), clear of the stance sole.</summary>
    private static (double, double)[] LeftDisc(double radius) =>
        [.. from i in Enumerable.Range(-100, 201)
            from j in Enumerable.Range(0, 101)
            let dx = i * 0.01
            let dy = j * 0.01
            where Math.Sqrt(dx * dx + dy * dy) <= radius && (Math.Abs(dx) >= 0.2 || dy >= 0.08)
            select (dx, dy)];

    [Fact]
    public void NoLandings_IsTheZeroStepBound()
    {
        var (one, zero) = Bound(0, s_none);
        Assert.Equal(s_model.Omega * 0.09, zero, 9); // CoM to the toes
        Assert.Equal(zero, one);
        Assert.Equal(s_model.Omega * 0.12, Bound(90, s_none).ZeroStep, 9); // to the left sole's outer edge
    }

    [Fact]
    public void SidewaysPush_AStepWithinReachOfTheLoadedFoot_CannotBeatStanding()
    {
        // Pushed left, the left foot must be unloaded to step: the CoP sits on the right sole,
        // at best its inner edge (y = −0.06), and the DCM runs away from there for 0.3 s. A 0.4 m
        // step lands the left sole's outer edge at most at 0.34 m: ξ₀ ≤ −0.06 + 0.40 / e^(ωΔt) ≈ 0.07 m,
        // less than the 0.12 m standing holds.
        var (one, zero) = Bound(90, LeftDisc(0.4), LeftDisc(0.4).Select(l => (l.Item1, -l.Item2)).ToArray());
        Assert.Equal(zero, one);
    }

    [Fact]
    public void SidewaysPush_LongStep_MatchesTheClosedForm()
    {
        // One landing, 1 m to the left of the right sole: its outer edge at 0.94 m. The CoP at the
        // right sole's inner edge (−0.06 m) gives ξ₀ ≤ −0.06 + (0.94 + 0.06) / e.
        var (one, zero) = Bound(90, [(0, 1.0)]);
        double expected = s_model.Omega * (-0.06 + 1.0 / Growth);
        Assert.True(expected > zero);
        Assert.Equal(expected, one, 6);
    }

    [Fact]
    public void ForwardPush_StepAhead_MatchesTheClosedForm()
    {
        // The left sole lands at (0.3, 0.16): its toe at x = 0.39. The CoP at the right sole's toe
        // (x = 0.09) holds the DCM back most: e·ξ₀ − (e − 1)·0.09 ≤ 0.39. Sideways the DCM drifts
        // 0.12–0.25 m to the left during the swing, which the landed sole (y 0.13–0.19) meets.
        var (one, _) = Bound(0, [(0.3, 0.25)]);
        double e = Growth;
        Assert.Equal(s_model.Omega * (0.39 + (e - 1) * 0.09) / e, one, 6);
    }

    [Fact]
    public void ForwardPush_AStraightStep_MissesTheSidewaysDrift()
    {
        // Landing at the standing width (y 0.06–0.12) misses the 0.12–0.25 m drift towards the
        // swing side while the other sole holds the CoP: the step does not help at all.
        var (one, zero) = Bound(0, [(0.3, 0.18)]);
        Assert.Equal(zero, one);
    }

    [Fact]
    public void MoreReach_NeverLowersTheBound()
    {
        double previous = 0;
        foreach (double radius in new[] { 0.2, 0.3, 0.4, 0.5 })
        {
            double one = Bound(30, LeftDisc(radius)).OneStep;
            Assert.True(one >= previous - 1e-9, $"radius {radius}: {one} < {previous}");
            previous = one;
        }
    }
}
