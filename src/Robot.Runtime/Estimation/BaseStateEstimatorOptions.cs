namespace Robot.Runtime.Estimation;

/// <summary>Options of <see cref="BaseStateEstimator"/>; defaults suit a ~33 kg humanoid.</summary>
public sealed class BaseStateEstimatorOptions
{
    /// <summary>Ankle normal force above which a foot counts as in contact, N. Default 40 (≈ 12 % of body weight).</summary>
    public double ContactOnForce { get; set; } = 40;

    /// <summary>Ankle normal force below which a foot in contact counts as lifted, N. Default 20 (hysteresis).</summary>
    public double ContactOffForce { get; set; } = 20;

    /// <summary>Time constant blending the integrated accelerometer toward leg odometry, s. Default 0.03.</summary>
    public double OdometryTimeConstant { get; set; } = 0.03;

    /// <summary>Without odometry, the integrated velocity leaks toward zero with this time constant, s. Default 1.</summary>
    public double LeakTimeConstant { get; set; } = 1.0;

    /// <summary>Largest plausible gyro reading, rad/s. Default 35 (a 2000 °/s IMU's range).</summary>
    public double MaxAngularRate { get; set; } = 35;

    /// <summary>Largest plausible accelerometer reading, m/s². Default 157 (16 g).</summary>
    public double MaxAcceleration { get; set; } = 157;

    /// <summary>How far a joint may read beyond its limits before it is implausible, rad. Default 0.2.</summary>
    public double JointLimitMargin { get; set; } = 0.2;

    /// <summary>A joint speed above this multiple of its limit is implausible. Default 3.</summary>
    public double JointVelocityFactor { get; set; } = 3;

    /// <summary>
    /// Joints whose speed is not checked for plausibility (their position still is): gripper jaws,
    /// which snap shut at metres per second when a held object slips out — physics, not a sensor fault.
    /// </summary>
    public ISet<string> SpeedUncheckedJoints { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Largest tolerated deviation of the IMU quaternion's norm from 1. Default 0.05.</summary>
    public double QuaternionNormTolerance { get; set; } = 0.05;
}
