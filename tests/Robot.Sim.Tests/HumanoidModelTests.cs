using Robot.Core.Description;
using Robot.Sim.MuJoCo;

namespace Robot.Sim.Tests;

public class HumanoidModelTests
{
    private static string RobotXml => File.ReadAllText(SimModels.Humanoid);

    [Fact]
    public void RobotFile_LoadsAlone()
    {
        using var sim = MjSimulation.LoadXml(SimModels.Humanoid);
        Assert.Equal(31, sim.Nu);
        Assert.Equal(39, sim.Nv); // 6 floating base + 31 actuated + 2 mirrored fingers
        Assert.Equal(0.001, sim.Timestep);
    }

    [Fact]
    public void Bind_ShippedModel_GivesTheDocumentedOrderAndLimits()
    {
        using var sim = HumanoidModel.LoadFlatGround();
        HumanoidBinding binding = HumanoidModel.Bind(sim);
        RobotDescription d = binding.Description;
        Assert.Equal(31, d.JointCount);
        Assert.Equal(HumanoidModel.Joints.Select(j => j.Name), d.Joints.Select(j => j.Name));
        Assert.Equal(0, d.IndexOf("left_hip_yaw"));
        Assert.Equal(3, d.IndexOf("left_knee"));
        Assert.Equal(9, d.IndexOf("right_knee"));
        Assert.Equal(12, d.IndexOf("waist_yaw"));
        Assert.Equal(29, d.IndexOf("left_gripper"));
        JointDescription knee = d.Joints[3];
        Assert.Equal((-0.087, 2.88, 139.0), (knee.MinPosition, knee.MaxPosition, knee.MaxTorque));
        // Torque limits of shared/reference/balance.md.
        Assert.Equal(88, d.Joints[d.IndexOf("left_hip_pitch")].MaxTorque);
        Assert.Equal(139, d.Joints[d.IndexOf("right_hip_roll")].MaxTorque);
        Assert.Equal(50, d.Joints[d.IndexOf("left_ankle_roll")].MaxTorque);
        Assert.Equal(25, d.Joints[d.IndexOf("right_elbow")].MaxTorque);
        Assert.Equal(5, d.Joints[d.IndexOf("left_wrist_yaw")].MaxTorque);
        Assert.Equal(0, binding.BaseQposAdr);
    }

    [Fact]
    public void Model_HasG1LikeMassAndCentreOfMass()
    {
        using var hardware = SimHardware.FlatGround();
        hardware.Configure();
        Assert.InRange(hardware.RobotMass, 30, 40);
        Span<double> com = stackalloc double[3];
        hardware.GetCenterOfMass(com);
        Assert.InRange(com[2], 0.65, 0.75);
        // CoM over the support polygon: between the soles, inside the feet's length.
        Span<double> left = stackalloc double[3];
        Span<double> right = stackalloc double[3];
        Span<double> rot = stackalloc double[9];
        hardware.GetSolePose(true, left, rot);
        hardware.GetSolePose(false, right, rot);
        Assert.Equal(0, left[2], 9);
        Assert.Equal(0, right[2], 9);
        Assert.Equal(1, rot[8], 9); // feet flat
        Assert.InRange(com[0], left[0] - 0.09, left[0] + 0.09);
        Assert.InRange(com[1], right[1], left[1]);
        // The soles stand side by side: their distance is the stance width.
        Assert.Equal(left[1] - right[1], hardware.SoleDistance(), 9);
        Assert.InRange(hardware.SoleDistance(), 0.15, 0.25);
    }

    [Fact]
    public void Bind_ModelWithAnUnexpectedActuatedJoint_NamesIt()
    {
        string xml = SceneComposer.FlatGround(RobotXml)
            .Replace("<geom name=\"head\" type=\"sphere\" size=\"0.075\" pos=\"0 0 0.44\" />",
                "<body name=\"neck\" pos=\"0 0 0.38\"><joint name=\"neck_yaw\" axis=\"0 0 1\" range=\"-1 1\"/><geom name=\"head\" type=\"sphere\" size=\"0.075\" pos=\"0 0 0.06\"/></body>", StringComparison.Ordinal)
            .Replace("</actuator>", "<motor name=\"neck_yaw\" joint=\"neck_yaw\" ctrlrange=\"-5 5\"/></actuator>", StringComparison.Ordinal);
        Assert.Contains("neck_yaw", xml, StringComparison.Ordinal);
        using var sim = MjSimulation.LoadXmlString(xml, "neck.xml");
        var e = Assert.Throws<InvalidRobotDescriptionException>(() => HumanoidModel.Bind(sim));
        Assert.Equal(["model neck.xml actuates joint 'neck_yaw', which the robot description does not expect"], e.Errors);
        Assert.Throws<InvalidRobotDescriptionException>(() => new SimHardware(MjSimulation.LoadXmlString(xml, "neck.xml")));
    }

    [Fact]
    public void Bind_ModelMissingAJointAndAnActuator_ListsEveryProblem()
    {
        string xml = SceneComposer.FlatGround(RobotXml)
            .Replace("name=\"left_knee\" class=\"leg_big\"", "name=\"left_knee_renamed\" class=\"leg_big\"", StringComparison.Ordinal)
            .Replace("<motor name=\"left_knee\" joint=\"left_knee\" ctrlrange=\"-139 139\" />", "<motor name=\"left_knee\" joint=\"left_knee_renamed\" ctrlrange=\"-139 139\" />", StringComparison.Ordinal)
            .Replace("<motor name=\"waist_yaw\" joint=\"waist_yaw\" ctrlrange=\"-88 88\" />", "", StringComparison.Ordinal);
        using var sim = MjSimulation.LoadXmlString(xml, "broken-robot.xml");
        var e = Assert.Throws<InvalidRobotDescriptionException>(() => HumanoidModel.Bind(sim));
        Assert.Equal(
        [
            "model broken-robot.xml actuates joint 'left_knee_renamed', which the robot description does not expect",
            "model broken-robot.xml has no joint 'left_knee' (expected at index 3)",
            "joint 'waist_yaw' has no actuator",
        ], e.Errors);
    }

    [Fact]
    public void Bind_NonMotorActuator_IsRefused()
    {
        string xml = SceneComposer.FlatGround(RobotXml)
            .Replace("<motor name=\"left_elbow\" joint=\"left_elbow\" ctrlrange=\"-25 25\" />", "<motor name=\"left_elbow\" joint=\"left_elbow\" gear=\"2\" ctrlrange=\"-25 25\" />", StringComparison.Ordinal);
        using var sim = MjSimulation.LoadXmlString(xml, "geared.xml");
        var e = Assert.Throws<InvalidRobotDescriptionException>(() => HumanoidModel.Bind(sim));
        Assert.Contains("actuator 'left_elbow' must be a torque motor with gear 1", Assert.Single(e.Errors), StringComparison.Ordinal);
    }
}
