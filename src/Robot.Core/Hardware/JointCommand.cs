namespace Robot.Core.Hardware;

/// <summary>
/// One joint's command, shaped like a real motor driver board's: the driver computes
/// τ = kp·(position − q) + kd·(velocity − q̇) + feedForwardTorque and saturates it.
/// </summary>
/// <param name="Position">Target position, rad.</param>
/// <param name="Velocity">Target velocity, rad/s.</param>
/// <param name="Kp">Position gain, N·m/rad (≥ 0).</param>
/// <param name="Kd">Velocity gain, N·m·s/rad (≥ 0).</param>
/// <param name="FeedForwardTorque">Feed-forward torque, N·m.</param>
public readonly record struct JointCommand(double Position, double Velocity, double Kp, double Kd, double FeedForwardTorque)
{
    /// <summary>A command that applies no torque at all (a limp joint).</summary>
    public static JointCommand Limp => default;

    /// <summary>True when every field is finite and both gains are non-negative.</summary>
    public bool IsValid =>
        double.IsFinite(Position) && double.IsFinite(Velocity) && double.IsFinite(FeedForwardTorque)
        && double.IsFinite(Kp) && double.IsFinite(Kd) && Kp >= 0 && Kd >= 0;
}
