using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Concurrency;
using Robot.Runtime.Loop;
using Robot.Runtime.Safety;
using Robot.Safety.Contracts;
using Robot.Sim;

namespace Robot.Runtime.Tests.Hosting;

/// <summary>The real pipeline against MuJoCo: the zero-allocation promise holds for the whole tick, physics included.</summary>
[Collection(AllocationSensitiveTests.Name)]
public class SimulatedRobotTests
{
    [Fact]
    public void MotionJoints_ArmsTorsoAndHead_NotLegsNorGrippers()
    {
        string[] frozen = [.. SimulatedRobot.MotionJoints().Select(j => HumanoidModel.Joints[j].Name)];
        Assert.Contains("right_shoulder_pitch", frozen);
        Assert.Contains("waist_yaw", frozen);
        // A stop keeps the grip: a gripper frozen at its measured opening squeezes nothing and drops the box.
        Assert.DoesNotContain("right_gripper", frozen);
        Assert.DoesNotContain("left_gripper", frozen);
        Assert.DoesNotContain(frozen, n => n.Contains("hip", StringComparison.Ordinal) || n.Contains("knee", StringComparison.Ordinal) || n.Contains("ankle", StringComparison.Ordinal));
    }

    [Fact]
    public void Tick_RealPipelineAgainstMuJoCo_AllocatesNothingAndCausesNoGc()
    {
        using var robot = SimulatedRobot.Create(telemetry: true);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(500);
        int collections = AllocationSensitiveTests.FreshCollectionCount();
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(5000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(collections, AllocationSensitiveTests.CollectionCount());
        Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
    }

    [Fact]
    public void Tick_BalanceWithSafetyLimiter_PermitsThenTimeoutSettle_AllocatesNothingAndCausesNoGc()
    {
        var clock = new LoopTimeProvider();
        var verdicts = new LatestValueSlot<VerdictSample>();
        StopExecutorOptions options = SimulatedRobot.StopOptions();
        var hardware = SimHardware.FlatGround();
        var stops = new StopExecutor(new SafetyGate(verdicts, new SafetyGateOptions(), clock), options, hardware.Description.JointCount);
        using var robot = SimulatedRobot.Create(BalanceFactory.Create(hardware), telemetry: true, hardware: hardware, stops: stops);
        var permit = new VerdictSample(VerdictKind.Permit, 1.5, ReasonCode.ReasonClear, StopLevel.None, false, 0);
        // Permits for 1 s, then none: the verdict times out and the loop settles (every limiter path).
        void Run(int ticks, bool permits)
        {
            for (int i = 0; i < ticks; i++)
            {
                clock.Advance(hardware.Timestep);
                if (permits && i % 10 == 0)
                {
                    verdicts.Publish(permit with { ReceivedAt = clock.GetTimestamp() });
                }
                robot.Pipeline.Tick();
            }
        }
        Run(500, permits: true);
        int collections = AllocationSensitiveTests.FreshCollectionCount();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(1000, permits: true);
        Run(1000, permits: false);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(collections, AllocationSensitiveTests.CollectionCount());
        Assert.Equal(StopCategory.Settle, robot.Pipeline.Safety.Stop);
        Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
    }

    [Fact]
    public void Run_StanceHold_StaysUprightForFiveSeconds()
    {
        using var robot = SimulatedRobot.Create();
        new SimulatedTimeDriver(robot.Pipeline).Run(5000);
        Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
        Assert.True(robot.Hardware.PelvisTilt < 0.1, $"pelvis tilt {robot.Hardware.PelvisTilt} rad");
        Span<double> p = stackalloc double[3];
        Span<double> q = stackalloc double[4];
        robot.Hardware.GetPelvisPose(p, q);
        Assert.True(p[2] > 0.6, $"pelvis height {p[2]} m");
    }
}
