using Robot.Control.Balance;
using Robot.Core.Control;
using Robot.Core.Geometry;
using Robot.Core.Hardware;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Sim;
using Robot.Sim.MuJoCo;

namespace Robot.Runtime.Tests.Hosting;

/// <summary>The balance controller's fault codes for a saturating joint and a broken estimate.</summary>
public class BalanceFaultTests
{
    [Fact]
    public void WeakKneeMotor_HeldAtItsTorqueLimit_RaisesTorqueSaturated()
    {
        // A real fault in the physics: the left knee's motor limited to 9 N·m, under the ≈ 10.5 N·m
        // half the body needs on a bent knee.
        string xml = File.ReadAllText(SimModels.Humanoid);
        const string knee = "<motor name=\"left_knee\" joint=\"left_knee\" ctrlrange=\"-139 139\"/>";
        Assert.Contains(knee, xml, StringComparison.Ordinal);
        var hardware = new SimHardware(MjSimulation.LoadXmlString(SceneComposer.FlatGround(xml.Replace(knee, knee.Replace("-139 139", "-9 9"), StringComparison.Ordinal)), "weak-knee.xml"));
        StandingBalanceController controller = BalanceFactory.Create(hardware);
        using var robot = SimulatedRobot.Create(controller, hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(1000, stopOnFault: true);
        Assert.Equal(LoopFault.ControllerFault, robot.Pipeline.Fault);
        Assert.Equal(BalanceStatus.TorqueSaturated, controller.Status);
        Assert.Equal("left_knee", hardware.Description.Joints[controller.SaturatedJoint].Name);
        Span<double> signals = stackalloc double[controller.SignalNames.Count];
        controller.WriteSignals(signals);
        Assert.Equal(controller.SaturatedJoint, signals[controller.SignalNames.ToList().IndexOf("saturated_joint")]);
    }

    /// <summary>A controller that has stood 0.5 s in MuJoCo, and the state it last read.</summary>
    private static (StandingBalanceController Controller, RobotState State, SimulatedRobot Robot) Standing()
    {
        var hardware = SimHardware.FlatGround();
        StandingBalanceController controller = BalanceFactory.Create(hardware);
        var robot = SimulatedRobot.Create(controller, hardware: hardware);
        new SimulatedTimeDriver(robot.Pipeline).Run(500);
        var state = new RobotState(hardware.Description.JointCount);
        Assert.True(hardware.Read(state));
        return (controller, state, robot);
    }

    private static LoopFault Tick(StandingBalanceController controller, RobotState state, int ticks)
    {
        var commands = new JointCommand[state.JointPosition.Length];
        double[] q = state.ImuOrientation;
        var estimate = new BaseEstimate(new Quat(q[0], q[1], q[2], q[3]), Vec3.Zero, Vec3.Zero, true, true, LoopFault.None, 0);
        LoopFault fault = LoopFault.None;
        for (int k = 0; k < ticks; k++)
        {
            fault = controller.Update(new TickContext(k, state.Time + k * 0.001, 0.001), state, estimate, commands);
        }
        foreach (JointCommand c in commands)
        {
            Assert.True(double.IsFinite(c.Position) && double.IsFinite(c.FeedForwardTorque), "a faulted tick must still send finite commands");
        }
        return fault;
    }

    [Fact]
    public void FakeState_KneeSpinningFast_IsAnImplausibleEstimate()
    {
        // Fake: a sensor that reports a knee turning at 30 rad/s while the robot stands is what
        // the simulation cannot produce on demand. The CoM estimate then moves at metres a second.
        var (controller, state, robot) = Standing();
        using (robot)
        {
            state.JointVelocity[3] = 30;
            Assert.Equal(LoopFault.ControllerFault, Tick(controller, state, 20));
            Assert.Equal(BalanceStatus.EstimateImplausible, controller.Status);
        }
    }

    [Fact]
    public void FakeState_BaseTiltedPastTheFallenTilt_IsFallen()
    {
        // Fake: an IMU pitched 0.75 rad under a robot whose legs still stand. Falling for real,
        // the standing law's DCM leaves the soles first (DcmNotCapturable within 50 ms), so only
        // a doctored IMU reaches this check on its own.
        var (controller, state, robot) = Standing();
        using (robot)
        {
            Assert.Equal(LoopFault.None, Tick(controller, state, 5));
            double half = 0.75 / 2;
            (state.ImuOrientation[0], state.ImuOrientation[1], state.ImuOrientation[2], state.ImuOrientation[3]) = (Math.Cos(half), 0, Math.Sin(half), 0);
            Assert.Equal(LoopFault.ControllerFault, Tick(controller, state, 1));
            Assert.Equal(BalanceStatus.Fallen, controller.Status);
        }
    }

    [Fact]
    public void FakeState_NaNJointAngle_IsInvalidInput()
    {
        var (controller, state, robot) = Standing();
        using (robot)
        {
            state.JointPosition[3] = double.NaN;
            Assert.Equal(LoopFault.ControllerFault, Tick(controller, state, 1));
            Assert.Equal(BalanceStatus.InvalidInput, controller.Status);
        }
    }

    [Fact]
    public void FakeState_CrossedLegs_IsAnInvalidStance()
    {
        // Fake: hip rolls that cross the legs until the left sole is right of the right one, a
        // pose MuJoCo's contacts do not let the standing robot reach. A controller capturing its
        // stance from it has no support polygon; before this it threw from a clamp in the tick.
        var (_, state, robot) = Standing();
        using (robot)
        {
            using var hardware = SimHardware.FlatGround();
            Assert.Equal(LoopFault.None, Tick(BalanceFactory.Create(hardware), state, 5));
            state.JointPosition[1] = -0.45; // left hip roll: the left foot swings right
            state.JointPosition[7] = 0.45;  // right hip roll: the right foot swings left
            StandingBalanceController crossed = BalanceFactory.Create(hardware);
            Assert.Equal(LoopFault.ControllerFault, Tick(crossed, state, 5));
            Assert.Equal(BalanceStatus.StanceInvalid, crossed.Status);
        }
    }

    [Fact]
    public void Create_BadSupportAndFaultOptions_ListsEveryProblem()
    {
        var hardware = SimHardware.FlatGround();
        var options = new StandingBalanceOptions
        {
            ComHeightTimeConstant = 0, MaxHeightCorrection = -1, MaxPlausibleComSpeed = double.NaN, SaturationShare = 1.5,
            SaturationTimeout = -0.1, FeedForwardHeelToeMargin = 0.2, FeedForwardSideMargin = 0.05, ReturnRate = -0.02,
            FallenTilt = 1.6,
        };
        var e = Assert.Throws<ArgumentException>(() => BalanceFactory.Create(hardware, options));
        foreach (string expected in new[]
        {
            "ComHeightTimeConstant: 0 must be a finite number > 0", "MaxHeightCorrection: -1 must be a finite number ≥ 0",
            "MaxPlausibleComSpeed: NaN must be a finite number > 0", "SaturationShare: 1.5 must be in (0, 1]",
            "SaturationTimeout: -0.1 must be a finite number > 0",
            "FeedForwardHeelToeMargin: 0.2 must be ≥ 0 and smaller than the sole half-length 0.09",
            "FeedForwardSideMargin: 0.05 must be ≥ 0 and smaller than the sole half-width 0.03",
            "ReturnRate: -0.02 must be a finite number ≥ 0", "FallenTilt: 1.6 must be in (0, π/2) rad",
        })
        {
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }
    }
}
