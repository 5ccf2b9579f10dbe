using Robot.Core.Control;
using Robot.Core.Hardware;
using Robot.Runtime.Concurrency;
using Robot.Runtime.Policy;
using Robot.Sim.PickTask;

namespace Robot.Runtime.Execution;

/// <summary>
/// The whole-body controller of a picking humanoid: the lower-body controller (walking and
/// standing balance) writes every joint, then the right arm and its gripper are overwritten with
/// the upper body's targets (the policy, or a scripted reach). The legs never know what the arm
/// does; they feel it only through the measured state, as on hardware.
/// <para>Targets are set between ticks by the thread that steps the loop (<see cref="SetArm"/>),
/// or followed every tick from a <see cref="PolicyRunner"/>'s slot (<see cref="Follow"/>):
/// the 50 Hz policy targets interpolated at the loop's 1 kHz. <see cref="Update"/> allocates
/// nothing.</para>
/// </summary>
public sealed class ArmOverlayController : IJointController, IControllerTelemetry
{
    private readonly IJointController _lower;
    private readonly int[] _arm = new int[ArmKinematics.JointCount];
    private readonly int _gripper;
    private readonly double[] _target = new double[PickTaskEnvironment.StateWidth];
    private readonly double[] _feedForward = new double[ArmKinematics.JointCount];
    private readonly double[] _sample = new double[ArmVector.Length];
    private LatestValueSlot<PolicyTarget>? _policy;
    private bool _engaged;

    /// <param name="lower">The lower-body controller (writes every joint first).</param>
    /// <param name="jointNames">The robot's joints in command order.</param>
    public ArmOverlayController(IJointController lower, IReadOnlyList<string> jointNames)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(jointNames);
        _lower = lower;
        var names = jointNames.ToList();
        for (int i = 0; i < ArmKinematics.JointCount; i++)
        {
            _arm[i] = names.IndexOf(ArmKinematics.JointNames[i]);
            if (_arm[i] < 0)
            {
                throw new ArgumentException($"the robot has no joint '{ArmKinematics.JointNames[i]}'", nameof(jointNames));
            }
        }
        _gripper = names.IndexOf("right_gripper");
        if (_gripper < 0)
        {
            throw new ArgumentException("the robot has no joint 'right_gripper'", nameof(jointNames));
        }
    }

    /// <summary>True once <see cref="SetArm"/> was called: until then the lower-body controller's arm pose stands.</summary>
    public bool Engaged => _engaged;

    /// <summary>The arm target in force (7 joints, rad, then the gripper, m).</summary>
    public ReadOnlySpan<double> Target => _target;

    /// <summary>
    /// Sets the arm's targets: <paramref name="target"/> has 7 joint positions (rad) then the
    /// gripper opening (m); <paramref name="feedForward"/> the arm's gravity torques (N·m), or
    /// empty for none. Call between ticks.
    /// </summary>
    public void SetArm(ReadOnlySpan<double> target, ReadOnlySpan<double> feedForward)
    {
        if (target.Length != _target.Length)
        {
            throw new ArgumentException($"an arm target has {_target.Length} entries, not {target.Length}", nameof(target));
        }
        target.CopyTo(_target);
        if (feedForward.IsEmpty)
        {
            _feedForward.AsSpan().Clear();
        }
        else
        {
            feedForward[..ArmKinematics.JointCount].CopyTo(_feedForward);
        }
        _engaged = true;
    }

    /// <summary>
    /// Follows a policy runner's targets from the next tick on (null: stop following; the target
    /// in force stays). Each tick samples the latest target at the tick's time (the runner must
    /// be stepped on the loop's clock). A fault target is never commanded (<see cref="PolicyTarget.TrySample"/>
    /// refuses it, and a faulted runner publishes nothing after it): the arm holds the last good
    /// target. Call between ticks.
    /// </summary>
    public void Follow(LatestValueSlot<PolicyTarget>? targets)
    {
        _policy = targets;
        _engaged |= targets is not null;
    }

    /// <summary>True while the followed runner's latest target is a fault: the arm holds its last good target (the upper body's stop; the legs keep balancing).</summary>
    public bool PolicyFaulted => _policy is not null && _policy.TryRead(out PolicyTarget target, out _) && target.Fault;

    /// <summary>Sets the arm's gravity feed-forward torques (N·m, 7 joints) without touching the targets. Call between ticks.</summary>
    public void SetFeedForward(ReadOnlySpan<double> feedForward) => feedForward[..ArmKinematics.JointCount].CopyTo(_feedForward);

    /// <inheritdoc/>
    public LoopFault Update(in TickContext tick, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
    {
        LoopFault fault = _lower.Update(tick, measured, estimate, commands);
        if (!_engaged)
        {
            return fault;
        }
        if (_policy is not null && _policy.TryRead(out PolicyTarget target, out _) && target.TrySample(tick.Time, _sample))
        {
            _sample.CopyTo(_target, 0);
        }
        for (int i = 0; i < ArmKinematics.JointCount; i++)
        {
            commands[_arm[i]] = new JointCommand(_target[i], 0, PickTaskEnvironment.ArmKp[i], PickTaskEnvironment.ArmKd[i], _feedForward[i]);
        }
        commands[_gripper] = new JointCommand(_target[ArmKinematics.JointCount], 0, PickTaskEnvironment.GripperKp, PickTaskEnvironment.GripperKd, 0);
        return fault;
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> SignalNames => (_lower as IControllerTelemetry)?.SignalNames ?? [];

    /// <inheritdoc/>
    public void WriteSignals(Span<double> destination) => (_lower as IControllerTelemetry)?.WriteSignals(destination);
}
