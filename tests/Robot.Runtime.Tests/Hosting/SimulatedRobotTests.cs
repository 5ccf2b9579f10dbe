using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;

namespace Robot.Runtime.Tests.Hosting;

/// <summary>The real pipeline against MuJoCo: the zero-allocation promise holds for the whole tick, physics included.</summary>
[Collection(AllocationSensitiveTests.Name)]
public class SimulatedRobotTests
{
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
