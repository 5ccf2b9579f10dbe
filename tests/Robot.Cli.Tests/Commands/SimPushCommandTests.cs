using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

public class SimPushCommandTests
{
    [Fact]
    public void Push_Json_BracketsTheRecoverableImpulseAndComparesWithTheBounds()
    {
        string png = Path.Combine(Path.GetTempPath(), $"push-{Guid.NewGuid():N}.png");
        var (code, stdout, stderr) = CliRunner.Run("sim", "push", "--directions", "1", "--resolution", "4", "--json", "--plot", png);
        Assert.True(code == 0, stderr);
        byte[] header = File.ReadAllBytes(png)[..8];
        File.Delete(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, header);
        using var json = JsonDocument.Parse(stdout);
        JsonElement d = Assert.Single(json.RootElement.GetProperty("directions").EnumerateArray());
        double recovered = d.GetProperty("recoveredImpulseNs").GetDouble(), failed = d.GetProperty("failedImpulseNs").GetDouble();
        double zero = d.GetProperty("zeroStepBoundNs").GetDouble(), one = d.GetProperty("oneStepBoundNs").GetDouble();
        // The sweep's grid: the first fall one step above the last recovery.
        Assert.Equal(recovered + 4, failed, 9);
        Assert.Equal(4, json.RootElement.GetProperty("resolutionNs").GetDouble());
        Assert.True(0 < zero && zero < one, $"bounds {zero}, {one}");
        // Forward, stepping recovers past the 0-step bound (standing alone stops near it), and short of the 1-step bound.
        Assert.InRange(recovered, zero, one);
        Assert.Equal(recovered / one, d.GetProperty("ratioToOneStep").GetDouble(), 9);
        double reachable = d.GetProperty("reachableOneStepBoundNs").GetDouble();
        Assert.InRange(reachable, zero, one);
        Assert.Equal(recovered / reachable, d.GetProperty("ratioToReachableOneStep").GetDouble(), 9);
        // Recovered past the 0-step bound takes a step: the soles end farther apart than the 0.18 m stance.
        Assert.Equal(0.4, d.GetProperty("boundStepLengthM").GetDouble(), 9);
        Assert.InRange(d.GetProperty("longestStepM").GetDouble(), 0.25, 0.7);
        // Both verdicts follow the ratios of the one direction swept.
        Assert.Equal(recovered / one >= 0.9, json.RootElement.GetProperty("meetsOneStepTarget").GetBoolean());
        Assert.Equal(recovered / reachable >= 0.9, json.RootElement.GetProperty("meetsReachableOneStepTarget").GetBoolean());
    }

    [Fact]
    public void Push_DomainSeed_SweepsThePerturbedModelAndSaysSo()
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "push", "--directions", "1", "--resolution", "5", "--domain-seed", "3", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(3, json.RootElement.GetProperty("domainSeed").GetInt32());
        JsonElement d = Assert.Single(json.RootElement.GetProperty("directions").EnumerateArray());
        // Forward, past the 0-step bound on the perturbed model too.
        Assert.True(d.GetProperty("recoveredImpulseNs").GetDouble() >= 15, stdout);

        (code, stdout, stderr) = CliRunner.Run("sim", "push", "--directions", "1", "--resolution", "5", "--domain-seed", "3");
        Assert.True(code == 0, stderr);
        Assert.Contains("model perturbed with seed 3", stdout, StringComparison.Ordinal);
        Assert.Contains("× reachable 1-step bound: ", stdout, StringComparison.Ordinal);
        Assert.Contains("the bounds assume steps of at most 0.40 m", stdout, StringComparison.Ordinal);
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
        var (code, stdout, stderr) = CliRunner.Run("sim", "push", "--directions", "0", "--resolution", "0", "--domain-seed", "-1");
        Assert.Equal(2, code);
        Assert.Contains("--directions 0 must be in [1, 36]; --resolution 0 must be in [0.1, 5] N·s; --domain-seed -1 must be ≥ 0", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }
}
