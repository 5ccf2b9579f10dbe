namespace Robot.Core.Hardware;

/// <summary>
/// The control law of a joint driver board: PD plus feed-forward, saturated at the motor's
/// torque limit. The simulation applies exactly this through torque actuators, so a controller
/// sees the same behaviour in MuJoCo as on a real board.
/// </summary>
public static class JointDrive
{
    /// <summary>
    /// Torque, N·m, the driver applies for <paramref name="command"/> at measured position
    /// <paramref name="q"/> (rad) and velocity <paramref name="qd"/> (rad/s), clamped to
    /// ±<paramref name="torqueLimit"/> (N·m). Allocation-free; safe to call every tick.
    /// </summary>
    public static double Torque(in JointCommand command, double q, double qd, double torqueLimit)
    {
        double tau = command.Kp * (command.Position - q)
                   + command.Kd * (command.Velocity - qd)
                   + command.FeedForwardTorque;
        return Math.Clamp(tau, -torqueLimit, torqueLimit);
    }
}
