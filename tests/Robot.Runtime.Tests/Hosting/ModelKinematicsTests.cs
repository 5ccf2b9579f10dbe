using Robot.Control.Kinematics;
using Robot.Core.Geometry;
using Robot.Runtime.Hosting;
using Robot.Sim;
using Robot.Sim.MuJoCo;

namespace Robot.Runtime.Tests.Hosting;

/// <summary>Our kinematics (tree and closed-form legs) against MuJoCo's forward kinematics on the real model.</summary>
public class ModelKinematicsTests
{
    [Fact]
    public void KinematicTree_RandomConfigurations_MatchesMuJoCoComAndBodies()
    {
        using var hardware = SimHardware.FlatGround();
        MjSimulation sim = hardware.Simulation;
        HumanoidBinding binding = hardware.Binding;
        KinematicTree tree = ModelKinematics.Build(sim, binding.Description);
        Assert.Equal(hardware.RobotMass, tree.TotalMass, 9);
        int pelvis = sim.IdOf(MjObject.Body, HumanoidModel.PelvisBody);
        int leftFoot = sim.IdOf(MjObject.Body, "left_foot");
        var random = new Random(5);
        double[] q = new double[binding.Description.JointCount];
        for (int trial = 0; trial < 50; trial++)
        {
            Span<double> qpos = sim.Qpos();
            for (int i = 0; i < q.Length; i++)
            {
                var j = binding.Description.Joints[i];
                q[i] = j.MinPosition + (j.MaxPosition - j.MinPosition) * random.NextDouble();
                qpos[binding.QposAdr[i]] = q[i];
            }
            var basePos = new Vec3(random.NextDouble(), random.NextDouble(), 1 + random.NextDouble());
            Quat baseRot = Quat.FromAxisAngle(new Vec3(0.6, 0, 0.8), random.NextDouble() * 2 - 1);
            int b = binding.BaseQposAdr;
            (qpos[b], qpos[b + 1], qpos[b + 2]) = (basePos.X, basePos.Y, basePos.Z);
            (qpos[b + 3], qpos[b + 4], qpos[b + 5], qpos[b + 6]) = (baseRot.W, baseRot.X, baseRot.Y, baseRot.Z);
            // The mimic fingers are passive; put them at zero as the tree assumes.
            for (int j = 0; j < sim.JointCount; j++)
            {
                if (binding.Description.TryIndexOf(sim.Name(MjObject.Joint, j)) < 0 && sim.JntType[j] != (int)MjJointType.Free)
                {
                    qpos[sim.JntQposAdr[j]] = 0;
                }
            }
            sim.Forward();
            tree.Update(q, basePos, baseRot);
            ReadOnlySpan<double> com = sim.SubtreeCom;
            Assert.True((tree.Com - new Vec3(com[3 * pelvis], com[3 * pelvis + 1], com[3 * pelvis + 2])).Norm < 1e-9, $"trial {trial}: CoM differs");
            int foot = tree.BodyIndex("left_foot");
            ReadOnlySpan<double> xpos = sim.Xpos;
            Assert.True((tree.Position(foot) - new Vec3(xpos[3 * leftFoot], xpos[3 * leftFoot + 1], xpos[3 * leftFoot + 2])).Norm < 1e-9, $"trial {trial}: foot differs");
        }
    }

    [Fact]
    public void LegKinematics_RandomLegAngles_MatchMuJoCoSoleSites()
    {
        using var hardware = SimHardware.FlatGround();
        MjSimulation sim = hardware.Simulation;
        HumanoidBinding binding = hardware.Binding;
        int leftSole = sim.IdOf(MjObject.Site, HumanoidModel.LeftSoleSite), rightSole = sim.IdOf(MjObject.Site, HumanoidModel.RightSoleSite);
        int pelvis = sim.IdOf(MjObject.Body, HumanoidModel.PelvisBody);
        var random = new Random(9);
        double[] left = new double[6], right = new double[6];
        for (int trial = 0; trial < 200; trial++)
        {
            Span<double> qpos = sim.Qpos();
            for (int i = 0; i < 12; i++)
            {
                var j = binding.Description.Joints[i];
                double v = j.MinPosition + (j.MaxPosition - j.MinPosition) * random.NextDouble();
                qpos[binding.QposAdr[i]] = v;
                (i < 6 ? left : right)[i % 6] = v;
            }
            sim.Forward();
            ReadOnlySpan<double> site = sim.SiteXpos, xpos = sim.Xpos, xquat = sim.Xquat;
            var pelvisPos = new Vec3(xpos[3 * pelvis], xpos[3 * pelvis + 1], xpos[3 * pelvis + 2]);
            var pelvisRot = new Quat(xquat[4 * pelvis], xquat[4 * pelvis + 1], xquat[4 * pelvis + 2], xquat[4 * pelvis + 3]);
            foreach ((LegGeometry leg, double[] angles, int s) in new[] { (LegGeometry.WarehouseHumanoidLeft, left, leftSole), (LegGeometry.WarehouseHumanoidRight, right, rightSole) })
            {
                var (p, _) = LegKinematics.Forward(leg, angles);
                Vec3 expected = pelvisRot.Conjugate.Rotate(new Vec3(site[3 * s], site[3 * s + 1], site[3 * s + 2]) - pelvisPos);
                Assert.True((p - expected).Norm < 1e-6, $"trial {trial}: sole differs by {(p - expected).Norm} m");
            }
        }
    }
}
