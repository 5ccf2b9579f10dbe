using Robot.Control.Locomotion;
using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Runtime.Scenarios;
using Robot.Sim;

namespace Robot.Runtime.Tests.Hosting;

/// <summary>The walking controller in the real pipeline against MuJoCo.</summary>
public class WalkingControllerTests
{
    [Fact]
    public void Walk_OneMetreForward_ReachesTheGoalUpright()
    {
        WalkResult result = WalkScenario.Run(new Pose2(1, 0, 0));
        Assert.True(result.Planned);
        Assert.False(result.Fell, $"fell at {result.FellAtSeconds} s");
        Assert.Equal("None", result.Fault);
        Assert.True(result.FinalErrorM < 0.05, $"final error {result.FinalErrorM} m");
        Assert.True(result.FinalErrorDeg < 5, $"final heading error {result.FinalErrorDeg}°");
        Assert.True(result.Reached);
        Assert.Equal("Standing", result.Status);
    }

    [Fact]
    public void RequestStop_MidWalk_EndsWithinTwoStepsStanding()
    {
        var planned = new List<Footstep>();
        const double stopAt = 2.0;
        WalkResult result = WalkScenario.Run(new Pose2(5, 0, 0), stopAfterSeconds: stopAt, plannedSteps: planned);
        var gait = new GaitOptions();
        var (left, right) = FootstepPlanner.Stance(new Pose2(0, 0, 0), gait);
        int underWay = new FootstepPlan(left, right, planned, gait).StepAt(stopAt);
        Assert.True(planned.Count > underWay + 4, "the full plan is much longer than the stop");
        Assert.True(result.Steps <= underWay + 2, $"{result.Steps} steps taken; the stop came during step {underWay}");
        Assert.False(result.Fell);
        Assert.Equal("None", result.Fault);
        Assert.Equal("Standing", result.Status);
        Assert.True(result.FinalX < 1.5, $"stopped at x = {result.FinalX} m");
    }

    [Fact]
    public void Walk_TurnOnTheSpotWithThreeKilogramPayload_Reached()
    {
        WalkResult result = WalkScenario.Run(new Pose2(0, 0, Math.PI), payloadKg: 3);
        Assert.False(result.Fell);
        Assert.True(result.Reached, $"error {result.FinalErrorM} m, {result.FinalErrorDeg}°, fault {result.Fault}");
        Assert.Equal(3, result.PayloadKg);
    }

    [Fact]
    public void Walk_FiveMetresStraightWithThreeKilogramPayload_ReachedAtWalkingSpeed()
    {
        // The walk with the previous gait (0.22 m steps, pelvis 5 cm lower) diverged after 0.7 m with this payload.
        WalkResult result = WalkScenario.Run(new Pose2(5, 0, 0), payloadKg: 3);
        Assert.False(result.Fell);
        Assert.True(result.Reached, $"error {result.FinalErrorM} m, {result.FinalErrorDeg}°, fault {result.Fault}, status {result.Status}");
        // Simulated time, not wall time: the gait's speed, deterministic on any machine.
        Assert.True(result.MeanSpeedMps >= 0.4, $"mean speed {result.MeanSpeedMps} m/s");
    }

    [Fact]
    public void SetPayload_OutOfRange_Throws()
    {
        using var hardware = SimHardware.FlatGround();
        WalkingController controller = WalkingFactory.Create(hardware);
        Assert.Throws<ArgumentOutOfRangeException>(() => controller.SetPayload(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => controller.SetPayload(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => hardware.SetPayload(11));
        Assert.Equal(0, controller.Payload);
    }

    [Fact]
    public void Goal_InsideKeepOutZone_IsNotWalked()
    {
        var zone = new KeepOutZone("dock", [(0.5, -1), (2, -1), (2, 1), (0.5, 1)]);
        WalkResult result = WalkScenario.Run(new Pose2(1, 0, 0), keepOut: [zone]);
        Assert.False(result.Planned);
        Assert.Contains("dock", result.NoPathReason, StringComparison.Ordinal);
        Assert.False(result.Reached);
    }
}

/// <summary>Zero allocation while walking: counts collections, so it runs alone.</summary>
[Collection(AllocationSensitiveTests.Name)]
public class WalkingControllerAllocationTests
{
    [Fact]
    public void Tick_WhileWalking_AllocatesNothingAndCausesNoGc()
    {
        var hardware = SimHardware.FlatGround();
        WalkingController controller = WalkingFactory.Create(hardware);
        using var robot = SimulatedRobot.Create(controller, telemetry: true, hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(200);
        var gait = new GaitOptions();
        FootstepPlanResult planned = FootstepPlanner.Plan(controller.FinalStance, new Pose2(2, 0, 0), gait);
        var (left, right) = FootstepPlanner.Stance(controller.FinalStance, gait);
        controller.Start(new FootstepPlan(left, right, planned.Steps, gait));
        driver.Run(1500); // into the walk: swings under way
        int collections = AllocationSensitiveTests.FreshCollectionCount();
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(3000);
        controller.RequestStop();
        driver.Run(1000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(collections, AllocationSensitiveTests.CollectionCount());
        Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
        Assert.True(controller.Status is WalkingStatus.Walking or WalkingStatus.Stopping or WalkingStatus.Standing, controller.Status.ToString());
    }
}
