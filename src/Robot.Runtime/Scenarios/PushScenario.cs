using Robot.Control.Balance;
using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Sim;

namespace Robot.Runtime.Scenarios;

/// <summary>What the balance controller recovered from in one push direction.</summary>
/// <param name="DirectionDeg">Push direction, degrees (0 = forward, 90 = left).</param>
/// <param name="RecoveredImpulseNs">Largest impulse on the pelvis recovered from (bisection lower end), N·s.</param>
/// <param name="FailedImpulseNs">Smallest impulse found that made the robot fall (bisection upper end), N·s.</param>
/// <param name="ZeroStepBoundNs">Capturability bound without a step, N·s.</param>
/// <param name="OneStepBoundNs">Capturability bound with one step, N·s.</param>
/// <param name="RatioToZeroStep">Recovered / 0-step bound.</param>
/// <param name="RatioToOneStep">Recovered / 1-step bound.</param>
/// <param name="ReachableOneStepBoundNs">
/// One-step bound for a step our legs can take from double support (CoP on the stance sole during
/// the swing, no crossover; <see cref="CapturabilityDirection.ReachableOneStepImpulseNs"/>), N·s.
/// </param>
/// <param name="RatioToReachableOneStep">Recovered / reachable 1-step bound.</param>
public sealed record PushDirectionResult(double DirectionDeg, double RecoveredImpulseNs, double FailedImpulseNs, double ZeroStepBoundNs, double OneStepBoundNs,
    double RatioToZeroStep, double RatioToOneStep, double ReachableOneStepBoundNs, double RatioToReachableOneStep);

/// <summary>Push recovery in every direction, with the bounds it is judged against.</summary>
/// <param name="Directions">Per direction.</param>
/// <param name="PushDurationS">Each push lasts this long (a constant force of impulse / duration), s.</param>
/// <param name="Iterations">Bisection steps per direction.</param>
/// <param name="Controller">What recovered: the strategies the controller used.</param>
public sealed record PushResult(IReadOnlyList<PushDirectionResult> Directions, double PushDurationS, int Iterations, string Controller)
{
    /// <summary>Ratio to the 1-step bound the issue targets in every direction.</summary>
    public const double TargetRatioToOneStep = 0.9;

    /// <summary>Whether every direction recovered at least the 0-step bound.</summary>
    public bool MeetsZeroStepBound => Directions.All(d => d.RatioToZeroStep >= 1);

    /// <summary>Whether every direction recovered at least 0.9 of the 1-step bound.</summary>
    public bool MeetsOneStepTarget => Directions.All(d => d.RatioToOneStep >= TargetRatioToOneStep);
}

/// <summary>
/// Pushes the standing humanoid (balance controller, flat ground, no noise) at the pelvis from
/// rest, in each direction, and finds by bisection the largest impulse it recovers from: it
/// recovers when, 3 s after the push, it has neither fallen (pelvis below 0.55 m or tilted past
/// 25°) nor faulted. Each trial starts from a fresh simulation, so trials are independent and
/// deterministic.
/// </summary>
public static class PushScenario
{
    /// <summary>Runs the bisection in <paramref name="directions"/> evenly spread directions.</summary>
    /// <param name="directions">Number of directions, 1–36.</param>
    /// <param name="iterations">Bisection steps per direction, 1–20.</param>
    /// <param name="progress">Receives a line per trial, when given.</param>
    public static PushResult Run(int directions, int iterations = 7, Action<string>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(directions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(directions, 36);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, 20);
        CapturabilityResult bounds = CapturabilityReport.Compute(directions, CapturabilityReport.DefaultMaxStepLength, CapturabilityReport.DefaultMinStepTime);
        var results = new List<PushDirectionResult>();
        foreach (CapturabilityDirection bound in bounds.Directions)
        {
            double low = 0, high = 2 * bound.OneStepImpulseNs;
            for (int i = 0; i < iterations; i++)
            {
                double trial = (low + high) / 2;
                bool recovered = Recovers(bound.DirectionDeg, trial);
                progress?.Invoke($"push {bound.DirectionDeg:F0}°: {trial:F1} N·s {(recovered ? "recovered" : "fell")}");
                if (recovered)
                {
                    low = trial;
                }
                else
                {
                    high = trial;
                }
            }
            results.Add(new PushDirectionResult(bound.DirectionDeg, low, high, bound.ZeroStepImpulseNs, bound.OneStepImpulseNs,
                low / bound.ZeroStepImpulseNs, low / bound.OneStepImpulseNs, bound.ReachableOneStepImpulseNs, low / bound.ReachableOneStepImpulseNs));
        }
        return new PushResult(results, PushDuration, iterations, "standing balance: ankle strategy (pelvis shift against the DCM error, the desired ZMP split between the feet with gravity feed-forward) and hip strategy (torso lean and arm swing towards the DCM's escape); no stepping yet");
    }

    /// <summary>Length of each push, s.</summary>
    public const double PushDuration = 0.05;

    /// <summary>Whether the robot recovers from <paramref name="impulse"/> N·s towards <paramref name="directionDeg"/>.</summary>
    /// <param name="directionDeg">Push direction, degrees (0 = forward, 90 = left).</param>
    /// <param name="impulse">Impulse on the pelvis, N·s, over <see cref="PushDuration"/>.</param>
    /// <param name="options">The balance controller's options (default: the shipped ones).</param>
    public static bool Recovers(double directionDeg, double impulse, StandingBalanceOptions? options = null)
    {
        var hardware = SimHardware.FlatGround();
        StandingBalanceController controller = BalanceFactory.Create(hardware, options);
        using var robot = SimulatedRobot.Create(controller, hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(1000);
        double a = directionDeg * Math.PI / 180;
        hardware.Impulse("pelvis", impulse * Math.Cos(a), impulse * Math.Sin(a), 0, PushDuration);
        Span<double> pelvis = stackalloc double[3];
        Span<double> quat = stackalloc double[4];
        for (int k = 0; k < 3000; k++)
        {
            driver.Run(1);
            hardware.GetPelvisPose(pelvis, quat);
            if (pelvis[2] < 0.55 || hardware.PelvisTilt > 0.436)
            {
                return false;
            }
        }
        return robot.Pipeline.Fault == LoopFault.None;
    }
}
