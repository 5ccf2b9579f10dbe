using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

/// <summary><c>robot sim info|run</c> and <c>robot bench sim</c> against the real MuJoCo model.</summary>
public class SimCommandTests
{
    [Fact]
    public void Info_Json_DescribesTheHumanoid()
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "info", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        JsonElement root = json.RootElement;
        Assert.Equal("2.2.2", root.GetProperty("muJoCoVersion").GetString());
        Assert.Equal(31, root.GetProperty("actuatedJoints").GetInt32());
        Assert.True(root.GetProperty("degreesOfFreedom").GetInt32() >= 6 + 31, "floating base plus every actuated joint");
        Assert.InRange(root.GetProperty("totalMassKg").GetDouble(), 30, 40);
        Assert.InRange(root.GetProperty("comHeightM").GetDouble(), 0.6, 0.8);
        JsonElement[] joints = [.. root.GetProperty("joints").EnumerateArray()];
        Assert.Equal(31, joints.Length);
        Assert.All(joints, j => Assert.True(j.GetProperty("minPosition").GetDouble() < j.GetProperty("maxPosition").GetDouble()));
        string[] sensors = [.. root.GetProperty("sensors").EnumerateArray().Select(s => s.GetProperty("name").GetString()!)];
        Assert.Contains("imu_accelerometer", sensors);
        Assert.Contains("left_ankle_force", sensors);
        Assert.Contains("right_ankle_torque", sensors);
    }

    [Fact]
    public void Info_Text_ListsJointsAndSensors()
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "info");
        Assert.True(code == 0, stderr);
        Assert.Contains("left_knee", stdout, StringComparison.Ordinal);
        Assert.Contains("sensors: ", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("warehouse")]
    [InlineData("flat")]
    public void Run_Idle_StaysUpright(string scene)
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "run", "--scenario", "idle", "--seconds", "1.5", "--scene", scene, "--json");
        Assert.True(code == 0, stderr + stdout);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("upright").GetBoolean());
        Assert.Equal(1.5, json.RootElement.GetProperty("seconds").GetDouble(), 6);
        Assert.True(json.RootElement.GetProperty("minPelvisHeightM").GetDouble() > 0.6);
    }

    [Theory]
    [InlineData("--seconds", "0", "--seconds")]
    [InlineData("--seconds", "NaN", "--seconds")]
    [InlineData("--scenario", "dance", "dance")]
    [InlineData("--scene", "moon", "moon")]
    public void Run_BadFlag_Exit2NamingIt(string flag, string value, string named)
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "run", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Run_UnparsableFlag_PointsToTheVerbsHelp()
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "run", "--secnds", "3");
        Assert.Equal(2, code);
        Assert.Contains("robot sim run: Unrecognized command or argument '--secnds'", stderr, StringComparison.Ordinal);
        Assert.Contains("see 'robot sim run --help'", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void BenchSim_Json_ComparesCsharpWithMuJoCoTestspeedOnTheSameModel()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench", "sim", "--steps", "500", "--rounds", "1", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        JsonElement r = json.RootElement;
        double csharp = r.GetProperty("csharpStepsPerSecond").GetDouble(), c = r.GetProperty("cStepsPerSecond").GetDouble();
        Assert.True(csharp > 0 && c > 0, $"rates {csharp}, {c}");
        Assert.Equal(c / csharp, r.GetProperty("overheadRatio").GetDouble(), 9);
        Assert.Equal(csharp * 0.001, r.GetProperty("realtimeFactor").GetDouble(), 9);
        // Same model, same start, zero control: both sides see the same contacts (to within float noise of the count).
        Assert.Equal(r.GetProperty("cContactsPerStep").GetDouble(), r.GetProperty("csharpContactsPerStep").GetDouble(), 0);
        Assert.StartsWith("mujoco-testspeed ", r.GetProperty("testspeedCommand").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BenchSim_BadSteps_Exit2()
    {
        var (code, _, stderr) = CliRunner.Run("bench", "sim", "--steps", "10");
        Assert.Equal(2, code);
        Assert.Contains("--steps", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1,0")]
    [InlineData("a,b,c")]
    [InlineData("1,NaN,0")]
    public void Walk_BadGoal_Exit2NamingTheFlag(string goal)
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "walk", "--to", goal);
        Assert.Equal(2, code);
        Assert.Contains("--to must be X,Y,YAWDEG", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("--payload", "-1", "--payload must be 0–10 kg")]
    [InlineData("--random-goals", "0", "--random-goals must be 1–1000")]
    public void Walk_BadOption_Exit2NamingIt(string flag, string value, string message)
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "walk", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Walk_RandomGoals_Json_CountsReachedGoals()
    {
        var (code, stdout, stderr) = CliRunner.Run("sim", "walk", "--random-goals", "1", "--seed", "3", "--json");
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(1, json.RootElement.GetProperty("goals").GetInt32());
        int reached = json.RootElement.GetProperty("reached").GetInt32();
        Assert.Equal(reached == 1 ? 0 : 1, code);
        Assert.False(json.RootElement.GetProperty("everFell").GetBoolean(), stderr);
        Assert.Single(json.RootElement.GetProperty("walks").EnumerateArray());
    }

    [Fact]
    public void Walk_Json_ReachesAShortGoal()
    {
        string png = Path.Combine(Path.GetTempPath(), $"walk-{Guid.NewGuid():N}.png");
        var (code, stdout, stderr) = CliRunner.Run("sim", "walk", "--to", "0.6,0,0", "--plot", png, "--json");
        Assert.True(code == 0, stderr + stdout);
        byte[] header = File.ReadAllBytes(png)[..8];
        File.Delete(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, header);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("reached").GetBoolean());
        Assert.False(json.RootElement.GetProperty("fell").GetBoolean());
        Assert.True(json.RootElement.GetProperty("finalErrorM").GetDouble() < 0.1);
    }

    private const string PalletSite = """
        site: walk-test
        version: 1
        robots:
          - id: h1
        zones:
          - id: pallet
            kind: keep_out
            polygon: [[11, 9.5], [12, 9.5], [12, 10.5], [11, 10.5]]
        """;

    [Fact]
    public void Walk_SiteGoalInsideKeepOut_NoPathNamesTheZone()
    {
        string file = Path.Combine(Path.GetTempPath(), $"walk-site-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, PalletSite);
        try
        {
            var (code, stdout, stderr) = CliRunner.Run("sim", "walk", "--site", file, "--from", "10,10,0", "--to", "11.5,10,0");
            Assert.Equal(1, code);
            Assert.Contains("no path", stdout, StringComparison.Ordinal);
            Assert.Contains("'pallet'", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("reached", stdout, StringComparison.Ordinal);
            _ = stderr;
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Walk_BrokenSiteFile_Exit2NamingTheFile()
    {
        string file = Path.Combine(Path.GetTempPath(), $"walk-site-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, "site: x\nzones: [[[");
        try
        {
            var (code, stdout, stderr) = CliRunner.Run("sim", "walk", "--site", file, "--to", "1,0,0");
            Assert.Equal(2, code);
            Assert.Contains(file, stderr, StringComparison.Ordinal);
            Assert.Equal("", stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void KeepOutZonesSeenFrom_ExpressesZonesInTheStartFrame()
    {
        var model = Robot.Safety.Geofence.SiteFileParser.Parse(PalletSite);
        var zone = Assert.Single(Robot.Cli.Commands.Locomotion.SimWalkCommand.KeepOutZonesSeenFrom(model, new Robot.Control.Locomotion.Pose2(10, 10, Math.PI / 2)));
        Assert.Equal("pallet", zone.Name);
        Assert.Equal(4, zone.Vertices.Count);
        // Site (11, 9.5) seen from (10, 10) facing +y: 0.5 m behind, 1 m to the right.
        Assert.Contains(zone.Vertices, v => Math.Abs(v.X + 0.5) < 1e-9 && Math.Abs(v.Y + 1) < 1e-9);
    }

    [Theory]
    [InlineData("--trace", "t.csv")]
    [InlineData("--plot", "p.png")]
    public void Walk_OutputInAMissingFolder_Exit2NamingTheFlagBeforeWalking(string flag, string name)
    {
        string file = Path.Combine(Path.GetTempPath(), $"no-such-folder-{Guid.NewGuid():N}", name);
        var (code, stdout, stderr) = CliRunner.Run("sim", "walk", "--to", "1,0,0", flag, file);
        Assert.Equal(2, code);
        Assert.Contains($"{flag} {file}: folder", stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout); // refused up front: no walk was reported
    }

    [Fact]
    public void Walk_SiteIsAFolder_Exit2NamingTheFlag()
    {
        string folder = Directory.CreateTempSubdirectory("walk-site-folder-").FullName;
        try
        {
            var (code, stdout, stderr) = CliRunner.Run("sim", "walk", "--site", folder, "--to", "1,0,0");
            Assert.Equal(2, code);
            Assert.Contains($"--site {folder}: is a folder", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal); // no stack trace
            Assert.Equal("", stdout);
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Fact]
    public void Walk_FromWithoutSite_Exit2()
    {
        var (code, _, stderr) = CliRunner.Run("sim", "walk", "--from", "1,1,0", "--to", "1,0,0");
        Assert.Equal(2, code);
        Assert.Contains("--from needs --site", stderr, StringComparison.Ordinal);
    }
}
