using Robot.Control.Balance;
using Robot.Control.Kinematics;
using Robot.Core.Description;
using Robot.Core.Geometry;
using Robot.Sim;

namespace Robot.Runtime.Hosting;

/// <summary>
/// What the leg controllers (standing and walking) take from the compiled model: the whole-body
/// kinematics, the default stance, the LIPM height (that stance's CoM above the soles) and the
/// joint limits.
/// </summary>
/// <param name="Tree">Whole-body kinematics, last updated in the stance pose.</param>
/// <param name="Pose">The default stance, rad per joint.</param>
/// <param name="ComHeight">CoM height above the soles in that stance, m.</param>
/// <param name="MinPosition">Joint lower limits.</param>
/// <param name="MaxPosition">Joint upper limits.</param>
/// <param name="MaxTorque">Joint torque limits, N·m.</param>
internal sealed record StanceModel(KinematicTree Tree, double[] Pose, double ComHeight, double[] MinPosition, double[] MaxPosition, double[] MaxTorque)
{
    /// <summary>The stance model of <paramref name="hardware"/>'s robot, with the soles of <paramref name="legs"/>.</summary>
    public static StanceModel Of(SimHardware hardware, StandingBalanceOptions legs)
    {
        RobotDescription robot = hardware.Description;
        KinematicTree tree = ModelKinematics.Build(hardware.Simulation, robot);
        double[] pose = SimulatedRobot.StandPose();
        tree.Update(pose, Vec3.Zero, Quat.Identity);
        Vec3 sole = tree.PointOn(tree.BodyIndex(legs.LeftFootBody), legs.LeftLeg.AnkleToSole);
        return new StanceModel(tree, pose, tree.Com.Z - sole.Z,
            [.. robot.Joints.Select(j => j.MinPosition)], [.. robot.Joints.Select(j => j.MaxPosition)], [.. robot.Joints.Select(j => j.MaxTorque)]);
    }
}
