using Robot.Control.Balance;
using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Sim;
using Robot.Sim.Scenarios;

namespace Robot.Runtime.Scenarios;

/// <summary>What the balance controller recovered from in one push direction.</summary>
/// <param name="DirectionDeg">Push direction, degrees (0 = forward, 90 = left).</param>
/// <param name="RecoveredImpulseNs">Largest impulse on the pelvis recovered from with every smaller one on the sweep's grid recovered too, N·s.</param>
/// <param name="FailedImpulseNs">The first impulse on the grid that made the robot fall, N·s (one grid step above the recovered one); null when none did up to twice the 1-step bound.</param>
/// <param name="ZeroStepBoundNs">Capturability bound without a step, N·s.</param>
/// <param name="OneStepBoundNs">Capturability bound with one step, N·s.</param>
/// <param name="RatioToZeroStep">Recovered / 0-step bound.</param>
/// <param name="RatioToOneStep">Recovered / 1-step bound.</param>
/// <param name="ReachableOneStepBoundNs">
/// One-step bound for a step our legs can take from double support (CoP on the stance sole during
/// the swing, no crossover; <see cref="CapturabilityDirection.ReachableOneStepImpulseNs"/>), N·s.
/// </param>
/// <param name="RatioToReachableOneStep">Recovered / reachable 1-step bound.</param>
/// <param name="LongestStepM">
/// The soles' largest distance apart, centre to centre, with both feet down, in the push recovered at
/// <paramref name="RecoveredImpulseNs"/>: the recovery's longest step, m (the stance width when it
/// took none).
/// </param>
/// <param name="BoundStepLengthM">
/// The longest step ℓ_max the bounds assume, m. Where <paramref name="LongestStepM"/> is longer,
/// the robot stepped farther than its yardstick allows for.
/// </param>
public sealed record PushDirectionResult(double DirectionDeg, double RecoveredImpulseNs, double? FailedImpulseNs, double ZeroStepBoundNs, double OneStepBoundNs,
    double RatioToZeroStep, double RatioToOneStep, double ReachableOneStepBoundNs, double RatioToReachableOneStep, double LongestStepM, double BoundStepLengthM);

/// <summary>One push from rest.</summary>
/// <param name="Recovered">Whether the robot stood 3 s after it, with no fault.</param>
/// <param name="WidestStanceM">The soles' largest distance apart, centre to centre, with both feet on the ground, from the push on, m.</param>
public sealed record PushTrial(bool Recovered, double WidestStanceM);

/// <summary>Push recovery in every direction, with the bounds it is judged against.</summary>
/// <param name="Directions">Per direction.</param>
/// <param name="PushDurationS">Each push lasts this long (a constant force of impulse / duration), s.</param>
/// <param name="ResolutionNs">Grid step of the sweep, N·s.</param>
/// <param name="Controller">What recovered: the strategies the controller used.</param>
/// <param name="DomainSeed">
/// Seed of the model's perturbation (<see cref="SimHardware.RandomizeDomain"/>: friction and body
/// masses scaled), or null for the nominal model. The controller and the bounds keep the nominal model.
/// </param>
public sealed record PushResult(IReadOnlyList<PushDirectionResult> Directions, double PushDurationS, double ResolutionNs, string Controller, int? DomainSeed = null)
{
    /// <summary>Ratio to the 1-step bound the issue targets in every direction.</summary>
    public const double TargetRatioToOneStep = 0.9;

    /// <summary>Whether every direction recovered at least the 0-step bound.</summary>
    public bool MeetsZeroStepBound => Directions.All(d => d.RatioToZeroStep >= 1);

    /// <summary>Whether every direction recovered at least 0.9 of the 1-step bound.</summary>
    public bool MeetsOneStepTarget => Directions.All(d => d.RatioToOneStep >= TargetRatioToOneStep);

    /// <summary>
    /// Whether every direction recovered at least 0.9 of the 1-step bound for a step our legs can
    /// take (<see cref="PushDirectionResult.ReachableOneStepBoundNs"/>): the same ratio against
    /// what these legs can reach, beside Koolen's bound, which assumes longer steps and crossovers.
    /// </summary>
    public bool MeetsReachableOneStepTarget => Directions.All(d => d.RatioToReachableOneStep >= TargetRatioToOneStep);
}

/// <summary>
/// Pushes the standing humanoid (balance controller with capture stepping, flat ground, no
/// noise) at the pelvis from rest, in each direction, with impulses growing on a grid until the
/// first fall: the largest impulse recovered is one below which every push on the grid was
/// recovered too. (A bisection would assume that recovery is monotone in the impulse; with
/// stepping it is not quite: the 0.5 N·s sweep at 45° falls at 21 N·s but recovers 21.5–25.)
/// It recovers when, 3 s after the push, it has neither fallen (pelvis below 0.55 m or tilted
/// past 25°) nor faulted. Each trial starts from a fresh simulation, so trials are independent
/// and deterministic.
/// </summary>
public static class PushScenario
{
    /// <summary>Sweeps <paramref name="directions"/> evenly spread directions.</summary>
    /// <param name="directions">Number of directions, 1–36.</param>
    /// <param name="resolution">Grid step of the sweep, 0.1–5 N·s.</param>
    /// <param name="progress">Receives a line per trial, when given.</param>
    /// <param name="domainSeed">Perturb the simulated model with this seed (<see cref="SimHardware.RandomizeDomain"/>); null: the nominal model.</param>
    public static PushResult Run(int directions, double resolution = DefaultResolution, Action<string>? progress = null, int? domainSeed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(directions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(directions, 36);
        if (!(resolution >= MinResolution && resolution <= MaxResolution))
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, $"the resolution must be in [{MinResolution}, {MaxResolution}] N·s");
        }
        CapturabilityResult bounds = CapturabilityReport.Compute(directions, CapturabilityReport.DefaultMaxStepLength, CapturabilityReport.DefaultMinStepTime);
        var results = new List<PushDirectionResult>();
        foreach (CapturabilityDirection bound in bounds.Directions)
        {
            double recovered = 0, longestStep = 0;
            double? failed = null;
            // Twice the 1-step bound ends a sweep that never falls (no controller should get there).
            for (int k = 1; k * resolution <= 2 * bound.OneStepImpulseNs; k++)
            {
                double trial = k * resolution;
                PushTrial pushed = Trial(bound.DirectionDeg, trial, domainSeed: domainSeed);
                progress?.Invoke($"push {bound.DirectionDeg:F0}°: {trial:F1} N·s {(pushed.Recovered ? "recovered" : "fell")}");
                if (!pushed.Recovered)
                {
                    failed = trial;
                    break;
                }
                (recovered, longestStep) = (trial, pushed.WidestStanceM);
            }
            results.Add(new PushDirectionResult(bound.DirectionDeg, recovered, failed, bound.ZeroStepImpulseNs, bound.OneStepImpulseNs,
                recovered / bound.ZeroStepImpulseNs, recovered / bound.OneStepImpulseNs, bound.ReachableOneStepImpulseNs, recovered / bound.ReachableOneStepImpulseNs,
                longestStep, bounds.MaxStepLengthM));
        }
        return new PushResult(results, PushDuration, resolution, "standing balance (ankle strategy: pelvis shift against the DCM error, the desired ZMP split between the feet with gravity feed-forward; hip strategy: torso lean and arm swing towards the DCM's escape) and, when they are not enough, a capture step to the predicted DCM and a closing step", domainSeed);
    }

    /// <summary>Default grid step of the sweep, N·s.</summary>
    public const double DefaultResolution = 0.5;

    /// <summary>Finest grid step, N·s.</summary>
    public const double MinResolution = 0.1;

    /// <summary>Coarsest grid step, N·s.</summary>
    public const double MaxResolution = 5;

    /// <summary>Length of each push, s.</summary>
    public const double PushDuration = 0.05;

    /// <summary>Whether the robot recovers from <paramref name="impulse"/> N·s towards <paramref name="directionDeg"/>.</summary>
    /// <param name="directionDeg">Push direction, degrees (0 = forward, 90 = left).</param>
    /// <param name="impulse">Impulse on the pelvis, N·s, over <see cref="PushDuration"/>.</param>
    /// <param name="options">The standing law's options (default: the shipped ones).</param>
    /// <param name="stepping">Whether the controller may step (false: the standing law alone).</param>
    /// <param name="domainSeed">Perturb the simulated model with this seed (<see cref="SimHardware.RandomizeDomain"/>); null: the nominal model.</param>
    public static bool Recovers(double directionDeg, double impulse, StandingBalanceOptions? options = null, bool stepping = true, int? domainSeed = null) =>
        Trial(directionDeg, impulse, options, stepping, domainSeed).Recovered;

    /// <summary>One push from rest (see <see cref="Recovers"/>), and how far apart it put the soles.</summary>
    /// <param name="directionDeg">Push direction, degrees (0 = forward, 90 = left).</param>
    /// <param name="impulse">Impulse on the pelvis, N·s, over <see cref="PushDuration"/>.</param>
    /// <param name="options">The standing law's options (default: the shipped ones).</param>
    /// <param name="stepping">Whether the controller may step (false: the standing law alone).</param>
    /// <param name="domainSeed">Perturb the simulated model with this seed (<see cref="SimHardware.RandomizeDomain"/>); null: the nominal model.</param>
    public static PushTrial Trial(double directionDeg, double impulse, StandingBalanceOptions? options = null, bool stepping = true, int? domainSeed = null)
    {
        var hardware = SimHardware.FlatGround();
        if (domainSeed is int seed)
        {
            hardware.RandomizeDomain(seed);
        }
        IJointController controller = stepping ? BalanceFactory.CreateStepping(hardware, options) : BalanceFactory.Create(hardware, options);
        using var robot = SimulatedRobot.Create(controller, hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(1000);
        Push(hardware, directionDeg, impulse);
        double widest = hardware.SoleDistance();
        for (int k = 0; k < 3000; k++)
        {
            driver.Run(1);
            // Only with both feet down (the base estimator's contacts): a swinging foot passes beyond where it lands.
            if (robot.Pipeline.Estimate is { LeftContact: true, RightContact: true })
            {
                widest = Math.Max(widest, hardware.SoleDistance());
            }
            if (HasFallen(hardware))
            {
                return new PushTrial(false, widest);
            }
        }
        return new PushTrial(robot.Pipeline.Fault == LoopFault.None, widest);
    }

    /// <summary>Starts a push of <paramref name="impulse"/> N·s on the pelvis towards <paramref name="directionDeg"/> (0 = forward, 90 = left), over <see cref="PushDuration"/>.</summary>
    internal static void Push(SimHardware hardware, double directionDeg, double impulse)
    {
        double a = directionDeg * Math.PI / 180;
        hardware.Impulse(HumanoidModel.PelvisBody, impulse * Math.Cos(a), impulse * Math.Sin(a), 0, PushDuration);
    }

    /// <summary>Whether the robot is down: the pelvis below 0.55 m or tilted past 25° (<see cref="IdleScenario"/>'s criteria).</summary>
    internal static bool HasFallen(SimHardware hardware) =>
        PelvisHeight(hardware) < IdleScenario.MinPelvisHeight || hardware.PelvisTilt > IdleScenario.MaxTilt;

    /// <summary>The pelvis's height above the floor, m.</summary>
    internal static double PelvisHeight(SimHardware hardware)
    {
        Span<double> pelvis = stackalloc double[3];
        Span<double> quat = stackalloc double[4];
        hardware.GetPelvisPose(pelvis, quat);
        return pelvis[2];
    }
}
