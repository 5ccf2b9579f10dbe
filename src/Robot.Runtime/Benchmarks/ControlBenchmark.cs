using Robot.Control.Balance;
using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Runtime.Scenarios;
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
/// <param name="SteppingStepUs">The balance controller's Update over the 1.4 s after a 17 N·s forward push: a capture step and a closing step, µs.</param>
/// <param name="SteppingAllocatedBytesPerStep">Heap allocated per tick over those 1.4 s.</param>
/// <param name="StepsTaken">Steps the controller took in that window (2: capture and closing).</param>
public sealed record ControlBenchmarkResult(long Steps, Percentiles StepUs, Percentiles BaselineStepUs, double AllocatedBytesPerStep, string Fault, string Baseline,
    double JitMsInWindow, Percentiles SteppingStepUs, double SteppingAllocatedBytesPerStep, int StepsTaken);

/// <summary>
/// Times the balance controller's Update inside the real pipeline against MuJoCo (the robot
/// standing with sensor noise, then stepping after a push), and, as the same-run baseline, the
/// stance-hold controller.
/// </summary>
public static class ControlBenchmark
{
    public static ControlBenchmarkResult Run(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 100);
        // The stepping code runs only after a push: warm it up on throwaway robots, or the first
        // timed step pays for its JIT compilation (2–4 ms ticks).
        JitWarmUp.Run(3, _ => StepOnce());
        var hardware = SimHardware.FlatGround();
        CaptureStepController stepping = BalanceFactory.CreateStepping(hardware);
        var balance = new TimedController(stepping);
        using var robot = SimulatedRobot.Create(balance, hardware: hardware, wrapper: new NoisyHardware(hardware, new SensorNoise(), seed: 1));
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        WarmUp(driver);
        balance.Histogram.Reset();
        RuntimeActivity start = RuntimeActivity.Now();
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(steps);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        double jit = RuntimeActivity.Between(start, RuntimeActivity.Now()).JitMs;
        Percentiles standingUs = Percentiles.Of(balance.Histogram);

        // Stepping: a push the standing law alone falls from (it recovers 13 N·s forward).
        balance.Histogram.Reset();
        PushScenario.Push(hardware, 0, SteppingPushNs);
        long beforeStepping = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(SteppingTicks);
        long steppingAllocated = GC.GetAllocatedBytesForCurrentThread() - beforeStepping;
        Percentiles steppingUs = Percentiles.Of(balance.Histogram);

        var hold = new TimedController(new HoldPoseController(SimulatedRobot.StandPose(), SimulatedRobot.StandKp(), SimulatedRobot.StandKd()));
        using var baseline = SimulatedRobot.Create(hold);
        var baselineDriver = new SimulatedTimeDriver(baseline.Pipeline);
        WarmUp(baselineDriver);
        hold.Histogram.Reset();
        baselineDriver.Run(steps);

        return new ControlBenchmarkResult(steps, standingUs, Percentiles.Of(hold.Histogram), (double)allocated / steps,
            robot.Pipeline.Fault.ToString(), "stance-hold controller (PD to a fixed pose), same pipeline, same run", Math.Round(jit, 1),
            steppingUs, (double)steppingAllocated / SteppingTicks, stepping.StepsTaken);
    }

    /// <summary>A robot that stands 0.3 s, is pushed and steps: exercises every stepping code path.</summary>
    private static void StepOnce()
    {
        var hardware = SimHardware.FlatGround();
        using var robot = SimulatedRobot.Create(BalanceFactory.CreateStepping(hardware), hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(300);
        PushScenario.Push(hardware, 0, SteppingPushNs);
        driver.Run(SteppingTicks);
    }

    /// <summary>The push that makes the controller step, N·s forward.</summary>
    public const double SteppingPushNs = 17;

    /// <summary>Ticks timed after that push: the capture step, the closing step and the settling before the standing law takes over.</summary>
    public const int SteppingTicks = 1400;

    /// <summary>Runs the pipeline 500 ticks and at least <see cref="JitWarmUp.Seconds"/> of wall time before anything is timed.</summary>
    private static void WarmUp(SimulatedTimeDriver driver) => JitWarmUp.Run(5, _ => driver.Run(100));
}
