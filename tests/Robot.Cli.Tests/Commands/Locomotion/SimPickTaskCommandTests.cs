using Robot.Runtime.Tests.Execution;
namespace Robot.Cli.Tests.Commands.Locomotion;

public sealed class SimPickTaskCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pick-task-").FullName;
    private readonly string _site;


    public SimPickTaskCommandTests()
    {
        _site = Path.Combine(_dir, "site.yaml");
        File.WriteAllText(_site, TestHall.Site);
    }

    [Theory]
    [InlineData("--source", "shelf/nope", "--source shelf/nope: the site has no such location (its slots: shelf/high, shelf/s1, shelf/s2)")]
    [InlineData("--source", "tote-1", "--source tote-1: is a tote, expected a slot")]
    public void BadLocation_Exit2NamingIt(string flag, string value, string expected)
    {
        string[] args = flag == "--source"
            ? ["sim", "pick-task", "--site", _site, "--source", value, "--destination", "tote-1", "--policy", "scripted"]
            : ["sim", "pick-task", "--site", _site, "--source", "shelf/s1", "--destination", value, "--policy", "scripted"];
        var (code, _, stderr) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DestinationIsASlot_Exit2()
    {
        var (code, _, stderr) = CliRunner.Run("sim", "pick-task", "--site", _site, "--source", "shelf/s1", "--destination", "shelf/high", "--policy", "scripted");
        Assert.Equal(2, code);
        Assert.Contains("--destination shelf/high: is a slot, expected a tote", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SlotAboveTheArm_Exit1WithTheReason()
    {
        var (code, _, stderr) = CliRunner.Run("sim", "pick-task", "--site", _site, "--source", "shelf/high", "--destination", "tote-1", "--policy", "scripted", "--from", "2,1.8,90");
        Assert.Equal(1, code);
        Assert.Contains("shelf/high is at 1.30 m", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPolicyFolder_Exit2()
    {
        var (code, _, stderr) = CliRunner.Run("sim", "pick-task", "--site", _site, "--source", "shelf/s1", "--destination", "tote-1", "--policy", Path.Combine(_dir, "none"));
        Assert.Equal(2, code);
        Assert.Contains("no such folder", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TraceInAMissingFolder_Exit2NamingTheFlagBeforeTheTask()
    {
        string trace = Path.Combine(_dir, "no-such-folder", "trace.csv");
        var (code, stdout, stderr) = CliRunner.Run("sim", "pick-task", "--site", _site, "--source", "shelf/s1", "--destination", "tote-1", "--policy", "scripted",
            "--trace", trace);
        Assert.Equal(2, code);
        Assert.Contains($"--trace {trace}: folder {Path.Combine(_dir, "no-such-folder")} does not exist", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout); // refused up front: no task ran
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
