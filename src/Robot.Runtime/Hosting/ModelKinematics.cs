using Robot.Control.Kinematics;
using Robot.Core.Description;
using Robot.Core.Geometry;
using Robot.Sim;
using Robot.Sim.MuJoCo;

namespace Robot.Runtime.Hosting;

/// <summary>
/// Reads the robot's rigid-body tree out of MuJoCo's compiled model (body offsets, rotations,
/// joint axes, masses, CoM offsets) into a <see cref="KinematicTree"/> the controllers evaluate
/// on their own. MuJoCo parses the MJCF once; the tick never calls into it for kinematics.
/// </summary>
public static class ModelKinematics
{
    /// <summary>Builds the tree of the bodies under the robot's floating base, joints mapped to <paramref name="robot"/>'s order.</summary>
    /// <exception cref="InvalidOperationException">The model has a body with more than one joint, or a ball joint, under the base.</exception>
    public static KinematicTree Build(MjSimulation sim, RobotDescription robot, string baseBody = HumanoidModel.PelvisBody)
    {
        int root = sim.IdOf(MjObject.Body, baseBody);
        if (root < 0)
        {
            throw new InvalidOperationException($"model {sim.Source} has no body '{baseBody}'");
        }
        ReadOnlySpan<int> parentId = sim.BodyParentId, rootId = sim.BodyRootId, jntBody = sim.JntBodyId, jntType = sim.JntType;
        ReadOnlySpan<double> pos = sim.BodyPos, quat = sim.BodyQuat, ipos = sim.BodyIpos, axis = sim.JntAxis;
        Span<double> mass = sim.BodyMass;
        var index = new Dictionary<int, int>();
        var parents = new List<int>();
        var offsets = new List<Vec3>();
        var rotations = new List<Quat>();
        var joints = new List<int>();
        var slides = new List<bool>();
        var axes = new List<Vec3>();
        var masses = new List<double>();
        var coms = new List<Vec3>();
        var names = new List<string>();
        for (int b = 0; b < sim.BodyCount; b++)
        {
            if (rootId[b] != root)
            {
                continue;
            }
            int joint = -1;
            bool slide = false;
            Vec3 jointAxis = Vec3.Zero;
            for (int j = 0; j < sim.JointCount; j++)
            {
                if (jntBody[j] != b || jntType[j] == (int)MjJointType.Free)
                {
                    continue;
                }
                if (jntType[j] == (int)MjJointType.Ball || joint != -1)
                {
                    throw new InvalidOperationException($"body '{sim.Name(MjObject.Body, b)}' has a ball joint or more than one joint; the kinematic tree supports one hinge or slide per body");
                }
                joint = robot.TryIndexOf(sim.Name(MjObject.Joint, j));
                slide = jntType[j] == (int)MjJointType.Slide;
                jointAxis = new Vec3(axis[3 * j], axis[3 * j + 1], axis[3 * j + 2]);
                if (joint < 0)
                {
                    // A passive joint (a mimic finger): held at zero, see KinematicTree.
                    jointAxis = Vec3.Zero;
                }
            }
            index[b] = names.Count;
            parents.Add(b == root ? -1 : index[parentId[b]]);
            offsets.Add(b == root ? Vec3.Zero : new Vec3(pos[3 * b], pos[3 * b + 1], pos[3 * b + 2]));
            rotations.Add(b == root ? Quat.Identity : new Quat(quat[4 * b], quat[4 * b + 1], quat[4 * b + 2], quat[4 * b + 3]));
            joints.Add(joint);
            slides.Add(slide);
            axes.Add(jointAxis);
            masses.Add(mass[b]);
            coms.Add(new Vec3(ipos[3 * b], ipos[3 * b + 1], ipos[3 * b + 2]));
            names.Add(sim.Name(MjObject.Body, b));
        }
        return new KinematicTree([.. parents], [.. offsets], [.. rotations], [.. joints], [.. slides], [.. axes], [.. masses], [.. coms], [.. names]);
    }
}
