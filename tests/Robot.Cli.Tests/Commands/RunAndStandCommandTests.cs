using System.Text.Json;
using Robot.Runtime.Telemetry.Mcap;

namespace Robot.Cli.Tests.Commands;

public class RunAndStandCommandTests
{
    [Fact]
    public void Run_SimWithRecord_WritesReadableMcap()
    {
        string path = Path.Combine(Path.GetTempPath(), $"run-{Guid.NewGuid():N}.mcap");
        try
        {
            var (code, stdout, stderr) = CliRunner.Run("run", "--sim", "--seconds", "0.5", "--record", path, "--json");
            Assert.True(code == 0, stderr);
            using var json = JsonDocument.Parse(stdout);
            Assert.Equal("None", json.RootElement.GetProperty("fault").GetString());
            Assert.Equal(500, json.RootElement.GetProperty("ticks").GetInt64());
            McapReader file = McapReader.Read(path);
            Assert.False(file.Truncated);
            Assert.Contains(file.Channels, c => c.Topic == "/controller");
            Assert.Equal(500, file.Messages.Count(m => m.ChannelId == file.Channels.Single(c => c.Topic == "/joint_states").Id));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Run_SimRecordingToAFullDisk_LoopRunsOn_FailureReportedAndExit1()
    {
        // /dev/full: every write that reaches the device fails with ENOSPC, as on a full disk.
        var (code, stdout, stderr) = CliRunner.Run("run", "--sim", "--seconds", "0.5", "--record", "/dev/full", "--json");
        Assert.Equal(1, code);
        Assert.Contains("telemetry recording FAILED", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("None", json.RootElement.GetProperty("fault").GetString());
        Assert.Equal(500, json.RootElement.GetProperty("ticks").GetInt64());
        Assert.Contains("No space left on device", json.RootElement.GetProperty("telemetryError").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--seconds", "-1", "--seconds -1 must be in (0, 86400]")]
    [InlineData("--record", "/nonexistent-folder/x.mcap", "folder /nonexistent-folder does not exist")]
    public void Run_BadInput_ClearErrorAndExitCode2(string option, string value, string expected)
    {
        var (code, _, stderr) = CliRunner.Run("run", "--sim", option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownController_IsRejected()
    {
        var (code, _, stderr) = CliRunner.Run("run", "--sim", "--controller", "dance");
        Assert.NotEqual(0, code);
        Assert.Contains("dance", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SimStand_WithNoise_StaysUp()
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "stand", "--seconds", "3", "--json");
        using var json = JsonDocument.Parse(stdout);
        Assert.False(json.RootElement.GetProperty("fell").GetBoolean(), stderr);
        Assert.True(json.RootElement.GetProperty("maxDcmErrorM").GetDouble() < 0.05);
        // Sensor noise neither trips a step nor reads as feet that slid.
        Assert.Equal(0, json.RootElement.GetProperty("steps").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("squaringSteps").GetInt32());
        Assert.Equal(0, code);
    }
}
