using Robot.Sim.MuJoCo;

namespace Robot.Sim.Tests.MuJoCo;

[CollectionDefinition("native memory", DisableParallelization = true)]
public sealed class NativeMemoryTests;

[Collection("native memory")]
public class MjSimulationTests
{
    [Fact]
    public void Library_IsVersion222()
    {
        Assert.Equal(222, MuJoCoLibrary.EnsureLoaded());
        Assert.Equal("2.2.2", MuJoCoLibrary.Format(222));
    }

    [Fact]
    public void Step_DropTest_BoxFallsAndComesToRest()
    {
        using var sim = MjSimulation.LoadXml(SimModels.DropTest);
        Assert.Equal(0.5, sim.Qpos(2), 12);
        for (int i = 0; i < 200; i++)
        {
            sim.Step();
        }
        Assert.Equal(0.2, sim.Time, 9);
        // Free fall for 0.2 s: z = 0.5 − ½·9.81·0.2² ≈ 0.304 m (semi-implicit Euler lands within a few mm).
        Assert.Equal(0.5 - 0.5 * 9.81 * 0.04, sim.Qpos(2), 2);
        for (int i = 0; i < 1800; i++)
        {
            sim.Step();
        }
        Assert.Equal(0.1, sim.Qpos(2), 2);
        // Resting box on a plane: contacts at its four bottom corners, normals up.
        Assert.InRange(sim.ContactCount, 1, 8);
        MjContact c = sim.Contact(0);
        Assert.Equal(1, c.NormalZ, 6);
        Assert.Equal("floor", sim.Name(MjObject.Geom, c.Geom1));
        Assert.Equal("box", sim.Name(MjObject.Geom, c.Geom2));
        Span<double> force = stackalloc double[6];
        double normal = 0;
        for (int i = 0; i < sim.ContactCount; i++)
        {
            sim.ContactForce(i, force);
            normal += force[0];
        }
        Assert.Equal(9.81, normal, 1);
    }

    [Fact]
    public void ModelSizesNamesAndArrays_AreRead()
    {
        using var sim = MjSimulation.LoadXml(SimModels.DropTest);
        Assert.Equal((7, 6, 0, 2, 1, 2), (sim.Nq, sim.Nv, sim.Nu, sim.BodyCount, sim.JointCount, sim.GeomCount));
        Assert.Equal(0.001, sim.Timestep);
        Assert.Equal(-9.81, sim.Gravity[2]);
        Assert.Equal(1, sim.IdOf(MjObject.Body, "box"));
        Assert.Equal(-1, sim.IdOf(MjObject.Body, "nothing"));
        Assert.Equal("box_free", sim.Name(MjObject.Joint, 0));
        Assert.Equal(MjJointType.Free, (MjJointType)sim.JntType[0]);
        Assert.Equal(1.0, sim.BodyMass[1], 12);
        Assert.Equal(1.0, sim.TotalMass, 12);
        Assert.Equal(0.5, sim.Xpos[5], 12);
        Assert.Equal(1.0, sim.Xquat[4], 12);
        Assert.Equal(0.5, sim.SubtreeCom[5], 12);
        var e = Assert.Throws<MuJoCoException>(() => sim.RequireId(MjObject.Site, "imu"));
        Assert.Contains("no site named 'imu'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void XfrcApplied_LiftsTheBox()
    {
        using var sim = MjSimulation.LoadXml(SimModels.DropTest);
        sim.XfrcApplied[6 + 2] = 9.81 * 1.0 + 10; // body 1: weight + 10 N upwards
        for (int i = 0; i < 100; i++)
        {
            sim.Step();
        }
        // a = 10 m/s² upwards for 0.1 s: z rises by ½·10·0.01 = 0.05 m.
        Assert.Equal(0.55, sim.Qpos(2), 2);
    }

    [Fact]
    public void LoadXmlString_CompilesFromMemory()
    {
        using var sim = MjSimulation.LoadXmlString(File.ReadAllText(SimModels.DropTest), "drop.xml");
        Assert.Equal("drop.xml", sim.Source);
        Assert.Equal(7, sim.Nq);
        sim.Step();
        Assert.Equal(0.001, sim.Time, 12);
    }

    [Fact]
    public void LoadXmlString_Malformed_ReportsMuJoCosErrorWithLine()
    {
        string xml = "<mujoco>\n  <worldbody>\n    <geom type=\"nonsense\"/>\n  </worldbody>\n</mujoco>\n";
        var e = Assert.Throws<MuJoCoException>(() => MjSimulation.LoadXmlString(xml, "bad.xml"));
        Assert.StartsWith("MuJoCo could not load bad.xml: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("nonsense", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadXmlString_NotXml_ReportsParseError()
    {
        var e = Assert.Throws<MuJoCoException>(() => MjSimulation.LoadXmlString("<mujoco><worldbody>", "broken.xml"));
        Assert.Contains("XML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadXml_MalformedModel_ReportsMuJoCosError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, "<mujoco><worldbody><geom type=\"nonsense\"/></worldbody></mujoco>");
        try
        {
            var e = Assert.Throws<MuJoCoException>(() => MjSimulation.LoadXml(path));
            Assert.Contains("nonsense", e.Message, StringComparison.Ordinal);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("line 1", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadXml_MissingFile_NamesIt()
    {
        var e = Assert.Throws<MuJoCoException>(() => MjSimulation.LoadXml("/nonexistent/robot.xml"));
        Assert.Equal("MJCF file not found: /nonexistent/robot.xml", e.Message);
    }

    [Fact]
    public void Dispose_IsIdempotent_AndUseAfterwardsThrows()
    {
        var sim = MjSimulation.LoadXml(SimModels.DropTest);
        sim.Dispose();
        sim.Dispose();
        Assert.True(sim.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => sim.Step());
        Assert.Throws<ObjectDisposedException>(() => sim.Time);
        Assert.Throws<ObjectDisposedException>(() => sim.Qpos().Length);
    }

    [Fact]
    public void LoadAndDispose_ManyTimes_DoesNotLeak()
    {
        // Each humanoid model+data is several MB natively: 200 leaked copies would show in RSS.
        string xml = SceneComposer.FlatGround(File.ReadAllText(SimModels.Humanoid));
        for (int i = 0; i < 20; i++)
        {
            using var warm = MjSimulation.LoadXmlString(xml, "warm.xml");
        }
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        long before = process.WorkingSet64;
        for (int i = 0; i < 200; i++)
        {
            using var sim = MjSimulation.LoadXmlString(xml, "leak.xml");
        }
        process.Refresh();
        long grownMb = (process.WorkingSet64 - before) / (1024 * 1024);
        Assert.True(grownMb < 50, $"working set grew {grownMb} MB over 200 load/dispose cycles");
    }
}
