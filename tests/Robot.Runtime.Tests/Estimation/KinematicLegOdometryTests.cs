using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;

namespace Robot.Runtime.Tests.Estimation;

/// <summary>Leg odometry on the real model: the estimator's base velocity against MuJoCo's ground truth after a push.</summary>
public class KinematicLegOdometryTests
{
    [Fact]
    public void Estimate_AfterPush_BaseVelocityTracksGroundTruth()
    {
        using var robot = SimulatedRobot.Create();
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(300);
        robot.Hardware.Impulse(Robot.Sim.HumanoidModel.PelvisBody, 4, 2, 0, duration: 0.05);
        double worst = 0, peak = 0;
        for (int k = 0; k < 400; k++)
        {
            driver.Run(1);
            ReadOnlySpan<double> qvel = robot.Hardware.Simulation.Qvel;
            int b = robot.Hardware.Binding.BaseDofAdr;
            var truth = new Robot.Core.Geometry.Vec3(qvel[b], qvel[b + 1], qvel[b + 2]);
            var estimate = robot.Pipeline.Estimate.LinearVelocity;
            if (k > 60)
            {
                worst = Math.Max(worst, (estimate - truth).Norm);
            }
            peak = Math.Max(peak, truth.Norm);
        }
        Assert.True(peak > 0.05, $"the push must move the pelvis (peak {peak} m/s)");
        Assert.True(worst < 0.25 * peak, $"estimate error {worst} m/s against a peak of {peak} m/s");
    }
}
