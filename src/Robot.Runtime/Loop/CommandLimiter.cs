using Robot.Core.Description;
using Robot.Core.Hardware;

namespace Robot.Runtime.Loop;

/// <summary>
/// The last stage before the write: clamps every command to the joint's position, velocity and
/// torque limits and scales target velocities by the allowed speed. A command that is not
/// finite is reported, never clamped into a number. Allocation-free.
/// </summary>
public sealed class CommandLimiter
{
    private readonly double[] _min, _max, _maxVelocity, _maxTorque;

    public CommandLimiter(RobotDescription robot)
    {
        int n = robot.JointCount;
        _min = new double[n];
        _max = new double[n];
        _maxVelocity = new double[n];
        _maxTorque = new double[n];
        for (int i = 0; i < n; i++)
        {
            JointDescription j = robot.Joints[i];
            (_min[i], _max[i], _maxVelocity[i], _maxTorque[i]) = (j.MinPosition, j.MaxPosition, j.MaxVelocity, j.MaxTorque);
        }
    }

    /// <summary>
    /// Clamps <paramref name="commands"/> in place. <paramref name="speedScale"/> in [0, 1]
    /// scales target velocities (the supervisor's speed limit). Returns the index of the first
    /// invalid command, or -1 when all are valid.
    /// </summary>
    public int Apply(Span<JointCommand> commands, double speedScale)
    {
        double scale = Math.Clamp(speedScale, 0, 1);
        for (int i = 0; i < commands.Length; i++)
        {
            ref JointCommand c = ref commands[i];
            if (!c.IsValid)
            {
                return i;
            }
            double v = scale * Math.Clamp(c.Velocity, -_maxVelocity[i], _maxVelocity[i]);
            c = new JointCommand(
                Math.Clamp(c.Position, _min[i], _max[i]),
                v,
                c.Kp,
                c.Kd,
                Math.Clamp(c.FeedForwardTorque, -_maxTorque[i], _maxTorque[i]));
        }
        return -1;
    }
}
