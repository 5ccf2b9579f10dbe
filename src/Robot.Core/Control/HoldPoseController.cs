using Robot.Core.Geometry;
using Robot.Core.Hardware;

namespace Robot.Core.Control;

/// <summary>
/// Holds every joint at a fixed pose with PD gains (what a driver board does with a constant
/// goal). The simplest controller the loop can run: bring-up, the idle scenario, and the base
/// line the balance controller is compared against. Allocation-free.
/// </summary>
public sealed class HoldPoseController : IJointController
{
    private readonly double[] _pose, _kp, _kd;

    /// <param name="pose">Target joint positions, rad; length = joint count.</param>
    /// <param name="kp">Position gains, N·m/rad; length = joint count.</param>
    /// <param name="kd">Damping gains, N·m·s/rad; length = joint count.</param>
    public HoldPoseController(ReadOnlySpan<double> pose, ReadOnlySpan<double> kp, ReadOnlySpan<double> kd)
    {
        if (pose.Length != kp.Length || pose.Length != kd.Length)
        {
            throw new ArgumentException($"pose ({pose.Length}), kp ({kp.Length}) and kd ({kd.Length}) must have one entry per joint");
        }
        _pose = pose.ToArray();
        _kp = kp.ToArray();
        _kd = kd.ToArray();
    }

    public LoopFault Update(in TickContext tick, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
    {
        for (int i = 0; i < commands.Length; i++)
        {
            commands[i] = new JointCommand(_pose[i], 0, _kp[i], _kd[i], 0);
        }
        return LoopFault.None;
    }
}
