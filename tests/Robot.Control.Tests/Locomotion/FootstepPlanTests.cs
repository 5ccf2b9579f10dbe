using Robot.Control.Locomotion;

namespace Robot.Control.Tests.Locomotion;

public class FootstepPlanTests
{
    private static readonly GaitOptions s_gait = new();

    private static FootstepPlan Straight(double distance)
    {
        var start = new Pose2(0, 0, 0);
        FootstepPlanResult planned = FootstepPlanner.Plan(start, new Pose2(distance, 0, 0), s_gait);
        var (left, right) = FootstepPlanner.Stance(start, s_gait);
        return new FootstepPlan(left, right, planned.Steps, s_gait);
    }

    [Fact]
    public void Zmp_StartsBetweenTheFeet_RestsOnTheStanceFoot_EndsBetweenTheFeet()
    {
        FootstepPlan plan = Straight(1);
        int cursor = 0;
        Assert.Equal((0.0, 0.0), plan.Zmp(0, ref cursor));
        double midSwing = plan.SwingStart(0) + s_gait.SwingTime / 2;
        var (x, y) = plan.Zmp(midSwing, ref cursor);
        Pose2 stance = plan.StanceFoot(0);
        Assert.Equal(stance.X, x, 12);
        Assert.Equal(stance.Y, y, 12);
        var (fx, fy) = plan.Zmp(plan.Duration + 1, ref cursor);
        Assert.Equal(1, fx, 9);
        Assert.Equal(0, fy, 9);
    }

    [Fact]
    public void Zmp_IsContinuous()
    {
        FootstepPlan plan = Straight(2);
        int cursor = 0;
        var previous = plan.Zmp(0, ref cursor);
        for (double t = 0.001; t < plan.Duration + 0.5; t += 0.001)
        {
            var next = plan.Zmp(t, ref cursor);
            // The ZMP moves only in double support, at most one step width per double-support time.
            double speed = Math.Sqrt((next.X - previous.X) * (next.X - previous.X) + (next.Y - previous.Y) * (next.Y - previous.Y)) / 0.001;
            Assert.True(speed < 0.5 / s_gait.DoubleSupportTime, $"ZMP jumps at t = {t}: {speed} m/s");
            previous = next;
        }
    }

    [Fact]
    public void Foot_SwingLiftsToTheApexAndLandsOnTheFoothold()
    {
        FootstepPlan plan = Straight(1);
        Footstep first = plan[0];
        var (_, apex, swinging) = plan.Foot(first.Side, plan.SwingStart(0) + s_gait.SwingTime / 2);
        Assert.True(swinging);
        Assert.Equal(s_gait.SwingHeight, apex, 9);
        var (landed, height, still) = plan.Foot(first.Side, plan.SwingStart(0) + s_gait.SwingTime + 1e-6);
        Assert.False(still);
        Assert.Equal(0, height);
        Assert.Equal(first.Pose, landed);
    }

    [Fact]
    public void TruncateForStop_EndsWithinTwoStepsWithFeetSideBySide()
    {
        FootstepPlan plan = Straight(3);
        double t = plan.SwingStart(3) + 0.1; // during the fourth swing
        Assert.True(plan.TruncateForStop(t));
        Assert.Equal(5, plan.Count);
        Pose2 left = plan.FinalLeft, right = plan.FinalRight;
        var (forward, leftward) = right.Local(left);
        Assert.Equal(0, forward, 9);
        Assert.Equal(s_gait.StepWidth, leftward, 9);
        Assert.False(plan.TruncateForStop(t), "a second stop changes nothing");
    }
}
