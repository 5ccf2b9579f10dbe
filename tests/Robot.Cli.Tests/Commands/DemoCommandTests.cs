using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

public class DemoCommandTests
{
    [Fact]
    public void Demo_Json_ReportsDoctorAndSimulation()
    {
        var (code, stdout, stderr) = CliRunner.Run("demo", "--json");
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("simulationOk").GetBoolean(), stderr);
        Assert.Equal(0.1, json.RootElement.GetProperty("boxRestHeightM").GetDouble(), 2);
        Assert.Equal(0, code);
    }
}
