using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

public class BenchStopsCommandTests
{
    [Fact]
    public void BenchStops_Json_EveryCategoryMeetsItsBound_SettleKeepsStanding()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench", "stops", "--json");
        Assert.True(code == 0, stderr + stdout);
        using var json = JsonDocument.Parse(stdout);
        JsonElement[] stops = [.. json.RootElement.GetProperty("stops").EnumerateArray()];
        Assert.Equal(["verdict timeout", "protective stop", "e-stop settle_then_cut", "e-stop cut"], stops.Select(s => s.GetProperty("trigger").GetString()));
        Assert.All(stops, s => Assert.True(s.GetProperty("boundMet").GetBoolean(), s.ToString()));
        // A settle keeps the robot up; a cut takes effect on the triggering tick.
        Assert.InRange(stops[0].GetProperty("ticksLastVerdictToStop").GetInt64(), 100, 101);
        Assert.True(stops[1].GetProperty("pelvisHeight").GetDouble() > 0.6, stops[1].ToString());
        Assert.Equal(0, stops[3].GetProperty("ticksToTorqueOff").GetInt64());
        Assert.All(stops, s => Assert.True(s.GetProperty("resumedOnPermit").GetBoolean(), s.ToString()));
    }
}
