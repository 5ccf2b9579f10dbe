namespace Robot.Cli.Tests.Commands.Policy;

public class PolicyCommandTests
{
    private static string Missing => Path.Combine(Path.GetTempPath(), "robot-missing-" + Guid.NewGuid().ToString("N")[..8]);

    [Theory]
    [InlineData("--policy", "transformer", "--policy 'transformer': expected act or mlp")]
    [InlineData("--steps", "0", "--steps 0: must be >= 1")]
    [InlineData("--threads", "0", "--threads 0: must be 1–64")]
    [InlineData("--chunk", "500", "--chunk 500: must be 1–400")]
    public void Train_BadFlag_Exits2NamingTheFlag(string flag, string value, string message)
    {
        var (code, stdout, stderr) = CliRunner.Run("policy", "train", "--dataset", Missing, "--out", Missing, flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Fact]
    public void Train_MissingDataset_Exits2NamingTheFlag()
    {
        string missing = Missing;
        var (code, _, stderr) = CliRunner.Run("policy", "train", "--dataset", missing, "--out", Missing);
        Assert.Equal(2, code);
        Assert.Contains($"--dataset {missing}: no such folder", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_FolderThatIsNotADataset_Exits2NamingTheFlag()
    {
        string dir = Directory.CreateTempSubdirectory("robot-notds-").FullName;
        try
        {
            var (code, _, stderr) = CliRunner.Run("policy", "train", "--dataset", dir, "--out", Missing);
            Assert.Equal(2, code);
            Assert.Contains($"--dataset {dir}: missing file: meta/info.json", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Eval_MissingPolicy_Exits2NamingTheFlag()
    {
        string missing = Missing;
        var (code, _, stderr) = CliRunner.Run("policy", "eval", "--policy", missing, "--episodes", "1");
        Assert.Equal(2, code);
        Assert.Contains($"--policy {missing}: {missing}: no policy.json", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_BadEpisodes_Exits2NamingTheFlag()
    {
        var (code, _, stderr) = CliRunner.Run("policy", "eval", "--policy", Missing, "--episodes", "0");
        Assert.Equal(2, code);
        Assert.Contains("--episodes 0: must be >= 1", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchPolicy_TooFewSteps_Exits2NamingTheFlag()
    {
        var (code, _, stderr) = CliRunner.Run("bench", "policy", "--steps", "5");
        Assert.Equal(2, code);
        Assert.Contains("--steps 5: must be >= 100", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchPolicy_Json_ReportsActAndMlpLatency()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench", "policy", "--steps", "100", "--json");
        Assert.True(code == 0, stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        var policies = doc.RootElement.GetProperty("policies");
        Assert.Equal("act", policies[0].GetProperty("policy").GetString());
        Assert.Equal("mlp", policies[1].GetProperty("policy").GetString());
        Assert.True(policies[0].GetProperty("inferenceUsP99").GetDouble() >= policies[0].GetProperty("inferenceUsP50").GetDouble());
    }
}
