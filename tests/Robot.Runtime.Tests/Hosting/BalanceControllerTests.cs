using Robot.Control.Balance;
using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Runtime.Scenarios;
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

    [Fact]
    public void Tick_WhileTheHipStrategyLeansTheTorso_AllocatesNothing()
    {
        var hardware = SimHardware.FlatGround();
        var controller = BalanceFactory.Create(hardware);
        using var robot = SimulatedRobot.Create(controller, telemetry: true, hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(500);
        // 14.5 N·s backwards-left: recoverable, and past the hip strategy's deadband.
        hardware.Impulse(HumanoidModel.PelvisBody, -14.5 * Math.Cos(Math.PI / 4), 14.5 * Math.Sin(Math.PI / 4), 0, duration: 0.05);
        Span<double> signals = stackalloc double[controller.SignalNames.Count];
        int pitch = controller.SignalNames.ToList().IndexOf("torso_lean_pitch_rad");
        Assert.True(pitch >= 0, "no torso_lean_pitch_rad signal");
        double largestLean = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 3000; k++)
        {
            driver.Run(1);
            controller.WriteSignals(signals);
            largestLean = Math.Max(largestLean, Math.Abs(signals[pitch]));
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(LoopFault.None, robot.Pipeline.Fault);
        Assert.True(largestLean > 0.05, $"the torso leaned at most {largestLean:F3} rad");
    }

    /// <summary>
    /// A push of exactly the 0-step capturability bound to the left: recovered without a step with
    /// the hip strategy, and not by the ankles alone (they fall short of the bound sideways, forward
    /// and diagonally, measured 0.97–0.99 × with 0.5 N·s resolution).
    /// </summary>
    [Fact]
    public void Push_AtTheZeroStepBound_RecoveredOnlyWithTheHipStrategy()
    {
        const double direction = 90;
        CapturabilityDirection bound = CapturabilityReport.Compute(8, CapturabilityReport.DefaultMaxStepLength, CapturabilityReport.DefaultMinStepTime).Directions.Single(d => Math.Abs(d.DirectionDeg - direction) < 1e-9);
        var ankleOnly = new StandingBalanceOptions { TorsoPitchGain = 0, TorsoRollGain = 0, ArmSwingGain = 0 };
        Assert.True(PushScenario.Recovers(direction, bound.ZeroStepImpulseNs, stepping: false), $"fell at {bound.ZeroStepImpulseNs:F2} N·s with the hip strategy");
        Assert.False(PushScenario.Recovers(direction, bound.ZeroStepImpulseNs, ankleOnly, stepping: false), "the ankle strategy alone recovered too: the test no longer shows the hip strategy's part");
    }

    [Fact]
    public void Create_BadHipStrategyOptions_ListsEveryProblem()
    {
        var hardware = SimHardware.FlatGround();
        var options = new StandingBalanceOptions { TorsoPitchGain = -1, ArmSwingGain = double.NaN, WaistPitchJoint = 2, ShoulderPitchJoints = [15, 99] };
        var e = Assert.Throws<ArgumentException>(() => BalanceFactory.Create(hardware, options));
        Assert.Contains("TorsoPitchGain: -1 must be a finite number ≥ 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("ArmSwingGain: NaN must be a finite number ≥ 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("hip strategy joint 2 must be one of the", e.Message, StringComparison.Ordinal);
        Assert.Contains("hip strategy joint 99 must be one of the", e.Message, StringComparison.Ordinal);
    }
}
