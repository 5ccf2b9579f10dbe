using System.Text.Json;

namespace Robot.Cli.Tests.Commands.Policy;

public sealed class PolicyTrainEvalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robot-policy-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DemosTrainEval_EndToEnd_AndCorruptCheckpointExits2()
    {
        string demos = Path.Combine(_dir, "demos"), policy = Path.Combine(_dir, "act");
        var (code, _, stderr) = CliRunner.Run("demos", "generate", "--episodes", "2", "--seed", "0", "--dataset", demos);
        Assert.True(code == 0, stderr);

        (code, string stdout, stderr) = CliRunner.Run("policy", "train", "--dataset", demos, "--policy", "act", "--out", policy, "--steps", "4", "--chunk", "5", "--threads", "1", "--json");
        Assert.True(code == 0, stderr);
        Assert.Contains("step 4/4", stderr, StringComparison.Ordinal);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal(4, doc.RootElement.GetProperty("steps").GetInt64());
        }
        Assert.True(File.Exists(Path.Combine(policy, "model.safetensors")));

        (code, stdout, stderr) = CliRunner.Run("policy", "eval", "--policy", policy, "--episodes", "1", "--seed", "100000", "--json");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("episodes").GetInt32());
            Assert.InRange(doc.RootElement.GetProperty("successRate").GetDouble(), 0, 1);
            Assert.Equal(1, doc.RootElement.GetProperty("outcomes").EnumerateObject().Sum(p => p.Value.GetInt32()));
        }

        File.WriteAllText(Path.Combine(policy, "checkpoint", "optimizer.safetensors"), "not a safetensors file");
        (code, _, stderr) = CliRunner.Run("policy", "train", "--dataset", demos, "--policy", "act", "--out", policy, "--steps", "8", "--chunk", "5", "--threads", "1", "--resume");
        Assert.Equal(2, code);
        Assert.Contains("--resume:", stderr, StringComparison.Ordinal);
        Assert.Contains("optimizer.safetensors", stderr, StringComparison.Ordinal);
    }
}
