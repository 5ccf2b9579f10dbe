using System.Xml.Linq;
using Robot.Core.Hardware;
using Robot.Sim.MuJoCo;

namespace Robot.Sim.Tests;

public class GripperTests
{
    /// <summary>
    /// The standing robot with a 3 kg box (8 × 6 × 6 cm, so it fits the open jaw) placed between
    /// its left fingers in the default stance.
    /// </summary>
    private static SimHardware RobotWithBoxInLeftHand(double mass)
    {
        string robot = File.ReadAllText(SimModels.Humanoid);
        double[] pos = new double[3];
        double[] mat = new double[9];
        using (var probe = SimHardware.FlatGround())
        {
            probe.Configure();
            int site = probe.Simulation.RequireId(MjObject.Site, "left_grasp");
            probe.Simulation.SiteXpos.Slice(3 * site, 3).CopyTo(pos);
            probe.Simulation.SiteXmat.Slice(9 * site, 9).CopyTo(mat);
        }
        // xyaxes: the site frame's x and y axes in world coordinates (columns of the row-major matrix).
        var box = new XElement("body", new XAttribute("name", "payload"), new XAttribute("pos", SceneComposer.F(pos)),
            new XAttribute("xyaxes", SceneComposer.F(mat[0], mat[3], mat[6], mat[1], mat[4], mat[7])),
            new XElement("freejoint", new XAttribute("name", "payload_free")),
            new XElement("geom", new XAttribute("name", "payload"), new XAttribute("type", "box"), new XAttribute("size", "0.03 0.04 0.03"),
                new XAttribute("mass", SceneComposer.F(mass)), new XAttribute("contype", 1), new XAttribute("conaffinity", 3),
                new XAttribute("friction", "0.8 0.005 0.0001")));
        string xml = SceneComposer.Compose(robot, "gripper_test", new XElement("worldbody", SceneComposer.Floor(), box));
        return new SimHardware(MjSimulation.LoadXmlString(xml, "gripper-test.xml"));
    }

    /// <summary>Distance between the box centre and the hand's grasp site, m (slip in the hand).</summary>
    private static double Offset(SimHardware hardware, int body, int site)
    {
        ReadOnlySpan<double> x = hardware.Simulation.Xpos.Slice(3 * body, 3);
        ReadOnlySpan<double> s = hardware.Simulation.SiteXpos.Slice(3 * site, 3);
        return Math.Sqrt((x[0] - s[0]) * (x[0] - s[0]) + (x[1] - s[1]) * (x[1] - s[1]) + (x[2] - s[2]) * (x[2] - s[2]));
    }

    private static (double Drop, double Slip, double Touch) Hold(SimHardware hardware, double squeeze)
    {
        hardware.Configure();
        hardware.Activate();
        JointCommand[] commands = SimHardware.StandingCommands();
        int gripper = hardware.Description.IndexOf("left_gripper");
        // Close with a constant force (no position target): what a current-controlled jaw does.
        commands[gripper] = new JointCommand(0, 0, 0, 5, squeeze);
        int body = hardware.Simulation.RequireId(MjObject.Body, "payload");
        int site = hardware.Simulation.RequireId(MjObject.Site, "left_grasp");
        double z0 = hardware.Simulation.Xpos[3 * body + 2];
        double offset0 = Offset(hardware, body, site);
        for (int i = 0; i < 2000; i++)
        {
            Assert.True(hardware.Write(commands, 0.001), hardware.LastError);
        }
        Span<double> touch = stackalloc double[4];
        hardware.GetFingerTouch(touch);
        return (z0 - hardware.Simulation.Xpos[3 * body + 2], Offset(hardware, body, site) - offset0, touch[0] + touch[1]);
    }

    [Fact]
    public void LeftGripper_Holds_A3kgBox_ForTwoSeconds()
    {
        using var hardware = RobotWithBoxInLeftHand(3.0);
        var (drop, slip, touch) = Hold(hardware, squeeze: 60);
        // The box moves with the hand (the arm PD sags a little under 3 kg) and barely slips in it.
        Assert.InRange(slip, -0.01, 0.01);
        Assert.InRange(drop, -0.01, 0.05);
        Assert.True(touch > 20, $"finger touch {touch} N");
    }

    [Fact]
    public void OpenGripper_DropsTheBox()
    {
        using var hardware = RobotWithBoxInLeftHand(3.0);
        var (drop, _, _) = Hold(hardware, squeeze: -20);
        Assert.True(drop > 0.2, $"box dropped only {drop} m");
    }
}
