using Robot.Sim;
using Robot.Sim.MuJoCo;

namespace Robot.Sim.Tests.MuJoCo;

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
}
