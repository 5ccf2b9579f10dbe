using Robot.Control.Locomotion;
using Robot.Core.Control;
using Robot.Core.Hardware;
using Robot.Runtime.Execution;
using Robot.Runtime.Tests.Doubles;
using Robot.Safety.Geofence;
using Robot.Sim.PickTask;

namespace Robot.Runtime.Tests.Execution;

public class SimSiteRobotTests
{

    [Fact]
    public void PickStance_PutsTheSlotsBoxWhereTheStationHasIt()
    {
        SiteModel site = SiteFileParser.Parse(TestHall.Site);
        Pose2 stance = SimSiteRobot.PickStance(site.Locations["shelf/s1"]);
        var (ahead, left) = stance.Local(new Pose2(2.12, 3.28, 0));
        Assert.Equal(PickStationScene.BoxNominalX, ahead, 9);
        Assert.Equal(PickStationScene.BoxNominalY, left, 9);
        Assert.Equal(Math.PI / 2, stance.Yaw, 9);
    }

    [Fact]
    public void CheckFeasible_SlotAboveTheArmsWorkspace_SaysWhy()
    {
        SiteModel site = SiteFileParser.Parse(TestHall.Site);
        using var robot = new SimSiteRobot(site, new SimSiteRobotOptions { Start = (2.0, 1.8, 90) });
        string? why = robot.CheckFeasible(site.Locations["shelf/high"], site.Locations["tote-1"]);
        Assert.NotNull(why);
        Assert.Contains("shelf/high is at 1.30 m", why, StringComparison.Ordinal);
        Assert.Null(robot.CheckFeasible(site.Locations["shelf/s1"], site.Locations["tote-1"]));
    }

    [Fact]
    public void CheckFeasible_ToteWhoseRimTheCarriedBoxCannotClear_SaysWhy()
    {
        SiteModel site = SiteFileParser.Parse(TestHall.Site.Replace("at: [3.19, 1.60, 0.70]", "at: [3.19, 1.60, 0.80]", StringComparison.Ordinal));
        using var robot = new SimSiteRobot(site, new SimSiteRobotOptions { Start = (2.0, 1.8, 90) });
        string? why = robot.CheckFeasible(site.Locations["shelf/s1"], site.Locations["tote-1"]);
        Assert.NotNull(why);
        Assert.Contains("tote-1 stands at 0.80 m; this robot places into totes on stands at 0.70", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var options = new SimSiteRobotOptions { Start = (double.NaN, 0, 0), RealTimeFactor = -1, PolicyDirectory = "/no/such/policy" };
        var e = Assert.Throws<ArgumentException>(() => new SimSiteRobot(SiteFileParser.Parse(TestHall.Site), options));
        Assert.Contains("Start", e.Message, StringComparison.Ordinal);
        Assert.Contains("RealTimeFactor", e.Message, StringComparison.Ordinal);
        Assert.Contains("PolicyDirectory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WalkUpToTheShelfAndPick_Scripted_FingerSensorsReportTheBoxHeldWithoutAFall()
    {
        SiteModel site = SiteFileParser.Parse(TestHall.Site);
        SiteLocation slot = site.Locations["shelf/s1"];
        using var robot = new SimSiteRobot(site, new SimSiteRobotOptions { Start = (2.0, 1.8, 90) });
        var (walked, why) = robot.WalkTo(slot, false, default, default);
        Assert.True(walked == SimSiteRobot.SkillResult.Done, why);
        (walked, why) = robot.WalkTo(slot, true, default, default);
        Assert.True(walked == SimSiteRobot.SkillResult.Done, why);
        Pose2 stance = SimSiteRobot.PickStance(slot);
        Assert.True(robot.Pose.DistanceTo(stance) < 0.06, $"stands at {robot.Pose}, stance {stance}");
        Assert.False(robot.GraspHeld());

        var (picked, reason) = robot.Pick(slot, default, default);

        Assert.True(picked == SimSiteRobot.SkillResult.Done, reason);
        Assert.True(robot.GraspHeld());
        Assert.False(robot.Fell);
        Assert.Equal(LoopFault.None, robot.Robot.Pipeline.Fault);
    }

    /// <summary>
    /// The box is pulled down out of the hand (a real force on it in the simulation, 120 N for 0.4 s) on the tick the
    /// pick takes it on as the payload, before the lift ends: the pick does not end Done, and the walking controller
    /// no longer carries the box's mass, so the walks that follow (back off, retry, the next task) do not lean
    /// against a phantom payload or turn at the carry rate.
    /// </summary>
    [Fact]
    public void Pick_BoxPulledOutOfTheHandDuringTheLift_NotDoneAndNoPayloadLeft()
    {
        SiteModel site = SiteFileParser.Parse(TestHall.Site);
        SiteLocation slot = site.Locations["shelf/s1"];
        Pose2 stance = SimSiteRobot.PickStance(slot);
        using var robot = new SimSiteRobot(site, new SimSiteRobotOptions { Start = (stance.X, stance.Y, stance.Yaw * 180 / Math.PI) });
        var (walked, why) = robot.WalkTo(slot, true, default, default);
        Assert.True(walked == SimSiteRobot.SkillResult.Done, why);
        string box = Robot.Sim.PickTask.SiteScene.BoxName(robot.Slots.ToList().IndexOf(slot));
        double payloadWhenPulled = 0;
        robot.Robot.Pipeline.SetController(new TickHook(robot.Robot.Pipeline.Controller, () =>
        {
            if (payloadWhenPulled == 0 && robot.Walking.Payload > 0)
            {
                payloadWhenPulled = robot.Walking.Payload;
                robot.Robot.Hardware.Push(box, 0, 0, -120, 0.4);
            }
        }));

        var (picked, reason) = robot.Pick(slot, default, default);

        Assert.True(payloadWhenPulled > 0, $"the pick never took the box on ({picked}: {reason})");
        Assert.True(picked != SimSiteRobot.SkillResult.Done, $"{picked}: {reason}; fell {robot.Fell}");
        Assert.False(robot.GraspHeld(), reason);
        Assert.True(robot.Walking.Payload == 0, $"{robot.Walking.Payload} kg still carried after '{reason}'");
    }

    [Fact]
    public void ArmOverlay_OverridesOnlyTheRightArmAndGripper()
    {
        string[] names = [.. Robot.Sim.HumanoidModel.Joints.Select(j => j.Name)];
        double[] pose = new double[names.Length];
        var lower = new HoldPoseController(pose, [.. pose.Select(_ => 10.0)], [.. pose.Select(_ => 1.0)]);
        var overlay = new ArmOverlayController(lower, names);
        double[] target = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.03];
        overlay.SetArm(target, []);
        var commands = new JointCommand[names.Length];
        var state = new RobotState(names.Length);
        overlay.Update(new TickContext(0, 0, 0.001), state, default, commands);
        for (int j = 0; j < names.Length; j++)
        {
            int arm = ArmKinematics.JointNames.ToList().IndexOf(names[j]);
            double expected = arm >= 0 ? target[arm] : names[j] == "right_gripper" ? 0.03 : 0;
            Assert.Equal(expected, commands[j].Position, 12);
        }
        Assert.Throws<ArgumentException>(() => overlay.SetArm([0.1, 0.2], []));
    }
}
