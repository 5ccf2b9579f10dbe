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
        // The stance hold takes about 0.1 µs, the histogram's resolution: its p99 may read 0.
        Assert.True(r.GetProperty("baselineStepUs").GetProperty("max").GetDouble() > 0, stdout);
        Assert.Equal(0, r.GetProperty("allocatedBytesPerStep").GetDouble());
        // A push the standing law alone falls from: the timed window covers a capture and a closing step.
        Assert.Equal(2, r.GetProperty("stepsTaken").GetInt32());
        Assert.True(r.GetProperty("steppingStepUs").GetProperty("p50").GetDouble() > 0, stdout);
        Assert.Equal(0, r.GetProperty("steppingAllocatedBytesPerStep").GetDouble());
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
