using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

public class DoctorCommandTests
{
    [Fact]
    public void Doctor_Json_PrintsOneObjectWithChecks()
    {
        var (code, stdout, _) = CliRunner.Run("doctor", "--json");
        using var json = JsonDocument.Parse(stdout);
        JsonElement checks = json.RootElement.GetProperty("checks");
        string[] names = checks.EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
        Assert.Contains("mujoco", names);
        Assert.Contains("torchsharp", names);
        Assert.Contains("socat", names);
        foreach (JsonElement check in checks.EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, check.GetProperty("detail").ValueKind);
            bool ok = check.GetProperty("ok").GetBoolean();
            Assert.True(ok, $"{check.GetProperty("name")}: {check.GetProperty("detail")}");
        }
        Assert.Equal(0, code);
    }

    [Fact]
    public void Doctor_MissingExecutable_FailsWithFix()
    {
        var check = Robot.Cli.Doctor.MachineChecks.Executable("definitely-not-installed-tool", "testing", "apt-get install -y something");
        Assert.False(check.Ok);
        Assert.Equal("apt-get install -y something", check.Fix);
    }

    [Fact]
    public void Help_EveryVerb_Succeeds()
    {
        foreach (var command in RobotCli.Build().Subcommands)
        {
            var (code, stdout, _) = CliRunner.Run(command.Name, "--help");
            Assert.Equal(0, code);
            Assert.Contains(command.Name, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnknownOption_FailsAndNamesIt()
    {
        var (code, _, stderr) = CliRunner.Run("doctor", "--bogus");
        Assert.NotEqual(0, code);
        Assert.Contains("--bogus", stderr, StringComparison.Ordinal);
    }
}
