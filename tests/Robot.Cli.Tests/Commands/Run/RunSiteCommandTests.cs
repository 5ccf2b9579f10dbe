using Robot.Runtime.Telemetry.Mcap;
using Robot.Runtime.Tests.Execution;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Robot.Cli.Tests.Commands.Run;

/// <summary>
/// The operator's flow end to end, no stand-ins: <c>robot run --sim --site</c> serves the MuJoCo
/// humanoid on RobotService; <c>robot task submit --wait</c> dispatches a pick over gRPC and
/// watches it walk, pick, carry and place.
/// </summary>
public sealed class RunSiteCommandTests : IDisposable
{

    private readonly string _dir = Directory.CreateTempSubdirectory("run-site-").FullName;

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public async Task RunSite_SubmitWait_TheSimulatedHumanoidCompletesThePick()
    {
        string site = Path.Combine(_dir, "site.yaml");
        File.WriteAllText(site, TestHall.Site);
        string url = $"http://127.0.0.1:{FreePort()}";
        using var stop = new CancellationTokenSource();
        using var runOut = new StringWriter();
        using var runErr = new StringWriter();
        Task<int> run = RobotCli.RunAsync(["run", "--sim", "--site", site, "--from", "2,1.8,90", "--urls", url, "--tasks-db", Path.Combine(_dir, "tasks.db"), "--seconds", "600"],
            runOut, runErr, stop.Token);
        try
        {
            (int code, string stdout, string stderr) = (1, "", "");
            for (int i = 0; i < 100; i++)
            {
                (code, stdout, stderr) = await CliRunner.RunAsync("task", "submit", "--box", "box-1", "--source", "shelf/s1", "--destination", "tote-1", "--wait", "--json", "--robot", url);
                if (code != 3)
                {
                    break; // reached the robot (3 = not listening yet)
                }
                await Task.Delay(200);
            }
            Assert.True(code == 0, $"{stderr}\nrobot run: {runErr}");
            using JsonDocument json = JsonDocument.Parse(stdout);
            Assert.Equal("completed", json.RootElement.GetProperty("task").GetProperty("state").GetString());
            Assert.Contains("phase carry", stderr, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run);
        }
    }

    [Fact]
    public void RunSite_UnknownRobotId_Exit2NamingTheSitesRobots()
    {
        string site = Path.Combine(_dir, "site.yaml");
        File.WriteAllText(site, TestHall.Site);
        var (code, _, stderr) = CliRunner.Run("run", "--sim", "--site", site, "--robot-id", "h9");
        Assert.Equal(2, code);
        Assert.Contains("--robot-id h9: the site lists no such robot (its robots: h1)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunSite_PolicyFolderWithoutAPolicy_Exit2NamingIt_BeforeAnythingStarts()
    {
        string site = Path.Combine(_dir, "site.yaml");
        File.WriteAllText(site, TestHall.Site);
        string notAPolicy = Directory.CreateDirectory(Path.Combine(_dir, "weights")).FullName;
        var (code, _, stderr) = CliRunner.Run("run", "--sim", "--site", site, "--policy", notAPolicy, "--tasks-db", Path.Combine(_dir, "tasks.db"));
        Assert.Equal(2, code);
        Assert.Contains($"--policy {notAPolicy}: no policy.json in it (not a trained policy folder)", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "tasks.db")), "nothing started: no task store");
    }

    [Fact]
    public void RunSite_RecordIntoAMissingFolder_Exit2NamingRecord_BeforeAnythingStarts()
    {
        string site = Path.Combine(_dir, "site.yaml");
        File.WriteAllText(site, TestHall.Site);
        string mcap = Path.Combine(_dir, "missing", "x.mcap");
        var (code, _, stderr) = CliRunner.Run("run", "--sim", "--site", site, "--record", mcap, "--tasks-db", Path.Combine(_dir, "tasks.db"));
        Assert.Equal(2, code);
        Assert.Contains($"--record {mcap}: folder {Path.Combine(_dir, "missing")} does not exist", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "tasks.db")), "nothing started: no task store");
    }

    [Fact]
    public async Task RunSite_TaskStoreHeldByAnotherRuntime_Exit2NamingTheFile_AndItsTaskIsUntouched()
    {
        string db = Path.Combine(_dir, "tasks.db");
        using var held = Robot.Runtime.Tasks.TaskStore.Open(db);
        var created = Robot.Runtime.Tasks.TaskStateMachine.Create("t-1", new Robot.Runtime.Tasks.PickTaskRequest("box-1", "shelf/s1", "tote-1"), 1, "operator:alice", DateTimeOffset.UtcNow);
        Assert.True(held.TryInsert(created, out _));

        (int code, _, string stderr) = await CliRunner.RunAsync("run", "--sim", "--site", Path.Combine(AppContext.BaseDirectory, "site.demo.yaml"), "--seconds", "2",
            "--urls", "http://127.0.0.1:0", "--tasks-db", db);

        Assert.Equal(2, code);
        Assert.Contains($"robot run: --tasks-db: the task store {db} is in use by another robot runtime", stderr, StringComparison.Ordinal);
        Assert.Equal(Robot.Runtime.Tasks.TaskState.Queued, held.Get("t-1")!.State);
    }

    [Fact]
    public async Task RunSite_Record_WritesAnMcapWithJointStates()
    {
        string mcap = Path.Combine(_dir, "f.mcap");
        (int code, _, string stderr) = await CliRunner.RunAsync("run", "--sim", "--site", Path.Combine(AppContext.BaseDirectory, "site.demo.yaml"), "--seconds", "2",
            "--urls", "http://127.0.0.1:0", "--tasks-db", Path.Combine(_dir, "tasks.db"), "--record", mcap);

        Assert.True(code == 0, stderr);
        McapReader file = McapReader.Read(mcap);
        Assert.False(file.Truncated);
        Assert.True(file.HasFooter);
        McapChannel joints = Assert.Single(file.Channels, c => c.Topic == "/joint_states");
        Assert.Contains("left_hip", joints.Metadata["joints"], StringComparison.Ordinal);
        // The robot stands between tasks with simulated time still: the recording holds the 200
        // settling ticks it ran when built, every tenth (100 Hz).
        Assert.InRange(file.Messages.Count(m => m.ChannelId == joints.Id), 20, 100_000);
        Assert.Contains($"telemetry: {file.Messages.Count} messages in {mcap} (0 frames dropped)", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
