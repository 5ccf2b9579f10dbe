using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Sim;

namespace Robot.Runtime.Benchmarks;

/// <summary>Figures of `robot bench control`: controller step time on the real model state, µs.</summary>
public sealed record ControlBenchmarkResult(long Steps, Percentiles StepUs, Percentiles BaselineStepUs, double AllocatedBytesPerStep, string Fault, string Baseline);

/// <summary>
/// Times the balance controller's Update inside the real pipeline against MuJoCo (the robot
/// standing with sensor noise), and, as the same-run baseline, the stance-hold controller.
/// </summary>
public static class ControlBenchmark
{
    public static ControlBenchmarkResult Run(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 100);
        var hardware = SimHardware.FlatGround();
        var balance = new TimedController(BalanceFactory.Create(hardware));
        using var robot = SimulatedRobot.Create(balance, hardware: hardware, wrapper: new NoisyHardware(hardware, new SensorNoise(), seed: 1));
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(500);
        balance.Histogram.Reset();
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(steps);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var hold = new TimedController(new HoldPoseController(SimulatedRobot.StandPose(), SimulatedRobot.StandKp(), SimulatedRobot.StandKd()));
        using var baseline = SimulatedRobot.Create(hold);
        var baselineDriver = new SimulatedTimeDriver(baseline.Pipeline);
        baselineDriver.Run(500);
        hold.Histogram.Reset();
        baselineDriver.Run(steps);

        return new ControlBenchmarkResult(steps, Percentiles.Of(balance.Histogram), Percentiles.Of(hold.Histogram), (double)allocated / steps,
            robot.Pipeline.Fault.ToString(), "stance-hold controller (PD to a fixed pose), same pipeline, same run");
    }
}
