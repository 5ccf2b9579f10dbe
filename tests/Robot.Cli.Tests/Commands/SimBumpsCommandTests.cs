using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

public class SimBumpsCommandTests
{
    [Fact]
    public void Bumps_Json_StandsThroughEveryPushAndTheSameSeedGivesTheSameRun()
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "bumps", "--count", "3", "--seed", "1", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        JsonElement root = json.RootElement;
        JsonElement[] bumps = [.. root.GetProperty("bumps").EnumerateArray()];
        Assert.Equal(3, bumps.Length);
        Assert.Equal(3, root.GetProperty("survived").GetInt32());
        Assert.False(root.GetProperty("fell").GetBoolean());
        Assert.Equal("None", root.GetProperty("fault").GetString());
        Assert.True(root.GetProperty("survivedAll").GetBoolean());
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(i + 1, bumps[i].GetProperty("index").GetInt32());
            Assert.Equal(2.5 * i, bumps[i].GetProperty("timeS").GetDouble(), 9);
            Assert.InRange(bumps[i].GetProperty("directionDeg").GetDouble(), 0, 360);
            Assert.InRange(bumps[i].GetProperty("impulseNs").GetDouble(), 10, 13.5);
        }
        // Seed 1's second push (168°, 12.7 N·s) is beyond the standing law: a capture and a closing step.
        Assert.Equal(2, bumps[1].GetProperty("steps").GetInt32());
        // After the steps the stance returned to the height the robot first stood at.
        Assert.InRange(root.GetProperty("pelvisDropM").GetDouble(), -0.005, 0.005);

        var (again, stdoutAgain, _) = CliRunner.Run("sim", "bumps", "--count", "3", "--seed", "1", "--json");
        Assert.Equal(0, again);
        Assert.Equal(stdout, stdoutAgain);
    }

    /// <summary>
    /// Seed 1's first push (90°, 10.4 N·s) is stopped without a step but drags the right foot
    /// 3 cm in. Squared up, the soles end at the width they started at; with
    /// <c>--no-squaring</c> they stay where the push left them.
    /// </summary>
    [Fact]
    public void Bumps_ASidewaysPushSlidesTheFeet_SquaredUpUnlessNoSquaring()
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "bumps", "--count", "1", "--seed", "1", "--json");
        Assert.True(code == 0, stderr);
        using (var json = JsonDocument.Parse(stdout))
        {
            JsonElement root = json.RootElement;
            JsonElement bump = root.GetProperty("bumps")[0];
            Assert.Equal(0, bump.GetProperty("steps").GetInt32());
            Assert.Equal(1, bump.GetProperty("squaringSteps").GetInt32());
            Assert.True(root.GetProperty("squaring").GetBoolean());
            double start = root.GetProperty("startSoleDistanceM").GetDouble(), end = root.GetProperty("endSoleDistanceM").GetDouble();
            Assert.True(Math.Abs(end - start) < 0.01, $"soles {end:F3} m apart at the end, {start:F3} at the start");
        }

        (code, stdout, stderr) = CliRunner.Run("sim", "bumps", "--count", "1", "--seed", "1", "--no-squaring", "--json");
        Assert.True(code == 0, stderr);
        using (var json = JsonDocument.Parse(stdout))
        {
            JsonElement root = json.RootElement;
            Assert.Equal(0, root.GetProperty("bumps")[0].GetProperty("squaringSteps").GetInt32());
            Assert.False(root.GetProperty("squaring").GetBoolean());
            double start = root.GetProperty("startSoleDistanceM").GetDouble(), end = root.GetProperty("endSoleDistanceM").GetDouble();
            Assert.True(end < start - 0.02, $"soles {end:F3} m apart at the end, {start:F3} at the start: the push no longer slides them");
        }

        (code, stdout, _) = CliRunner.Run("sim", "bumps", "--count", "1", "--seed", "1", "--no-squaring");
        Assert.Equal(0, code);
        Assert.Contains("not squared up", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Bumps_PushesBeyondAnyRecovery_FallReportedWithExit1()
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "bumps", "--count", "3", "--min-impulse", "40", "--max-impulse", "40", "--json");
        Assert.True(code == 1, stderr);
        using var json = JsonDocument.Parse(stdout);
        JsonElement root = json.RootElement;
        Assert.True(root.GetProperty("fell").GetBoolean());
        Assert.Equal(0, root.GetProperty("survived").GetInt32());
        // The run ends at the fall: the first push is the last one applied.
        Assert.Single(root.GetProperty("bumps").EnumerateArray());
        Assert.InRange(root.GetProperty("endedAtS").GetDouble(), 0.05, 2.5);
        Assert.False(root.GetProperty("survivedAll").GetBoolean());

        (code, stdout, _) = CliRunner.Run("sim", "bumps", "--count", "3", "--min-impulse", "40", "--max-impulse", "40");
        Assert.Equal(1, code);
        Assert.Contains("stood through 0 of 3 pushes", stdout, StringComparison.Ordinal);
        Assert.Contains("FELL at t = ", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--count", "0", "--count 0 must be in [1, 1000]")]
    [InlineData("--interval", "0.5", "--interval 0.5 must be in [1, 30] s")]
    [InlineData("--min-impulse", "0", "--min-impulse 0 must be in (0, 60] N·s")]
    [InlineData("--max-impulse", "5", "--max-impulse 5 must be at least --min-impulse (10) and at most 60 N·s")]
    [InlineData("--seed", "-1", "--seed -1 must be ≥ 0")]
    [InlineData("--domain-seed", "-2", "--domain-seed -2 must be ≥ 0")]
    public void Bumps_BadFlag_Exit2NamingIt(string flag, string value, string expected)
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "bumps", flag, value);
        Assert.Equal(2, code);
        Assert.Contains("robot sim bumps: " + expected, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Bumps_SeveralBadFlags_AllNamedAtOnce()
    {
        var (code, _, stderr) = CliRunner.Run("sim", "bumps", "--count", "2000", "--interval", "31", "--max-impulse", "61");
        Assert.Equal(2, code);
        Assert.Contains("--count 2000 must be in [1, 1000]", stderr, StringComparison.Ordinal);
        Assert.Contains("--interval 31 must be in [1, 30] s", stderr, StringComparison.Ordinal);
        Assert.Contains("--max-impulse 61 must be at least --min-impulse (10) and at most 60 N·s", stderr, StringComparison.Ordinal);
    }
}
