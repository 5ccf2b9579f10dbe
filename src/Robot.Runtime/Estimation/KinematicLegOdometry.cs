using Robot.Control.Kinematics;
using Robot.Core.Geometry;
using Robot.Core.Hardware;

namespace Robot.Runtime.Estimation;

/// <summary>
/// Pelvis velocity from leg kinematics: a sole in contact does not move, so the pelvis moves at
/// minus the rate of change of the pelvis-to-sole vector, d/dt(R·s(q)). That rate is computed
/// by evaluating the chain a short time ε ahead (<see cref="KinematicTree.UpdateAhead"/>). With both feet in contact the two estimates are averaged.
/// Allocation-free.
/// </summary>
public sealed class KinematicLegOdometry : ILegOdometry
{
    private const double Epsilon = 1e-3;
    private readonly KinematicTree _tree;
    private readonly int _leftFoot, _rightFoot;
    private readonly Vec3 _leftSole, _rightSole;

    /// <param name="tree">Whole-body kinematics (joint order = RobotState's).</param>
    /// <param name="leftFootBody">Name of the left foot body in the tree.</param>
    /// <param name="rightFootBody">Name of the right foot body.</param>
    /// <param name="leftSole">Left sole point in the left foot body's frame, m.</param>
    /// <param name="rightSole">Right sole point in the right foot body's frame, m.</param>
    public KinematicLegOdometry(KinematicTree tree, string leftFootBody, string rightFootBody, Vec3 leftSole, Vec3 rightSole)
    {
        _tree = tree;
        _leftFoot = tree.BodyIndex(leftFootBody);
        _rightFoot = tree.BodyIndex(rightFootBody);
        (_leftSole, _rightSole) = (leftSole, rightSole);
    }

    public bool TryPelvisVelocity(RobotState state, Quat orientation, Vec3 angularVelocity, bool leftContact, bool rightContact, out Vec3 velocity)
    {
        velocity = Vec3.Zero;
        if (!leftContact && !rightContact)
        {
            return false;
        }
        double[] q = state.JointPosition, qd = state.JointVelocity;
        _tree.Update(q, Vec3.Zero, orientation);
        Vec3 left = _tree.PointOn(_leftFoot, _leftSole), right = _tree.PointOn(_rightFoot, _rightSole);
        _tree.UpdateAhead(q, qd, Vec3.Zero, orientation, angularVelocity, Epsilon);
        Vec3 leftRate = (_tree.PointOn(_leftFoot, _leftSole) - left) / Epsilon;
        Vec3 rightRate = (_tree.PointOn(_rightFoot, _rightSole) - right) / Epsilon;
        velocity = leftContact && rightContact ? -0.5 * (leftRate + rightRate) : leftContact ? -leftRate : -rightRate;
        return true;
    }
}
