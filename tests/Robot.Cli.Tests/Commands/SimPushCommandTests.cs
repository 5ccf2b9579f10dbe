using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

public class SimPushCommandTests
{
    [Fact]
    public void Push_Json_BracketsTheRecoverableImpulseAndComparesWithTheBounds()
    {
        string png = Path.Combine(Path.GetTempPath(), $"push-{Guid.NewGuid():N}.png");
        var (code, stdout, stderr) = CliRunner.Run("sim", "push", "--directions", "1", "--iterations", "3", "--json", "--plot", png);
        Assert.True(code == 0, stderr);
        byte[] header = File.ReadAllBytes(png)[..8];
        File.Delete(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, header);
        using var json = JsonDocument.Parse(stdout);
        JsonElement d = Assert.Single(json.RootElement.GetProperty("directions").EnumerateArray());
        double recovered = d.GetProperty("recoveredImpulseNs").GetDouble(), failed = d.GetProperty("failedImpulseNs").GetDouble();
        double zero = d.GetProperty("zeroStepBoundNs").GetDouble(), one = d.GetProperty("oneStepBoundNs").GetDouble();
        Assert.True(recovered < failed, $"bracket [{recovered}, {failed}]");
        Assert.True(0 < zero && zero < one, $"bounds {zero}, {one}");
        // The ankle strategy recovers forward pushes of about the 0-step bound: more than half of it, less than the 1-step bound.
        Assert.InRange(recovered, zero / 2, one);
        Assert.Equal(recovered / one, d.GetProperty("ratioToOneStep").GetDouble(), 9);
        double reachable = d.GetProperty("reachableOneStepBoundNs").GetDouble();
        Assert.InRange(reachable, zero, one);
        Assert.Equal(recovered / reachable, d.GetProperty("ratioToReachableOneStep").GetDouble(), 9);
    }

    [Fact]
    public void Push_PlotIntoAMissingFolder_Exit2BeforeTheSweep()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "push.png");
        var (code, stdout, stderr) = CliRunner.Run("sim", "push", "--directions", "8", "--plot", missing);
        Assert.Equal(2, code);
        Assert.Contains($"--plot {missing}: the folder {Path.GetDirectoryName(missing)} does not exist", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public void Push_BadFlags_Exit2NamingEach()
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "push", "--directions", "0", "--iterations", "99");
        Assert.Equal(2, code);
        Assert.Contains("--directions 0 must be in [1, 36]; --iterations 99 must be in [1, 20]", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }
}
