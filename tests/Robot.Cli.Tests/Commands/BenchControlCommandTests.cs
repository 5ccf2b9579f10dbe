using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

public class BenchControlCommandTests
{
    [Fact]
    public void BenchControl_Json_ReportsStepTimesAndNoAllocation()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench", "control", "--steps", "300", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        JsonElement r = json.RootElement;
        Assert.True(r.GetProperty("stepUs").GetProperty("p50").GetDouble() > 0);
        Assert.True(r.GetProperty("baselineStepUs").GetProperty("p99").GetDouble() > 0);
        Assert.Equal(0, r.GetProperty("allocatedBytesPerStep").GetDouble());
        Assert.True(r.GetProperty("jitMsInWindow").GetDouble() >= 0, stdout);
    }

    [Fact]
    public void BenchControl_TooFewSteps_Exit2()
    {
        var (code, _, stderr) = CliRunner.Run("bench", "control", "--steps", "5");
        Assert.Equal(2, code);
        Assert.Contains("--steps 5 must be in [100, 10000000]", stderr, StringComparison.Ordinal);
    }
}
