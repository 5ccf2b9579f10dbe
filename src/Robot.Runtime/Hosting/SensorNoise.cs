using Robot.Core.Description;
using Robot.Core.Hardware;

namespace Robot.Runtime.Hosting;

/// <summary>Standard deviations of the sensor noise <see cref="NoisyHardware"/> adds. Defaults are those of typical robot sensors.</summary>
public sealed record SensorNoise
{
    /// <summary>Joint encoder noise, rad. Default 0.0005 (a 14-bit encoder's quantisation, with margin).</summary>
    public double JointPosition { get; init; } = 0.0005;

    /// <summary>Joint velocity noise, rad/s. Default 0.02.</summary>
    public double JointVelocity { get; init; } = 0.02;

    /// <summary>Gyro noise, rad/s. Default 0.005.</summary>
    public double Gyro { get; init; } = 0.005;

    /// <summary>Accelerometer noise, m/s². Default 0.05.</summary>
    public double Accelerometer { get; init; } = 0.05;

    /// <summary>Orientation noise (small-angle, per axis), rad. Default 0.002.</summary>
    public double Orientation { get; init; } = 0.002;

    /// <summary>Ankle force noise, N. Default 2.</summary>
    public double Force { get; init; } = 2;
}

/// <summary>
/// Wraps hardware and adds seeded Gaussian noise to every sensor reading, so controllers are
/// tested against what real sensors deliver. Allocation-free; the same seed gives the same noise.
/// </summary>
public sealed class NoisyHardware : IRobotHardware
{
    private readonly IRobotHardware _inner;
    private readonly SensorNoise _noise;
    private readonly Random _random;

    public NoisyHardware(IRobotHardware inner, SensorNoise noise, int seed)
    {
        _inner = inner;
        _noise = noise;
        _random = new Random(seed);
    }

    public RobotDescription Description => _inner.Description;
    public HardwareLifecycle Lifecycle => _inner.Lifecycle;
    public bool KeepsOwnTime => _inner.KeepsOwnTime;
    public void Configure() => _inner.Configure();
    public void Activate() => _inner.Activate();
    public void Deactivate() => _inner.Deactivate();
    public void Dispose() => _inner.Dispose();
    public bool Write(ReadOnlySpan<JointCommand> commands, double period) => _inner.Write(commands, period);

    public bool Read(RobotState state)
    {
        if (!_inner.Read(state))
        {
            return false;
        }
        for (int i = 0; i < state.JointPosition.Length; i++)
        {
            state.JointPosition[i] += Gaussian(_noise.JointPosition);
            state.JointVelocity[i] += Gaussian(_noise.JointVelocity);
        }
        for (int i = 0; i < 3; i++)
        {
            state.ImuGyro[i] += Gaussian(_noise.Gyro);
            state.ImuAccelerometer[i] += Gaussian(_noise.Accelerometer);
            state.LeftFootWrench[i] += Gaussian(_noise.Force);
            state.RightFootWrench[i] += Gaussian(_noise.Force);
        }
        // Small rotation noise: q ← q ⊗ (1, δ/2), renormalised.
        double[] q = state.ImuOrientation;
        double dx = Gaussian(_noise.Orientation) / 2, dy = Gaussian(_noise.Orientation) / 2, dz = Gaussian(_noise.Orientation) / 2;
        double w = q[0] - q[1] * dx - q[2] * dy - q[3] * dz;
        double x = q[1] + q[0] * dx + q[2] * dz - q[3] * dy;
        double y = q[2] + q[0] * dy + q[3] * dx - q[1] * dz;
        double z = q[3] + q[0] * dz + q[1] * dy - q[2] * dx;
        double n = Math.Sqrt(w * w + x * x + y * y + z * z);
        (q[0], q[1], q[2], q[3]) = (w / n, x / n, y / n, z / n);
        return true;
    }

    private double Gaussian(double sigma)
    {
        if (sigma == 0)
        {
            return 0;
        }
        // Box–Muller.
        double u1 = 1.0 - _random.NextDouble(), u2 = _random.NextDouble();
        return sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}

/// <summary>Named noise settings.</summary>
public static class SensorNoiseProfiles
{
    /// <summary>Perfect sensors.</summary>
    public static SensorNoise None { get; } = new() { JointPosition = 0, JointVelocity = 0, Gyro = 0, Accelerometer = 0, Orientation = 0, Force = 0 };
}
