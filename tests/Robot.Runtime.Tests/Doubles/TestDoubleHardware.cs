using Robot.Core.Description;
using Robot.Core.Hardware;

namespace Robot.Runtime.Tests.Doubles;

/// <summary>
/// A test double of the hardware for fast pipeline tests: each joint is a unit inertia driven by
/// the driver law (JointDrive), the IMU reads upright and at rest, both feet carry half the
/// weight. Faults that MuJoCo cannot produce on demand (NaN readings, failed reads, refused
/// writes) are injected through its properties. Allocation-free, like real hardware must be.
/// </summary>
public sealed class TestDoubleHardware : IRobotHardware
{
    private readonly double[] _q, _qd, _tau;
    private double _time;

    public TestDoubleHardware(int joints = 6)
    {
        Description = new RobotDescription("double", Enumerable.Range(0, joints)
            .Select(i => new JointDescription($"j{i}", -2, 2, 10, 100)).ToArray());
        _q = new double[joints];
        _qd = new double[joints];
        _tau = new double[joints];
    }

    public RobotDescription Description { get; }
    public HardwareLifecycle Lifecycle { get; private set; }
    public bool FailReads { get; set; }
    public bool RefuseWrites { get; set; }
    /// <summary>When ≥ 0, that joint reads NaN.</summary>
    public int NaNJoint { get; set; } = -1;
    public double[] ImuOrientation { get; } = [1, 0, 0, 0];
    public double[] Position => _q;
    public int Writes { get; private set; }
    public JointCommand LastCommand0 { get; private set; }

    public void Configure() => Lifecycle = HardwareLifecycle.Configured;
    public void Activate() => Lifecycle = HardwareLifecycle.Active;
    public void Deactivate() => Lifecycle = HardwareLifecycle.Configured;
    public void Dispose() { }

    public bool Read(RobotState state)
    {
        if (FailReads)
        {
            return false;
        }
        state.Time = _time;
        _q.CopyTo(state.JointPosition, 0);
        _qd.CopyTo(state.JointVelocity, 0);
        _tau.CopyTo(state.JointTorque, 0);
        if (NaNJoint >= 0)
        {
            state.JointPosition[NaNJoint] = double.NaN;
        }
        ImuOrientation.CopyTo(state.ImuOrientation, 0);
        state.ImuGyro.AsSpan().Clear();
        state.ImuAccelerometer[0] = 0;
        state.ImuAccelerometer[1] = 0;
        state.ImuAccelerometer[2] = 9.81;
        state.LeftFootWrench[2] = -160; // under load: the shank pushes the foot down
        state.RightFootWrench[2] = -160;
        return true;
    }

    public bool Write(ReadOnlySpan<JointCommand> commands, double period)
    {
        if (RefuseWrites || Lifecycle != HardwareLifecycle.Active)
        {
            return false;
        }
        Writes++;
        LastCommand0 = commands[0];
        for (int i = 0; i < _q.Length; i++)
        {
            _tau[i] = JointDrive.Torque(commands[i], _q[i], _qd[i], 100);
            _qd[i] += _tau[i] * period;
            _q[i] += _qd[i] * period;
        }
        _time += period;
        return true;
    }
}
