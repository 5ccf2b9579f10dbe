using Robot.Control.Balance;
using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Sim;

namespace Robot.Runtime.Scenarios;

/// <summary>One push of a bump sequence and what the controller did about it.</summary>
/// <param name="Index">1 for the first push.</param>
/// <param name="TimeS">When it started, s after the robot stood up.</param>
/// <param name="DirectionDeg">Push direction, degrees (0 = forward, 90 = left).</param>
/// <param name="ImpulseNs">Impulse on the pelvis, N·s.</param>
/// <param name="Steps">Steps taken to recover between this push and the next one (or the end, or the fall).</param>
/// <param name="SquaringSteps">Steps taken in that time to square the stance up again (<see cref="CaptureStepOptions.SquareUp"/>).</param>
public sealed record Bump(int Index, double TimeS, double DirectionDeg, double ImpulseNs, int Steps, int SquaringSteps);

/// <summary>How a run of random pushes ended.</summary>
/// <param name="Bumps">Every push applied, in order (the last one is the one it fell or faulted after, if it did).</param>
/// <param name="Survived">Pushes the robot stood through until the next one (or until the end).</param>
/// <param name="Fell">Whether the robot fell (pelvis below 0.55 m or tilted past 25°).</param>
/// <param name="EndedAtS">When the run ended: at the fall or the fault, or <paramref name="IntervalS"/> after the last push, s.</param>
/// <param name="Fault">The loop fault latched, if any (<c>None</c> otherwise).</param>
/// <param name="ControllerStatus">The balance controller's status at the end.</param>
/// <param name="PelvisDropM">How far the pelvis ended below where it first stood, m.</param>
/// <param name="StartSoleDistanceM">How far apart the soles stood before the first push, m.</param>
/// <param name="EndSoleDistanceM">How far apart they stood at the end, m (pushes the standing law stops slide them).</param>
/// <param name="Squaring">Whether the controller squared the stance up after pushes.</param>
/// <param name="IntervalS">Time between pushes, s.</param>
/// <param name="MinImpulseNs">Smallest impulse drawn, N·s.</param>
/// <param name="MaxImpulseNs">Largest impulse drawn, N·s.</param>
/// <param name="Seed">Seed of the pushes' directions and impulses.</param>
/// <param name="DomainSeed">Seed of the model's perturbation, or null for the nominal model.</param>
public sealed record BumpResult(IReadOnlyList<Bump> Bumps, int Survived, bool Fell, double EndedAtS, string Fault, string ControllerStatus,
    double PelvisDropM, double StartSoleDistanceM, double EndSoleDistanceM, bool Squaring, double IntervalS, double MinImpulseNs, double MaxImpulseNs, int Seed, int? DomainSeed)
{
    /// <summary>Whether the robot stood through every push.</summary>
    public bool SurvivedAll => Survived == Bumps.Count && !Fell && Fault == nameof(LoopFault.None);
}

/// <summary>
/// A shift on the warehouse floor in miniature: the standing humanoid (balance controller with
/// capture stepping, flat ground) is pushed at the pelvis again and again, every
/// <c>interval</c> seconds, each time in a random direction with a random impulse between two
/// bounds (uniform, from a seed: the same seed gives the same run). Single pushes from rest
/// (<see cref="PushScenario"/>) do not show what a robot left by its last recovery does with
/// the next push: a stance left low, off-centre, narrowed by feet that slid, or with the DCM at
/// a sole's edge. The run ends
/// at the first fall or fault, or one interval after the last push.
/// </summary>
public static class BumpScenario
{
    /// <summary>Shortest time between pushes, s (a capture step, a closing step and the settling take about 1.2 s).</summary>
    public const double MinInterval = 1;

    /// <summary>Longest time between pushes, s.</summary>
    public const double MaxInterval = 30;

    /// <summary>Most pushes in a run.</summary>
    public const int MaxCount = 1000;

    /// <summary>Largest impulse that can be asked for, N·s (twice the largest 1-step bound).</summary>
    public const double MaxImpulse = 60;

    /// <summary>Runs <paramref name="count"/> pushes, one every <paramref name="interval"/> s.</summary>
    /// <param name="count">Number of pushes, 1–<see cref="MaxCount"/>.</param>
    /// <param name="interval">Time between pushes, <see cref="MinInterval"/>–<see cref="MaxInterval"/> s.</param>
    /// <param name="minImpulse">Smallest impulse, N·s (&gt; 0).</param>
    /// <param name="maxImpulse">Largest impulse, N·s (≥ <paramref name="minImpulse"/>, ≤ <see cref="MaxImpulse"/>).</param>
    /// <param name="seed">Seed of the directions and impulses (≥ 0).</param>
    /// <param name="domainSeed">Perturb the simulated model with this seed (<see cref="SimHardware.RandomizeDomain"/>); null: the nominal model.</param>
    /// <param name="progress">Receives a line per push, when given.</param>
    /// <param name="squaring">Whether the controller squares the stance up after pushes (<see cref="CaptureStepOptions.SquareUp"/>).</param>
    public static BumpResult Run(int count, double interval, double minImpulse, double maxImpulse, int seed, int? domainSeed = null, Action<string>? progress = null,
        bool squaring = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        if (!(interval >= MinInterval && interval <= MaxInterval))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, $"the interval must be in [{MinInterval}, {MaxInterval}] s");
        }
        if (!(minImpulse > 0 && minImpulse <= maxImpulse && maxImpulse <= MaxImpulse))
        {
            throw new ArgumentOutOfRangeException(nameof(maxImpulse), maxImpulse, $"the impulses must satisfy 0 < min ({minImpulse}) ≤ max ≤ {MaxImpulse} N·s");
        }
        var hardware = SimHardware.FlatGround();
        if (domainSeed is int perturbation)
        {
            hardware.RandomizeDomain(perturbation);
        }
        CaptureStepController controller = BalanceFactory.CreateStepping(hardware, step: new CaptureStepOptions { SquareUp = squaring });
        using var robot = SimulatedRobot.Create(controller, hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        driver.Run(1000);
        double startHeight = PushScenario.PelvisHeight(hardware), startSoles = hardware.SoleDistance();
        var random = new Random(seed);
        var bumps = new List<Bump>();
        int ticksPerInterval = (int)Math.Round(interval * 1000);
        bool fell = false;
        double ended = 0;
        for (int i = 1; i <= count && !fell && robot.Pipeline.Fault == LoopFault.None; i++)
        {
            double direction = 360 * random.NextDouble(), impulse = minImpulse + (maxImpulse - minImpulse) * random.NextDouble();
            double t = (i - 1) * interval;
            (int stepsBefore, int squaringBefore) = (controller.StepsTaken, controller.SquaringSteps);
            PushScenario.Push(hardware, direction, impulse);
            int k = 0;
            for (; k < ticksPerInterval; k++)
            {
                driver.Run(1);
                if (PushScenario.HasFallen(hardware))
                {
                    fell = true;
                    break;
                }
                if (robot.Pipeline.Fault != LoopFault.None)
                {
                    break;
                }
            }
            ended = t + Math.Min(k + 1, ticksPerInterval) / 1000.0;
            var bump = new Bump(i, t, direction, impulse, controller.StepsTaken - stepsBefore, controller.SquaringSteps - squaringBefore);
            bumps.Add(bump);
            progress?.Invoke($"push {i} at {t:F1} s: {direction:F0}°, {impulse:F1} N·s, {bump.Steps} steps, {bump.SquaringSteps} squaring{(fell ? ", fell" : "")}");
        }
        LoopFault fault = robot.Pipeline.Fault;
        int survived = bumps.Count - (fell || fault != LoopFault.None ? 1 : 0);
        return new BumpResult(bumps, survived, fell, ended, fault.ToString(), controller.Status.ToString(),
            startHeight - PushScenario.PelvisHeight(hardware), startSoles, hardware.SoleDistance(), squaring, interval, minImpulse, maxImpulse, seed, domainSeed);
    }
}
