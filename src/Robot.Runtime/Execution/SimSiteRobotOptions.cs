using Robot.Control.Locomotion;
using Robot.Runtime.Safety;

namespace Robot.Runtime.Execution;

/// <summary>Options of <see cref="SimSiteRobot"/>; validated when the robot is built.</summary>
public sealed record SimSiteRobotOptions
{
    /// <summary>Where the robot starts, site frame: x, y (m) and heading (degrees).</summary>
    public (double X, double Y, double YawDeg) Start { get; init; }

    /// <summary>Seed of the boxes' sizes, masses and poses on their boards.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// The upper-body policy folder (policy.json + model.safetensors) that picks; null picks with
    /// the scripted inverse-kinematics reach instead (the demonstrator the policy learned from).
    /// </summary>
    public string? PolicyDirectory { get; init; }

    /// <summary>Simulated seconds per wall second; 0 runs as fast as the machine can (tests, CI).</summary>
    public double RealTimeFactor { get; init; }

    /// <summary>The supervisor link; null runs without a supervisor (no stops but the robot's own).</summary>
    public SafetyLink? Safety { get; init; }

    /// <summary>Fill the telemetry ring every tick (for an MCAP recorder).</summary>
    public bool Telemetry { get; init; }

    /// <summary>Longest pick attempt before it counts as failed, simulated s.</summary>
    public double PickTimeoutSeconds { get; init; } = 14;

    /// <summary>
    /// The gait of every walk (a supervisor speed limit shortens its steps): by default
    /// <see cref="CarryGait"/>, not the faster default gait.
    /// </summary>
    public GaitOptions Gait { get; init; } = CarryGait;

    /// <summary>
    /// A slower, shallower gait for a robot that carries a box in one hand: 0.22 m steps every
    /// 0.55 s (0.4 m/s) with the pelvis 5 cm lower, against the default's 0.26 m every 0.5 s 10 cm
    /// lower. Measured on the demo site (scripted picks of slots s1–s3, seed 1): with this gait 3 of 3
    /// boxes reached the tote; with the default gait the robot fell twice while backing away from the
    /// shelf with the box and lost the third on the way.
    /// </summary>
    public static GaitOptions CarryGait { get; } = new()
    {
        MaxStepLength = 0.22,
        SwingTime = 0.45,
        InitialDoubleSupportTime = 0.8,
        FinalDoubleSupportTime = 0.8,
        WalkingHeightDrop = 0.05,
    };

    /// <summary>
    /// Largest heading change per step while a box is held, rad: the gait's full turn rate can
    /// swing a box held in one hand out of the grasp (measured: a box lost on the 6th step of a 100°
    /// turn on the spot at 0.25 rad per step; 3 of 3 delivered at 0.12).
    /// </summary>
    public double CarryTurnPerStep { get; init; } = 0.12;

    /// <summary>Every problem, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!double.IsFinite(Start.X) || !double.IsFinite(Start.Y) || !double.IsFinite(Start.YawDeg))
        {
            errors.Add($"Start: expected finite numbers, got ({Start.X}, {Start.Y}, {Start.YawDeg})");
        }
        if (!(RealTimeFactor >= 0) || RealTimeFactor > 100)
        {
            errors.Add($"RealTimeFactor: expected 0 (as fast as possible) to 100, got {RealTimeFactor}");
        }
        if (!(PickTimeoutSeconds >= 2) || PickTimeoutSeconds > 120)
        {
            errors.Add($"PickTimeoutSeconds: expected 2 to 120 s, got {PickTimeoutSeconds}");
        }
        errors.AddRange(Gait.Validate().Select(e => "Gait." + e));
        if (!(CarryTurnPerStep >= 0.01) || CarryTurnPerStep > Gait.MaxTurnPerStep)
        {
            errors.Add($"CarryTurnPerStep: expected 0.01 rad up to the gait's {Gait.MaxTurnPerStep} rad, got {CarryTurnPerStep}");
        }
        if (PolicyDirectory is not null && !Directory.Exists(PolicyDirectory))
        {
            errors.Add($"PolicyDirectory: no folder {PolicyDirectory}");
        }
        return errors;
    }
}
