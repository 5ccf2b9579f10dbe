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
        if (PolicyDirectory is not null && !Directory.Exists(PolicyDirectory))
        {
            errors.Add($"PolicyDirectory: no folder {PolicyDirectory}");
        }
        return errors;
    }
}
