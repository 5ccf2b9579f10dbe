using System.Diagnostics;
using Robot.Core.Hardware;

namespace Robot.Sim.Scenarios;

/// <summary>Outcome of <see cref="IdleScenario"/>.</summary>
/// <param name="Scene">"warehouse" or "flat".</param>
/// <param name="Seconds">Simulated time actually run, s.</param>
/// <param name="Upright">True when the pelvis stayed above <see cref="IdleScenario.MinPelvisHeight"/> and within <see cref="IdleScenario.MaxTilt"/> of vertical the whole time.</param>
/// <param name="FellAtSeconds">When it first was not upright, s; null when it never fell.</param>
/// <param name="MinPelvisHeightM">Lowest pelvis height seen, m.</param>
/// <param name="MaxTiltRad">Largest pelvis tilt seen, rad.</param>
/// <param name="ComHeightStartM">CoM height at the start, m.</param>
/// <param name="ComHeightEndM">CoM height at the end, m.</param>
/// <param name="ComHorizontalDriftM">Horizontal distance the CoM moved, m.</param>
/// <param name="WallSeconds">Wall-clock time of the run, s.</param>
/// <param name="RealtimeFactor">Simulated seconds per wall second.</param>
public sealed record IdleResult(string Scene, double Seconds, bool Upright, double? FellAtSeconds, double MinPelvisHeightM, double MaxTiltRad,
    double ComHeightStartM, double ComHeightEndM, double ComHorizontalDriftM, double WallSeconds, double RealtimeFactor);

/// <summary>
/// The passive sanity run: every joint is held by the driver PD at the default stance (stance
/// gains of <see cref="HumanoidModel.Joints"/>, no feed-forward, no balance controller), the
/// pelvis is free, control at 1 kHz. A sane model stands still.
/// </summary>
public static class IdleScenario
{
    /// <summary>Below this pelvis height (m) the robot counts as fallen.</summary>
    public const double MinPelvisHeight = 0.55;

    /// <summary>Beyond this pelvis tilt (rad, 25°) the robot counts as fallen.</summary>
    public const double MaxTilt = 0.436;

    /// <summary>Runs for <paramref name="seconds"/> of simulated time.</summary>
    public static IdleResult Run(SimHardware hardware, double seconds, string scene)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        hardware.Configure();
        hardware.Activate();
        JointCommand[] commands = SimHardware.StandingCommands();
        double period = hardware.Timestep;
        Span<double> com = stackalloc double[3];
        Span<double> pelvis = stackalloc double[3];
        Span<double> quat = stackalloc double[4];
        hardware.GetCenterOfMass(com);
        double comX0 = com[0], comY0 = com[1], comZ0 = com[2];
        double minHeight = double.MaxValue, maxTilt = 0;
        double? fellAt = null;
        var clock = Stopwatch.StartNew();
        long steps = (long)Math.Round(seconds / period);
        for (long i = 0; i < steps; i++)
        {
            if (!hardware.Write(commands, period))
            {
                throw new InvalidOperationException($"the idle run stopped: {hardware.LastError}");
            }
            hardware.GetPelvisPose(pelvis, quat);
            double tilt = hardware.PelvisTilt;
            minHeight = Math.Min(minHeight, pelvis[2]);
            maxTilt = Math.Max(maxTilt, tilt);
            if (fellAt is null && (pelvis[2] < MinPelvisHeight || tilt > MaxTilt))
            {
                fellAt = hardware.Simulation.Time;
            }
        }
        double wall = clock.Elapsed.TotalSeconds;
        hardware.GetCenterOfMass(com);
        double drift = Math.Sqrt((com[0] - comX0) * (com[0] - comX0) + (com[1] - comY0) * (com[1] - comY0));
        double simulated = Math.Round(hardware.Simulation.Time, 9);
        hardware.Deactivate();
        return new IdleResult(scene, simulated, fellAt is null, fellAt, minHeight, maxTilt, comZ0, com[2], drift, wall, simulated / Math.Max(wall, 1e-9));
    }
}
