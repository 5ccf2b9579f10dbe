using Robot.Control.Kinematics;
using Robot.Core.Geometry;

namespace Robot.Control.Tests.Kinematics;

public class StepReachTests
{
    private static readonly LegGeometry s_left = LegGeometry.WarehouseHumanoidLeft, s_right = LegGeometry.WarehouseHumanoidRight;
    private static readonly double[] s_crouch = [0, 0, -0.35, 0.7, -0.35, 0];
    private static readonly (double[], double[]) s_noLimits = ([], []);
    private const double HalfLength = 0.09, HalfWidth = 0.03, Clearance = 0.02;

    private static Vec3 Sole(LegGeometry leg) => LegKinematics.Forward(leg, s_crouch).Position;

    private static StepReach LeftSteps(double maxStep = 0.4, (double[], double[])? limits = null) =>
        StepReach.Compute(s_left, s_right, limits ?? s_noLimits, s_noLimits, Sole(s_left), Sole(s_right), HalfLength, HalfWidth, maxStep, Clearance);

    [Fact]
    public void InPlaceStep_IsReachable()
    {
        Vec3 offset = Sole(s_left) - Sole(s_right);
        Assert.True(LeftSteps().Reaches(offset.X, offset.Y));
    }

    [Fact]
    public void EveryLanding_KeepsTheLongestStep_StaysClearOfTheStanceSole_AndNeverCrosses()
    {
        StepReach reach = LeftSteps();
        Assert.NotEmpty(reach.Landings);
        foreach ((double dx, double dy) in reach.Landings)
        {
            Assert.True(Math.Sqrt(dx * dx + dy * dy) <= 0.4 + 1e-12, $"({dx}, {dy}) is longer than the longest step");
            Assert.True(dy >= 0, $"({dx}, {dy}) crosses to the right of the stance foot");
            Assert.True(Math.Abs(dx) >= 2 * HalfLength + Clearance - 1e-12 || dy >= 2 * HalfWidth + Clearance - 1e-12,
                $"({dx}, {dy}) overlaps the stance sole");
        }
        Assert.False(reach.Reaches(0, 0.05)); // on top of the stance sole's edge
    }

    [Fact]
    public void Crossover_AddsLandingsPastTheStanceFoot_AndKeepsEveryOther()
    {
        StepReach side = LeftSteps();
        StepReach crossing = StepReach.Compute(s_left, s_right, s_noLimits, s_noLimits, Sole(s_left), Sole(s_right), HalfLength, HalfWidth, 0.4, Clearance, crossover: true);
        Assert.All(side.Landings, l => Assert.True(crossing.Reaches(l.Dx, l.Dy), $"({l.Dx}, {l.Dy}) is lost when crossing is allowed"));
        Assert.Contains(crossing.Landings, l => l.Dy < 0);
        Assert.True(crossing.Reaches(0.25, -0.1), "a step 0.25 m ahead and 0.1 m past the stance foot is out of reach without joint limits");
        Assert.False(crossing.Reaches(0, -0.05), "a landing on the stance sole's far edge overlaps it");
        Assert.All(crossing.Landings, l => Assert.True(Math.Sqrt(l.Dx * l.Dx + l.Dy * l.Dy) <= 0.4 + 1e-12, $"({l.Dx}, {l.Dy}) is longer than the longest step"));
    }

    [Fact]
    public void Crossover_IsBoundByTheHipsInwardRoll()
    {
        // Hip roll (joint 1) kept from rolling the swing leg in past 0.05 rad: it cannot cross.
        double[] lower = [-3, -0.05, -3, -3, -3, -3], upper = [3, 3, 3, 3, 3, 3];
        StepReach free = StepReach.Compute(s_left, s_right, s_noLimits, s_noLimits, Sole(s_left), Sole(s_right), HalfLength, HalfWidth, 0.4, Clearance, crossover: true);
        StepReach limited = StepReach.Compute(s_left, s_right, (lower, upper), s_noLimits, Sole(s_left), Sole(s_right), HalfLength, HalfWidth, 0.4, Clearance, crossover: true);
        Assert.True(free.Reaches(0, -0.15));
        Assert.False(limited.Reaches(0, -0.15));
        Assert.True(limited.Landings.Count < free.Landings.Count);
    }

    [Fact]
    public void RightFoot_StepsToItsOwnSide()
    {
        StepReach reach = StepReach.Compute(s_right, s_left, s_noLimits, s_noLimits, Sole(s_right), Sole(s_left), HalfLength, HalfWidth, 0.4, Clearance);
        Assert.Equal(LeftSteps().Landings.Count, reach.Landings.Count); // the legs are mirror images
        Assert.All(reach.Landings, l => Assert.True(l.Dy <= 0));
    }

    [Fact]
    public void BeyondTheLegs_IsUnreachable_WhateverTheLongestStep()
    {
        StepReach reach = LeftSteps(maxStep: 1.5);
        // The pelvis halfway puts each sole 0.6 m from under its hip: farther than a 0.63 m leg reaches at this height.
        Assert.False(reach.Reaches(1.2, 0.18));
        Assert.True(reach.Reaches(0.3, 0.18));
        Assert.All(reach.Landings, l => Assert.True(Math.Abs(l.Dx) < 1.0, $"({l.Dx}, {l.Dy}) is out of the legs' reach"));
    }

    [Fact]
    public void HipRollLimits_TakeTheWideSideStepsAway()
    {
        Assert.True(LeftSteps().Reaches(0, 0.4));
        // Hip roll (joint 1) within ±0.05 rad: the swing sole cannot move 0.11 m out from under its hip.
        double[] lower = [-3, -0.05, -3, -3, -3, -3], upper = [3, 0.05, 3, 3, 3, 3];
        StepReach narrow = LeftSteps(limits: (lower, upper));
        Assert.False(narrow.Reaches(0, 0.4));
        Assert.True(narrow.Reaches(0.25, 0.18));
    }

    [Fact]
    public void ALowerPelvis_ReachesLongerSteps_AndEveryStepOfTheStandingHeight()
    {
        // Nearly straight legs, as the robot stands: a long step needs the pelvis lower.
        double[] straight = [0, 0, -0.1, 0.2, -0.1, 0];
        Vec3 left = LegKinematics.Forward(s_left, straight).Position, right = LegKinematics.Forward(s_right, straight).Position;
        StepReach standing = StepReach.Compute(s_left, s_right, s_noLimits, s_noLimits, left, right, HalfLength, HalfWidth, 0.4);
        StepReach lowered = StepReach.Compute(s_left, s_right, s_noLimits, s_noLimits, left, right, HalfLength, HalfWidth, 0.4, maxPelvisDrop: 0.1);
        Assert.False(standing.Reaches(0.34, 0.18), "a 0.34 m step is reached at standing height: the test no longer needs the drop");
        Assert.True(lowered.Reaches(0.34, 0.18), "a 0.34 m step is out of reach with the pelvis 0.1 m lower");
        Assert.All(standing.Landings, l => Assert.True(lowered.Reaches(l.Dx, l.Dy), $"({l.Dx}, {l.Dy}) is lost with the pelvis free to drop"));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            StepReach.Compute(s_left, s_right, s_noLimits, s_noLimits, left, right, HalfLength, HalfWidth, 0.4, maxPelvisDrop: -0.01));
    }
}
