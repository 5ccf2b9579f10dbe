using Robot.Control.Balance;
using Robot.Core.Control;
using Robot.Core.Hardware;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Sim;

namespace Robot.Runtime.Tests.Hosting;

/// <summary>
/// The standing controller's support: the desired ZMP split between the feet, the legs' gravity
/// feed-forward and the CoM height regulation, in the real pipeline against MuJoCo.
/// </summary>
public class BalanceSupportTests
{
    private const int LeftKnee = 3, RightKnee = 9;

    private static (SimHardware Hardware, StandingBalanceController Controller, SimulatedRobot Robot, SimulatedTimeDriver Driver) Stand(StandingBalanceOptions? options = null)
    {
        var hardware = SimHardware.FlatGround();
        StandingBalanceController controller = BalanceFactory.Create(hardware, options);
        var robot = SimulatedRobot.Create(controller, hardware: hardware);
        return (hardware, controller, robot, new SimulatedTimeDriver(robot.Pipeline));
    }

    /// <summary>Largest |target − measured| over the twelve leg joints after 1 s of standing, rad.</summary>
    private static double LegTrackingError(bool feedForward, out double kneeFeedForward)
    {
        var (hardware, _, robot, driver) = Stand(new StandingBalanceOptions { GravityFeedForward = feedForward });
        using (robot)
        {
            driver.Run(1000);
            var state = new RobotState(hardware.Description.JointCount);
            Assert.True(hardware.Read(state));
            ReadOnlySpan<JointCommand> commands = robot.Pipeline.WrittenCommands;
            double worst = 0;
            for (int i = 0; i < 12; i++)
            {
                worst = Math.Max(worst, Math.Abs(commands[i].Position - state.JointPosition[i]));
            }
            kneeFeedForward = commands[LeftKnee].FeedForwardTorque;
            Assert.Equal(commands[LeftKnee].FeedForwardTorque, commands[RightKnee].FeedForwardTorque, 1);
            return worst;
        }
    }

    [Fact]
    public void GravityFeedForward_CarriesTheWeight_SoTheLegsTrackTheirTargets()
    {
        double with = LegTrackingError(feedForward: true, out double knee);
        double without = LegTrackingError(feedForward: false, out double none);
        // Half the body on each bent knee: about 10 N·m, holding it against flexing (negative).
        Assert.InRange(knee, -20, -5);
        Assert.Equal(0, none);
        // Measured: 3 mrad against 20 mrad when the PD alone carries the body.
        Assert.True(with < without / 3, $"leg tracking error {with:F4} rad with feed-forward, {without:F4} without");
    }

    [Fact]
    public void SupportShare_FollowsTheZmpToTheFootThePushLoads()
    {
        var (hardware, controller, robot, driver) = Stand();
        using (robot)
        {
            int share = controller.SignalNames.ToList().IndexOf("left_support_share");
            Assert.True(share >= 0, "no left_support_share signal");
            Span<double> signals = stackalloc double[controller.SignalNames.Count];
            driver.Run(500);
            controller.WriteSignals(signals);
            Assert.InRange(signals[share], 0.4, 0.6); // standing square: about half each
            // 8 N·s to the left: the ZMP goes to the left sole, and the weight with it.
            hardware.Impulse(HumanoidModel.PelvisBody, 0, 8, 0, duration: 0.05);
            double most = 0;
            for (int k = 0; k < 300; k++)
            {
                driver.Run(1);
                controller.WriteSignals(signals);
                most = Math.Max(most, signals[share]);
            }
            Assert.True(most > 0.9, $"the left foot carried at most {most:F2} of the weight");
        }
    }

    /// <summary>
    /// A weight shift (what a squaring step starts with): the DCM target moves to a point 4 cm
    /// inside the right sole and the right foot takes nearly all the weight; ended, the target
    /// goes back to rest and the feet share the weight again.
    /// </summary>
    [Fact]
    public void ShiftWeight_LoadsOneFoot_AndEndWeightShiftSharesItAgain()
    {
        var (hardware, controller, robot, driver) = Stand();
        using (robot)
        {
            var state = new RobotState(hardware.Description.JointCount);
            driver.Run(1000);
            (double restX, double restY) = controller.DcmTarget;
            Assert.True(double.IsNaN(controller.WeightShiftGoal.X), "no shift under way yet");
            var right = controller.Stance.RightSole;
            controller.ShiftWeight(right.X, right.Y + 0.04, rate: 0.5);
            driver.Run(1000);
            Assert.Equal((right.X, right.Y + 0.04), controller.DcmTarget);
            Assert.True(Math.Abs(controller.Dcm.Y - (right.Y + 0.04)) < 0.01, $"DCM at y {controller.Dcm.Y:F3} m, goal {right.Y + 0.04:F3}");
            Assert.True(hardware.Read(state));
            double rightShare = RightShare(state);
            Assert.True(rightShare > 0.75, $"the right foot carries {rightShare:F2} of the weight");

            controller.EndWeightShift();
            driver.Run(1500);
            Assert.True(double.IsNaN(controller.WeightShiftGoal.X), "the shift ended");
            Assert.Equal(restX, controller.DcmTarget.X, 6);
            Assert.Equal(restY, controller.DcmTarget.Y, 6);
            Assert.True(hardware.Read(state));
            Assert.InRange(RightShare(state), 0.4, 0.6);
            Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
        }
    }

    /// <summary>The right sole's share of the weight the two ankle sensors measure (their z force: the shank's on the foot, negative under load).</summary>
    private static double RightShare(RobotState state) => state.RightFootWrench[2] / (state.LeftFootWrench[2] + state.RightFootWrench[2]);

    [Fact]
    public void MeasuredZmp_FromTheAnkleSensors_MatchesStatics()
    {
        // At rest the ZMP is under the CoM; a steady horizontal force F on the pelvis, at height h,
        // moves it ahead of the CoM by F·h / (m·g): both checked against MuJoCo's ankle sensors.
        var (hardware, controller, robot, driver) = Stand();
        using (robot)
        {
            driver.Run(1000);
            var (x0, y0) = controller.MeasuredZmp;
            Assert.InRange(x0 - controller.Com.X, -0.005, 0.005);
            Assert.InRange(y0 - controller.Com.Y, -0.005, 0.005);
            double offset0 = x0 - controller.Com.X;

            const double force = 15;
            hardware.Push(HumanoidModel.PelvisBody, force, 0, 0, duration: 3.0);
            driver.Run(1500);
            Span<double> pelvis = stackalloc double[3];
            Span<double> quat = stackalloc double[4];
            hardware.GetPelvisPose(pelvis, quat);
            double height = pelvis[2] + 0.02; // the pelvis body's CoM, where the push acts, above the floor
            double expected = force * height / (hardware.RobotMass * 9.81);
            double moved = controller.MeasuredZmp.X - controller.Com.X - offset0;
            Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
            Assert.True(Math.Abs(moved - expected) < 0.15 * expected, $"the ZMP moved {moved * 1000:F1} mm ahead of the CoM, statics say {expected * 1000:F1} mm");
            int signal = controller.SignalNames.ToList().IndexOf("zmp_meas_x_m");
            Span<double> signals = stackalloc double[controller.SignalNames.Count];
            controller.WriteSignals(signals);
            Assert.Equal(controller.MeasuredZmp.X, signals[signal]);
        }
    }

    /// <summary>Largest CoM height error 1.5–2 s into a 300 N downward load on the pelvis, m.</summary>
    private static double HeightErrorUnderLoad(double maxCorrection)
    {
        var (hardware, controller, robot, driver) = Stand(new StandingBalanceOptions { MaxHeightCorrection = maxCorrection });
        using (robot)
        {
            driver.Run(1000);
            double reference = controller.Com.Z;
            hardware.Impulse(HumanoidModel.PelvisBody, 0, 0, -300 * 3.0, duration: 3.0);
            driver.Run(1500);
            double worst = 0;
            for (int k = 0; k < 500; k++)
            {
                driver.Run(1);
                worst = Math.Max(worst, Math.Abs(controller.Com.Z - reference));
            }
            Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
            return worst;
        }
    }

    [Fact]
    public void ComHeight_HeldUnderALoadThePdSagsUnder()
    {
        double regulated = HeightErrorUnderLoad(0.03);
        double unregulated = HeightErrorUnderLoad(0);
        Assert.True(unregulated > 0.001, $"the load sagged the CoM by only {unregulated * 1000:F2} mm: the test no longer loads the legs");
        Assert.True(regulated < unregulated / 4, $"CoM height error {regulated * 1000:F2} mm regulated, {unregulated * 1000:F2} mm not");
    }
}
