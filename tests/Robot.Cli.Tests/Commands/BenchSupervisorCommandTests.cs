using System.Text.Json;
using System.Text.RegularExpressions;

namespace Robot.Cli.Tests.Commands;

public class BenchSupervisorCommandTests
{
    [Theory]
    [InlineData("--robots", "0", "--robots 0: expected 1..1000")]
    [InlineData("--rate", "5000", "--rate 5000: expected 1..1000 Hz")]
    [InlineData("--warmup", "-1", "--warmup -1: expected 0..60 s")]
    public void BenchSupervisor_BadFlag_Exit2NamingIt(string flag, string value, string expected)
    {
        var (code, _, stderr) = CliRunner.Run("bench", "supervisor", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchSupervisor_SmallRun_AnswersEveryStateAndReportsLatencyAndLoad()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench", "supervisor", "--robots", "3", "--rate", "50", "--seconds", "0.5", "--warmup", "0.2", "--zones", "50", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        JsonElement r = json.RootElement;
        Assert.True(r.GetProperty("sent").GetInt64() >= 60, stdout);
        Assert.Equal(0, r.GetProperty("lostMessages").GetInt64());
        Assert.True(r.GetProperty("verdictLatencyMs").GetProperty("p50").GetDouble() > 0);
        Assert.True(r.GetProperty("decisionUs").GetProperty("p99").GetDouble() > 0);
        Assert.True(r.GetProperty("decisionUs").GetProperty("jitMsInWindow").GetDouble() >= 0, stdout);
        Assert.True(r.TryGetProperty("loadAverage", out _));
        // The runtime's work in the measured window: counts and times since the window opened, never negative.
        JsonElement window = r.GetProperty("window");
        Assert.True(window.GetProperty("gen0Collections").GetInt32() >= 0, stdout);
        Assert.True(window.GetProperty("gcPauseMs").GetDouble() >= 0, stdout);
        Assert.True(window.GetProperty("jitMs").GetDouble() >= 0, stdout);
        // The machine's CPUs in the window, from /proc/stat: the bench itself keeps them busy.
        double busy = window.GetProperty("cpuBusyPercent").GetDouble(), steal = window.GetProperty("cpuStealPercent").GetDouble();
        Assert.True(busy is > 0 and <= 100, stdout);
        Assert.True(steal is >= 0 and < 100, stdout);
        Assert.True(r.GetProperty("gcGen0BudgetMiB").GetInt64() >= 1, stdout);
    }

    [Fact]
    public void BenchSupervisor_InAProcessStartedWithTheLaunchersGen0Budget_ReportsThatBudget()
    {
        // The `robot` launcher sets DOTNET_GCgen0size (the runtime reads it from the environment
        // only); a child started with the launcher's value must run with that gen-0 budget.
        string launcher = File.ReadAllText(Path.Combine(RepoPaths.Root, "robot"));
        Match setting = Regex.Match(launcher, @"DOTNET_GCgen0size=""\$\{DOTNET_GCgen0size:-(0x[0-9a-fA-F]+)\}""");
        Assert.True(setting.Success, "the robot launcher no longer sets DOTNET_GCgen0size");
        long expected = Convert.ToInt64(setting.Groups[1].Value, 16);
        var (code, stdout, stderr) = CliProcess.Run(TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["DOTNET_GCgen0size"] = setting.Groups[1].Value },
            "bench", "supervisor", "--robots", "2", "--rate", "20", "--seconds", "0.3", "--warmup", "0", "--zones", "10", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(expected / (1024 * 1024), json.RootElement.GetProperty("gcGen0BudgetMiB").GetInt64());
    }
}
