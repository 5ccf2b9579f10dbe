namespace Robot.Core.Hardware;

/// <summary>
/// Everything the hardware reports in one tick. Preallocated once for a robot description and
/// filled in place by <see cref="IRobotHardware.Read"/>: no allocation per tick.
/// </summary>
public sealed class RobotState
{
    public RobotState(int jointCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(jointCount);
        JointPosition = new double[jointCount];
        JointVelocity = new double[jointCount];
        JointTorque = new double[jointCount];
    }

    /// <summary>Hardware time of this sample, s (simulation time, or a monotonic clock).</summary>
    public double Time { get; set; }

    /// <summary>Joint positions, rad; length = joint count, order = RobotDescription.Joints.</summary>
    public double[] JointPosition { get; }

    /// <summary>Joint velocities, rad/s; length = joint count.</summary>
    public double[] JointVelocity { get; }

    /// <summary>Measured (or applied) joint torques, N·m; length = joint count.</summary>
    public double[] JointTorque { get; }

    /// <summary>Pelvis IMU orientation, quaternion w, x, y, z (w first), site frame.</summary>
    public double[] ImuOrientation { get; } = [1, 0, 0, 0];

    /// <summary>Pelvis IMU angular velocity, rad/s, IMU frame (x, y, z).</summary>
    public double[] ImuGyro { get; } = new double[3];

    /// <summary>Pelvis IMU specific force, m/s², IMU frame (x, y, z); ≈ (0, 0, 9.81) at rest.</summary>
    public double[] ImuAccelerometer { get; } = new double[3];

    /// <summary>Left ankle force/torque: fx, fy, fz (N), tx, ty, tz (N·m), sensor frame: the force the shank exerts on the foot (fz negative under load).</summary>
    public double[] LeftFootWrench { get; } = new double[6];

    /// <summary>Right ankle force/torque: fx, fy, fz (N), tx, ty, tz (N·m), sensor frame: the force the shank exerts on the foot (fz negative under load).</summary>
    public double[] RightFootWrench { get; } = new double[6];

    /// <summary>Copies every field of <paramref name="other"/> into this instance without allocating.</summary>
    public void CopyFrom(RobotState other)
    {
        Time = other.Time;
        other.JointPosition.CopyTo(JointPosition, 0);
        other.JointVelocity.CopyTo(JointVelocity, 0);
        other.JointTorque.CopyTo(JointTorque, 0);
        other.ImuOrientation.CopyTo(ImuOrientation, 0);
        other.ImuGyro.CopyTo(ImuGyro, 0);
        other.ImuAccelerometer.CopyTo(ImuAccelerometer, 0);
        other.LeftFootWrench.CopyTo(LeftFootWrench, 0);
        other.RightFootWrench.CopyTo(RightFootWrench, 0);
    }
}
