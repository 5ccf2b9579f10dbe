using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Sim;

namespace Robot.Runtime.Tests.Hosting;

/// <summary>The balance controller in the real pipeline against MuJoCo.</summary>
public class BalanceControllerTests
{
    [Fact]
    public void Tick_BalanceController_AllocatesNothing()
    {
        var hardware = SimHardware.FlatGround();
        using var robot = SimulatedRobot.Create(BalanceFactory.Create(hardware), telemetry: true, hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(500);
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(3000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
    }

    [Fact]
    public void Push_BeyondAnkleStrategy_RaisesDcmNotCapturable()
    {
        var hardware = SimHardware.FlatGround();
        var controller = BalanceFactory.Create(hardware);
        using var robot = SimulatedRobot.Create(controller, hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(300);
        // 40 N·s forward is far beyond the ≈ 8 N·s zero-step bound: only a step could save it.
        hardware.Impulse(HumanoidModel.PelvisBody, 40, 0, 0, duration: 0.05);
        driver.Run(1500, stopOnFault: true);
        Assert.Equal(LoopFault.ControllerFault, robot.Pipeline.Fault);
        Assert.Equal(Robot.Control.Balance.BalanceStatus.DcmNotCapturable, controller.Status);
    }
}
