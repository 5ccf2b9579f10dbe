using Robot.Control.Kinematics;
using Robot.Core.Geometry;
using Robot.Core.Hardware;

namespace Robot.Control.Balance;

/// <summary>
/// The joint commands the balance controllers write: every joint at its default pose, the legs
/// from closed-form IK with their feed-forward, and the hip strategy's torso lean and arm swing
/// on top. One place for what the standing law and the stepping controller both send.
/// Allocates nothing.
/// </summary>
internal sealed class JointTargets
{
    private readonly double[] _pose, _kp, _kd, _min, _max;
    private readonly double[] _legTargets = new double[6];
    private readonly int _leftFirst, _rightFirst, _waistRoll, _waistPitch;
    private readonly int[] _shoulders;
    private readonly double _pitchGain, _rollGain, _armGain, _maxLean, _maxArmSwing;

    /// <param name="defaultPose">Pose of every joint, rad.</param>
    /// <param name="kp">Joint stiffness, N·m/rad.</param>
    /// <param name="kd">Joint damping, N·m·s/rad.</param>
    /// <param name="minPosition">Joint lower limits, rad.</param>
    /// <param name="maxPosition">Joint upper limits, rad.</param>
    /// <param name="options">Leg joint ranges and the hip strategy's joints and gains (already validated).</param>
    public JointTargets(double[] defaultPose, double[] kp, double[] kd, double[] minPosition, double[] maxPosition, StandingBalanceOptions options)
    {
        (_pose, _kp, _kd, _min, _max) = ((double[])defaultPose.Clone(), (double[])kp.Clone(), (double[])kd.Clone(), (double[])minPosition.Clone(), (double[])maxPosition.Clone());
        (_leftFirst, _rightFirst) = (options.LeftLegFirstJoint, options.RightLegFirstJoint);
        (_waistRoll, _waistPitch, _shoulders) = (options.WaistRollJoint, options.WaistPitchJoint, [.. options.ShoulderPitchJoints!]);
        (_pitchGain, _rollGain, _armGain) = (options.TorsoPitchGain, options.TorsoRollGain, options.ArmSwingGain);
        (_maxLean, _maxArmSwing) = (options.MaxTorsoLean, options.MaxArmSwing);
    }

    /// <summary>Whether <paramref name="joint"/> is one of the legs' joints, given each leg's first joint.</summary>
    public static bool IsLegJoint(int joint, int leftFirst, int rightFirst) =>
        (joint >= leftFirst && joint < leftFirst + 6) || (joint >= rightFirst && joint < rightFirst + 6);

    /// <summary>Whether <paramref name="joint"/> is one of the legs' joints.</summary>
    public bool IsLeg(int joint) => IsLegJoint(joint, _leftFirst, _rightFirst);

    /// <summary>Every joint to its default pose, without feed-forward: what a faulted tick sends, and where every tick starts.</summary>
    public void HoldPose(Span<JointCommand> commands)
    {
        for (int i = 0; i < commands.Length; i++)
        {
            commands[i] = new JointCommand(_pose[i], 0, _kp[i], _kd[i], 0);
        }
    }

    /// <summary>
    /// One leg's joints from the IK of the sole pose in the pelvis frame, clamped to the joint
    /// limits (the default pose for a non-finite target), with their feed-forward torques and the
    /// stance gains scaled by <paramref name="stiffness"/> and <paramref name="damping"/>.
    /// </summary>
    public LegIkResult SolveLeg(LegGeometry leg, Vec3 soleInPelvis, Quat soleOrientation, int first, ReadOnlySpan<double> feedForward,
        Span<JointCommand> commands, double stiffness = 1, double damping = 1)
    {
        LegIkResult result = LegKinematics.Inverse(leg, soleInPelvis, soleOrientation, _legTargets, _min.AsSpan(first, 6), _max.AsSpan(first, 6));
        for (int j = 0; j < 6; j++)
        {
            int i = first + j;
            double target = result == LegIkResult.InvalidInput ? _pose[i] : Math.Clamp(_legTargets[j], _min[i], _max[i]);
            commands[i] = new JointCommand(target, 0, stiffness * _kp[i], damping * _kd[i], feedForward[i]);
        }
        return result;
    }

    /// <summary>
    /// The hip strategy: how far the DCM is past the deadband along x and y (m, signed) turns into
    /// a torso lean and an arm swing the same way (pitch forward for a DCM escaping forward; roll
    /// towards the side it escapes to), on top of the default pose. Returns the lean (pitch, roll), rad.
    /// </summary>
    public (double Pitch, double Roll) Lean(double pastX, double pastY, Span<JointCommand> commands)
    {
        // Positive pitch (about +y) turns the head forward (+x); negative roll (about +x) turns it left (+y).
        double pitch = Math.Clamp(_pitchGain * pastX, -_maxLean, _maxLean);
        double roll = Math.Clamp(-_rollGain * pastY, -_maxLean, _maxLean);
        // Shoulder pitch turns the arms about +y too: the same sense as the torso's forward lean.
        double armSwing = Math.Clamp(_armGain * pastX, -_maxArmSwing, _maxArmSwing);
        Offset(_waistPitch, pitch, commands);
        Offset(_waistRoll, roll, commands);
        foreach (int shoulder in _shoulders)
        {
            Offset(shoulder, armSwing, commands);
        }
        return (pitch, roll);
    }

    private void Offset(int joint, double angle, Span<JointCommand> commands) =>
        commands[joint] = new JointCommand(Math.Clamp(_pose[joint] + angle, _min[joint], _max[joint]), 0, _kp[joint], _kd[joint], 0);
}
