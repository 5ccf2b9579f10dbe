using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

public class DemoCommandTests
{
    [Fact]
    public void Demo_Json_BalancesThroughPushAndRecordsTelemetry()
    {
        string dir = Directory.CreateTempSubdirectory("demo").FullName;
        try
        {
            var (code, stdout, stderr) = CliRunner.Run("demo", "--scenario", "balance", "--seconds", "3", "--out", dir, "--json");
            using var json = JsonDocument.Parse(stdout);
            JsonElement r = json.RootElement;
            Assert.False(r.GetProperty("fell").GetBoolean(), stderr);
            Assert.Equal("None", r.GetProperty("fault").GetString());
            Assert.True(r.GetProperty("telemetryReadable").GetBoolean());
            Assert.True(r.GetProperty("telemetryMessages").GetInt64() >= 4 * 3000);
            Assert.True(File.Exists(Path.Combine(dir, "telemetry.mcap")));
            Assert.Equal(0, code);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Demo_PolicyThatIsNoFolder_OrAFolderWithoutAPolicy_Exit2NamingIt_BeforeAnythingStarts()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-policy-" + Guid.NewGuid().ToString("N"));
        var (code, stdout, stderr) = CliRunner.Run("demo", "--tasks", "1", "--policy", missing);
        Assert.Equal(2, code);
        Assert.Contains($"--policy {missing}: no such folder (or 'scripted')", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("robot doctor", stdout + stderr, StringComparison.Ordinal);

        string empty = Directory.CreateTempSubdirectory("not-a-policy-").FullName;
        try
        {
            (code, _, stderr) = CliRunner.Run("demo", "--tasks", "1", "--policy", empty);
            Assert.Equal(2, code);
            Assert.Contains($"--policy {empty}: no policy.json in it (not a trained policy folder)", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Fact]
    public void Demo_BadSeconds_Exit2()
    {
        var (code, _, stderr) = CliRunner.Run("demo", "--scenario", "balance", "--seconds", "0");
        Assert.Equal(2, code);
        Assert.Contains("--seconds 0 must be in (0, 3600]", stderr, StringComparison.Ordinal);
    }
}
