using Robot.Core.Control;
using Robot.Core.Description;
using Robot.Core.Geometry;
using Robot.Core.Hardware;
using Robot.Runtime.Loop;

namespace Robot.Runtime.Estimation;

/// <summary>
/// Estimates the floating base each tick: orientation and angular velocity from the IMU, linear
/// velocity from the accelerometer blended with leg odometry (a complementary filter), foot
/// contact from the ankle force sensors with hysteresis. Before using anything it checks every
/// input: a NaN or implausible value yields a fault code, never a number passed on.
/// <see cref="Update"/> runs in the tick: it allocates nothing and takes no lock.
/// </summary>
public sealed class BaseStateEstimator
{
    private static readonly Vec3 s_gravity = new(0, 0, 9.81);

    private readonly double[] _minPosition;
    private readonly double[] _maxPosition;
    private readonly double[] _maxVelocity;
    private readonly double _contactOn, _contactOff, _odometryTau, _leakTau, _maxRate, _maxAccel, _quatTolerance;
    private readonly ILegOdometry? _odometry;
    private bool _left, _right;
    private Vec3 _velocity;

    public BaseStateEstimator(RobotDescription robot, BaseStateEstimatorOptions options, ILegOdometry? odometry = null)
    {
        int n = robot.JointCount;
        _minPosition = new double[n];
        _maxPosition = new double[n];
        _maxVelocity = new double[n];
        for (int i = 0; i < n; i++)
        {
            JointDescription j = robot.Joints[i];
            _minPosition[i] = j.MinPosition - options.JointLimitMargin;
            _maxPosition[i] = j.MaxPosition + options.JointLimitMargin;
            _maxVelocity[i] = options.SpeedUncheckedJoints.Contains(j.Name) ? double.PositiveInfinity : j.MaxVelocity * options.JointVelocityFactor;
        }
        _contactOn = options.ContactOnForce;
        _contactOff = options.ContactOffForce;
        _odometryTau = options.OdometryTimeConstant;
        _leakTau = options.LeakTimeConstant;
        _maxRate = options.MaxAngularRate;
        _maxAccel = options.MaxAcceleration;
        _quatTolerance = options.QuaternionNormTolerance;
        _odometry = odometry;
    }

    /// <summary>Forgets the filter state (after a fault, or when the robot is placed somewhere new).</summary>
    public void Reset()
    {
        _left = _right = false;
        _velocity = Vec3.Zero;
    }

    /// <summary>Estimates the base from <paramref name="state"/>, <paramref name="dt"/> seconds after the previous call.</summary>
    public BaseEstimate Update(RobotState state, double dt)
    {
        LoopFault fault = Check(state, out int detail);
        if (fault != LoopFault.None)
        {
            return new BaseEstimate(Quat.Identity, Vec3.Zero, _velocity, _left, _right, fault, detail);
        }

        Quat q = Quat.From(state.ImuOrientation).Normalized();
        Vec3 omega = q.Rotate(Vec3.From(state.ImuGyro));
        // The ankle sensor measures the force the shank exerts on the foot: its z is negative when
        // the foot carries load (a standing robot reads about −155 N per foot). Before this sign,
        // no contact was ever seen on the real model, only on hand-made test states.
        _left = Contact(_left, -state.LeftFootWrench[2]);
        _right = Contact(_right, -state.RightFootWrench[2]);

        // Predict with the accelerometer (specific force rotated to the site frame, minus gravity's reaction).
        Vec3 acceleration = q.Rotate(Vec3.From(state.ImuAccelerometer)) - s_gravity;
        Vec3 predicted = _velocity + dt * acceleration;
        if (_odometry is not null && _odometry.TryPelvisVelocity(state, q, omega, _left, _right, out Vec3 kinematic) && kinematic.IsFinite)
        {
            double alpha = dt / (_odometryTau + dt);
            _velocity = predicted + alpha * (kinematic - predicted);
        }
        else
        {
            _velocity = predicted * (1 - dt / (_leakTau + dt));
        }
        return new BaseEstimate(q, omega, _velocity, _left, _right, LoopFault.None, -1);
    }

    private bool Contact(bool wasInContact, double normalForce) =>
        wasInContact ? normalForce > _contactOff : normalForce > _contactOn;

    private LoopFault Check(RobotState state, out int detail)
    {
        double[] q = state.JointPosition, qd = state.JointVelocity;
        for (int i = 0; i < q.Length; i++)
        {
            detail = i;
            if (!double.IsFinite(q[i]) || !double.IsFinite(qd[i]))
            {
                return LoopFault.SensorNotFinite;
            }
            if (q[i] < _minPosition[i] || q[i] > _maxPosition[i] || Math.Abs(qd[i]) > _maxVelocity[i])
            {
                return LoopFault.SensorOutOfRange;
            }
        }
        // Sensor channels after the joints: 0 = IMU quaternion, 1 = gyro, 2 = accelerometer, 3/4 = left/right wrench.
        detail = q.Length;
        var orientation = Quat.From(state.ImuOrientation);
        if (!orientation.IsFinite)
        {
            return LoopFault.SensorNotFinite;
        }
        if (Math.Abs(orientation.Norm - 1) > _quatTolerance)
        {
            return LoopFault.SensorOutOfRange;
        }
        detail = q.Length + 1;
        Vec3 gyro = Vec3.From(state.ImuGyro);
        if (!gyro.IsFinite)
        {
            return LoopFault.SensorNotFinite;
        }
        if (gyro.Norm > _maxRate)
        {
            return LoopFault.SensorOutOfRange;
        }
        detail = q.Length + 2;
        Vec3 accel = Vec3.From(state.ImuAccelerometer);
        if (!accel.IsFinite)
        {
            return LoopFault.SensorNotFinite;
        }
        if (accel.Norm > _maxAccel)
        {
            return LoopFault.SensorOutOfRange;
        }
        detail = q.Length + 3;
        if (!AllFinite(state.LeftFootWrench))
        {
            return LoopFault.SensorNotFinite;
        }
        detail = q.Length + 4;
        if (!AllFinite(state.RightFootWrench))
        {
            return LoopFault.SensorNotFinite;
        }
        detail = -1;
        return LoopFault.None;
    }

    private static bool AllFinite(double[] values)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }
        return true;
    }
}
