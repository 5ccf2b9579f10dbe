using Robot.Control.Locomotion;

namespace Robot.Control.Tests.Locomotion;

public class FootstepPlannerTests
{
    private static readonly GaitOptions s_gait = new();

    [Theory]
    [InlineData(5, 0, 0)]
    [InlineData(3, 2, 90)]
    [InlineData(0, 0, 180)]
    [InlineData(0, 0, -179)]
    [InlineData(0, 0.5, 0)]
    [InlineData(-0.3, 0, 0)]
    [InlineData(-4, 1, 45)]
    public void Plan_EndsWithBothFeetBesideTheGoal_WithinTheStepLimits(double x, double y, double yawDeg)
    {
        var goal = new Pose2(x, y, yawDeg * Math.PI / 180);
        FootstepPlanResult result = FootstepPlanner.Plan(new Pose2(0, 0, 0), goal, s_gait);
        Assert.True(result.Found, result.Reason);
        var (left, right) = FootstepPlanner.Stance(new Pose2(0, 0, 0), s_gait);
        var (goalLeft, goalRight) = FootstepPlanner.Stance(goal, s_gait);
        FootSide? previous = null;
        foreach (Footstep step in result.Steps)
        {
            Assert.NotEqual(previous, step.Side); // feet alternate
            previous = step.Side;
            Pose2 stance = step.Side == FootSide.Left ? right : left;
            Pose2 before = step.Side == FootSide.Left ? left : right;
            var (forward, leftward) = stance.Local(step.Pose);
            double outward = step.Side == FootSide.Left ? leftward : -leftward;
            Assert.InRange(forward, -s_gait.MaxBackwardStep - 1e-9, s_gait.MaxStepLength + 0.05);
            Assert.InRange(outward, s_gait.StepWidth - s_gait.MaxSideStep - 0.05, s_gait.StepWidth + s_gait.MaxSideStep + 0.05); // feet never cross
            Assert.True(Math.Abs(before.TurnTo(step.Pose)) <= 2 * s_gait.MaxTurnPerStep + 1e-9, $"turn {before.TurnTo(step.Pose)} in one step");
            if (step.Side == FootSide.Left)
            {
                left = step.Pose;
            }
            else
            {
                right = step.Pose;
            }
        }
        Assert.True(left.DistanceTo(goalLeft) < 1e-6 && Math.Abs(left.TurnTo(goalLeft)) < 1e-6, $"left {left} vs {goalLeft}");
        Assert.True(right.DistanceTo(goalRight) < 1e-6 && Math.Abs(right.TurnTo(goalRight)) < 1e-6, $"right {right} vs {goalRight}");
    }

    [Fact]
    public void Plan_TotalTurn_IsTheShortWayRound()
    {
        FootstepPlanResult result = FootstepPlanner.Plan(new Pose2(0, 0, 0), new Pose2(0, 0, Math.PI), s_gait);
        double turned = 0;
        Pose2 previousLeft = FootstepPlanner.Stance(new Pose2(0, 0, 0), s_gait).Left;
        foreach (Footstep step in result.Steps.Where(s => s.Side == FootSide.Left))
        {
            turned += previousLeft.TurnTo(step.Pose);
            previousLeft = step.Pose;
        }
        Assert.Equal(Math.PI, Math.Abs(turned), 6);
    }

    [Fact]
    public void Plan_StraightWalk_UsesFullSteps()
    {
        FootstepPlanResult result = FootstepPlanner.Plan(new Pose2(0, 0, 0), new Pose2(5, 0, 0), s_gait);
        int expected = (int)Math.Ceiling(5 / s_gait.MaxStepLength) + 1; // every step advances fully, one closes
        Assert.InRange(result.Steps.Count, expected, expected + 1);
        Assert.All(result.Steps, s => Assert.Equal(0, s.Pose.Yaw, 9));
    }

    [Fact]
    public void Plan_ZoneOnTheLine_GoesAroundWithMargin()
    {
        var zone = new KeepOutZone("rack", [(1.5, -0.5), (2.5, -0.5), (2.5, 0.5), (1.5, 0.5)]);
        FootstepPlanResult result = FootstepPlanner.Plan(new Pose2(0, 0, 0), new Pose2(4, 0, 0), s_gait, [zone], margin: 0.1);
        Assert.True(result.Found, result.Reason);
        Assert.True(result.Waypoints.Count >= 2, "a detour has corners");
        foreach (Footstep step in result.Steps)
        {
            double dx = Math.Max(Math.Max(1.5 - step.Pose.X, step.Pose.X - 2.5), 0), dy = Math.Max(Math.Max(-0.5 - step.Pose.Y, step.Pose.Y - 0.5), 0);
            Assert.True(Math.Sqrt(dx * dx + dy * dy) >= 0.1 + 0.03, $"foothold {step.Pose} within the margin of the zone");
        }
    }

    /// <summary>
    /// A zone across the line with the goal behind it, facing back: the detour turns sharply at the zone's corners.
    /// Every body pose of the plan, and the straight line between consecutive ones, keeps the clearance the planner
    /// promises (footprint radius + margin) from the zone, less the 2 mm by which the inflation's polygonal arcs cut
    /// the circle. Cutting a corner from half a step short of it came 0.316 m from this zone (and a foothold 0.226 m).
    /// </summary>
    [Theory]
    [InlineData(0.26, 0.25)] // the default gait
    [InlineData(0.22, 0.25)] // the site robot's carry gait
    [InlineData(0.22, 0.12)] // ... turning at the rate it turns with a box in the hand
    public void Plan_DetourAroundACorner_EveryBodyPoseAndStepBetweenKeepsTheClearance(double maxStepLength, double maxTurnPerStep)
    {
        GaitOptions gait = s_gait with { MaxStepLength = maxStepLength, MaxTurnPerStep = maxTurnPerStep };
        const double x0 = 1.0, x1 = 2.691, y0 = -1.441, y1 = 0.811, margin = 0.1;
        var zone = new KeepOutZone("pallet", [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]);
        FootstepPlanResult result = FootstepPlanner.Plan(new Pose2(0, 0, 0), new Pose2(3.247, -1.248, 119.8 * Math.PI / 180), gait, [zone], margin);
        Assert.True(result.Found, result.Reason);
        static double FromZone(double x, double y)
        {
            double dx = Math.Max(Math.Max(x0 - x, x - x1), 0), dy = Math.Max(Math.Max(y0 - y, y - y1), 0);
            return Math.Sqrt(dx * dx + dy * dy);
        }
        double clearance = FootstepPlanner.FootprintRadius + margin - 0.002;
        Pose2 body = new(0, 0, 0);
        (double Distance, string Where) nearestBody = (double.PositiveInfinity, ""), nearestFoot = (double.PositiveInfinity, "");
        foreach (Footstep step in result.Steps)
        {
            Pose2 next = step.Pose.Offset(0, step.Side == FootSide.Left ? -gait.StepWidth / 2 : gait.StepWidth / 2);
            for (int k = 0; k <= 100; k++)
            {
                double x = body.X + (next.X - body.X) * k / 100, y = body.Y + (next.Y - body.Y) * k / 100;
                if (FromZone(x, y) < nearestBody.Distance)
                {
                    nearestBody = (FromZone(x, y), $"({x:F3}, {y:F3}) stepping from {body} to {next}");
                }
            }
            if (FromZone(step.Pose.X, step.Pose.Y) < nearestFoot.Distance)
            {
                nearestFoot = (FromZone(step.Pose.X, step.Pose.Y), step.Pose.ToString());
            }
            body = next;
        }
        Assert.True(nearestBody.Distance >= clearance, $"the body comes {nearestBody.Distance:F3} m from the zone at {nearestBody.Where}");
        Assert.True(nearestFoot.Distance >= clearance - gait.StepWidth / 2, $"foothold {nearestFoot.Where} is {nearestFoot.Distance:F3} m from the zone");
        Assert.True(body.DistanceTo(new Pose2(3.247, -1.248, 0)) < 1e-6, $"ends at {body}");
    }

    [Fact]
    public void Plan_GoalInsideZone_NoPathNamesTheZone()
    {
        var zone = new KeepOutZone("charging-bay", [(1, -1), (3, -1), (3, 1), (1, 1)]);
        FootstepPlanResult result = FootstepPlanner.Plan(new Pose2(0, 0, 0), new Pose2(2, 0, 0), s_gait, [zone]);
        Assert.False(result.Found);
        Assert.Contains("goal", result.Reason, StringComparison.Ordinal);
        Assert.Contains("charging-bay", result.Reason, StringComparison.Ordinal);
        Assert.Empty(result.Steps);
    }

    [Fact]
    public void Plan_GoalWalledIn_NoPath()
    {
        // A closed ring of four zones around the goal.
        KeepOutZone[] walls =
        [
            new("north", [(3, 2), (7, 2), (7, 2.4), (3, 2.4)]),
            new("south", [(3, -2.4), (7, -2.4), (7, -2), (3, -2)]),
            new("west", [(3, -2.4), (3.4, -2.4), (3.4, 2.4), (3, 2.4)]),
            new("east", [(6.6, -2.4), (7, -2.4), (7, 2.4), (6.6, 2.4)]),
        ];
        FootstepPlanResult result = FootstepPlanner.Plan(new Pose2(0, 0, 0), new Pose2(5, 0, 0), s_gait, walls);
        Assert.False(result.Found);
        Assert.Contains("no path", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_InvalidZone_ThrowsNamingIt()
    {
        var bowtie = new KeepOutZone("bowtie", [(0, 0), (1, 1), (1, 0), (0, 1)]);
        var line = new KeepOutZone("line", [(0, 0), (1, 1)]);
        var e = Assert.Throws<ArgumentException>(() => FootstepPlanner.Plan(new Pose2(-3, 0, 0), new Pose2(-2, 0, 0), s_gait, [bowtie, line]));
        Assert.Contains("'bowtie' is not a simple polygon", e.Message, StringComparison.Ordinal);
        Assert.Contains("'line' needs at least 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NaNGoal_Throws()
    {
        Assert.Throws<ArgumentException>(() => FootstepPlanner.Plan(new Pose2(0, 0, 0), new Pose2(double.NaN, 0, 0), s_gait));
    }

    [Fact]
    public void Plan_AlreadyThere_NoSteps()
    {
        FootstepPlanResult result = FootstepPlanner.Plan(new Pose2(1, 2, 0.5), new Pose2(1, 2, 0.5), s_gait);
        Assert.True(result.Found);
        Assert.Empty(result.Steps);
    }
}
