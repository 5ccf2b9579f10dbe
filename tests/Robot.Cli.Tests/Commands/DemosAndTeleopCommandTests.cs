using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

/// <summary><c>robot demos generate</c> and <c>robot teleop record</c>: datasets written, and bad input refused with the flag or field named.</summary>
public class DemosAndTeleopCommandTests
{
    [Fact]
    public void DemosGenerate_TwoEpisodes_WritesAValidLabelledDataset_AndResumeContinues()
    {
        string dir = Path.Combine(Path.GetTempPath(), "robot-demos-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (code, stdout, stderr) = CliRunner.Run("demos", "generate", "--episodes", "1", "--seed", "40", "--dataset", dir, "--json");
            Assert.True(code == 0, stderr + stdout);
            using (var json = JsonDocument.Parse(stdout))
            {
                Assert.Equal(1, json.RootElement.GetProperty("episodes").GetInt32());
                Assert.True(json.RootElement.GetProperty("datasetValid").GetBoolean());
                Assert.Equal(1, json.RootElement.GetProperty("outcomes").GetProperty("success").GetInt32());
            }
            // dataset info shows each episode's outcome, in the table and in --json.
            var info = CliRunner.Run("dataset", "info", dir);
            Assert.True(info.ExitCode == 0, info.Stderr);
            Assert.Matches(@"(?m)^\s*episode\s+frames\s+success\s+outcome\s", info.Stdout);
            Assert.Matches(@"(?m)^\s*0\s+\d+\s+true\s+success\s", info.Stdout);
            var infoJson = CliRunner.Run("dataset", "info", dir, "--json");
            using (var json = JsonDocument.Parse(infoJson.Stdout))
            {
                Assert.Equal("success", json.RootElement.GetProperty("episodes")[0].GetProperty("outcome").GetString());
            }
            var again = CliRunner.Run("demos", "generate", "--episodes", "1", "--seed", "40", "--dataset", dir);
            Assert.Equal(2, again.ExitCode);
            Assert.Contains("--resume", again.Stderr, StringComparison.Ordinal);
            (code, stdout, stderr) = CliRunner.Run("demos", "generate", "--episodes", "1", "--seed", "40", "--dataset", dir, "--resume", "--json");
            Assert.True(code == 0, stderr + stdout);
            using var resumed = JsonDocument.Parse(stdout);
            Assert.Equal(1, resumed.RootElement.GetProperty("firstEpisode").GetInt64());
            Assert.Equal(2, resumed.RootElement.GetProperty("totalEpisodes").GetInt64());
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void DemosGenerate_BadEpisodes_Exit2NamingIt()
    {
        var (code, _, stderr) = CliRunner.Run("demos", "generate", "--episodes", "0", "--dataset", Path.GetTempPath());
        Assert.Equal(2, code);
        Assert.Contains("--episodes", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--fps", "30", "--fps")]
    [InlineData("--episodes", "0", "--episodes")]
    [InlineData("--episode-time", "0", "--episode-time")]
    public void TeleopRecord_BadFlag_Exit2NamingIt(string flag, string value, string named)
    {
        var (code, _, stderr) = CliRunner.Run("teleop", "record", "--leader", "/dev/null", "--dataset", Path.Combine(Path.GetTempPath(), "unused-" + Guid.NewGuid()), flag, value);
        Assert.Equal(2, code);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TeleopRecord_LeaderThatNeverAnswers_ExitsNonZeroAndLeavesNoDataset()
    {
        string dir = Path.Combine(Path.GetTempPath(), "robot-teleop-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // /dev/null exists, so the verb gets past its flag checks; it is no serial bus and nothing answers.
            var (code, _, stderr) = CliRunner.Run("teleop", "record", "--leader", "/dev/null", "--dataset", dir, "--reset-time", "0");
            Assert.NotEqual(0, code);
            Assert.Contains("--leader /dev/null", stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dir, "meta", "info.json")), "an empty dataset was left behind: " + stderr);
            // ... so the same command may simply be run again once the leader is plugged in.
            var again = CliRunner.Run("teleop", "record", "--leader", "/dev/null", "--dataset", dir, "--reset-time", "0");
            Assert.DoesNotContain("already holds a dataset", again.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("""{ "version": 1, "joints": [], "gripper": { "leaderId": 8, "openAngle": 0, "closedAngle": 1 } }""", "joints: 0 entries")]
    [InlineData("""{ "version": 1, "joints": [ {"leaderId":1,"robotJoint":"right_shoulder_pitch","direction":0} ], "gripper": { "leaderId": 8, "openAngle": 0, "closedAngle": 1 } }""", "joints[0].direction")]
    [InlineData("""{ "version": 1, "joints": [ {"leaderId":1,"robotJoint":"left_knee"} ], "gripper": { "leaderId": 8, "openAngle": 0, "closedAngle": 1 } }""", "joints[0].robotJoint")]
    [InlineData("""{ "version": 1, "joints": [], "gripper": { "leaderId": 8, "openAngle": 0.5, "closedAngle": 0.5 } }""", "gripper.closedAngle")]
    [InlineData("""{ "version": 1, "joints": [ """, "not valid JSON")]
    [InlineData("""{ "version": 1.5, "joints": [], "gripper": { "leaderId": 8, "openAngle": 0, "closedAngle": 1 } }""", "version: 1.5 must be 1")]
    [InlineData("""{ "version": 3e9, "joints": [], "gripper": { "leaderId": 8, "openAngle": 0, "closedAngle": 1 } }""", "version: 3e9 must be 1")]
    [InlineData("""{ "joints": [], "gripper": { "leaderId": 8, "openAngle": 0, "closedAngle": 1 } }""", "version: missing")]
    public void TeleopRecord_BadCalibration_Exit2NamingTheField(string text, string named)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, text);
            var (code, _, stderr) = CliRunner.Run("teleop", "record", "--leader", "/dev/null", "--dataset", Path.Combine(Path.GetTempPath(), "unused-" + Guid.NewGuid()), "--calibration", file);
            Assert.Equal(2, code);
            Assert.Contains(named, stderr, StringComparison.Ordinal);
            Assert.Contains("--calibration", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
