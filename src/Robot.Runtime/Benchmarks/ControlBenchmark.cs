using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Sim;

namespace Robot.Runtime.Benchmarks;

/// <summary>Figures of `robot bench control`: controller step time on the real model state, µs.</summary>
/// <param name="Steps">Measured steps per controller.</param>
/// <param name="StepUs">The balance controller's Update, µs.</param>
/// <param name="BaselineStepUs">The stance-hold controller's Update, µs.</param>
/// <param name="AllocatedBytesPerStep">Heap allocated per measured tick of the balance run.</param>
/// <param name="Fault">The pipeline's fault after the balance run.</param>
/// <param name="Baseline">What the baseline is.</param>
/// <param name="JitMsInWindow">JIT compilation in this process while the balance controller was measured, ms (0 when the warm-up left none).</param>
public sealed record ControlBenchmarkResult(long Steps, Percentiles StepUs, Percentiles BaselineStepUs, double AllocatedBytesPerStep, string Fault, string Baseline,
    double JitMsInWindow);

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
        WarmUp(driver);
        balance.Histogram.Reset();
        RuntimeActivity start = RuntimeActivity.Now();
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(steps);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        double jit = RuntimeActivity.Between(start, RuntimeActivity.Now()).JitMs;

        var hold = new TimedController(new HoldPoseController(SimulatedRobot.StandPose(), SimulatedRobot.StandKp(), SimulatedRobot.StandKd()));
        using var baseline = SimulatedRobot.Create(hold);
        var baselineDriver = new SimulatedTimeDriver(baseline.Pipeline);
        WarmUp(baselineDriver);
        hold.Histogram.Reset();
        baselineDriver.Run(steps);

        return new ControlBenchmarkResult(steps, Percentiles.Of(balance.Histogram), Percentiles.Of(hold.Histogram), (double)allocated / steps,
            robot.Pipeline.Fault.ToString(), "stance-hold controller (PD to a fixed pose), same pipeline, same run", Math.Round(jit, 1));
    }

    /// <summary>Runs the pipeline 500 ticks and at least <see cref="JitWarmUp.Seconds"/> of wall time before anything is timed.</summary>
    private static void WarmUp(SimulatedTimeDriver driver) => JitWarmUp.Run(5, _ => driver.Run(100));
}
