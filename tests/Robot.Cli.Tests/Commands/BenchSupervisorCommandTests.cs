using System.Text.Json;

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
    }
}
