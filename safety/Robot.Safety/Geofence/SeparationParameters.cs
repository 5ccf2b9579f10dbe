namespace Robot.Safety.Geofence;

/// <summary>
/// Parameters of the ISO/TS 15066 protective separation distance
/// S_p = S_h + S_r + S_s + C + Z_d + Z_r (see <see cref="ProtectiveSeparation"/>).
/// </summary>
/// <param name="PersonSpeed">v_h, approach speed of a person, m/s. Default 1.6 (ISO 13855 walking speed).</param>
/// <param name="IntrusionAllowance">C, how far a body part can reach past detection, metres. Default 0.85.</param>
/// <param name="SensingUncertainty">Z_d, position uncertainty of the person sensing, metres. Default 0.1.</param>
/// <param name="RobotUncertainty">Z_r, position uncertainty of the robot, metres. Default 0.05.</param>
/// <param name="SensingLatency">Response time of the sensing chain added to the robot's reaction time, seconds. Default 0.09 (two 40 ms scans plus 10 ms output).</param>
public sealed record SeparationParameters(
    double PersonSpeed = SeparationParameters.DefaultPersonSpeed,
    double IntrusionAllowance = SeparationParameters.DefaultIntrusionAllowance,
    double SensingUncertainty = SeparationParameters.DefaultSensingUncertainty,
    double RobotUncertainty = SeparationParameters.DefaultRobotUncertainty,
    double SensingLatency = SeparationParameters.DefaultSensingLatency)
{
    public const double DefaultPersonSpeed = 1.6;
    public const double DefaultIntrusionAllowance = 0.85;
    public const double DefaultSensingUncertainty = 0.1;
    public const double DefaultRobotUncertainty = 0.05;
    public const double DefaultSensingLatency = 0.09;

    /// <summary>The defaults above.</summary>
    public static SeparationParameters Default { get; } = new();
}
