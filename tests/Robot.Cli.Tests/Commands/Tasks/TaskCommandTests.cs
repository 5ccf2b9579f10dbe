using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Robot.Runtime.Tasks;
using Robot.Runtime.Tasks.Hosting;
using Robot.Runtime.Tests.Tasks;

namespace Robot.Cli.Tests.Commands.Tasks;

/// <summary>
/// <c>robot task submit|list|watch|cancel|kill</c> end to end against a real
/// <see cref="RobotServiceHost"/> on loopback (port 0), a real SQLite task store, and the
/// <see cref="ScriptedTestExecutor"/> standing in for the robot.
/// </summary>
public sealed class TaskCommandTests : IAsyncLifetime
{
    private readonly TaskTestBench _bench = new(start: false);
    private RobotServiceHost? _host;

    private string Url => _host!.Address.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        var options = new RobotServiceHostOptions();
        options.Urls.Add("http://127.0.0.1:0");
        _host = await RobotServiceHost.StartAsync(_bench.Manager, options);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        await _bench.DisposeAsync();
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RobotTask(params string[] args) => CliRunner.RunAsync(["task", .. args, "--robot", Url]);

    [Fact]
    public async Task SubmitWait_ScriptedRobot_Exits0_WithTheCompletedTaskAsJson_AndProgressOnStderr()
    {
        // Phases that take time, as a robot's do: the watch opens after the submit, and an instant
        // executor can be past every phase by then (failed CI under load).
        _bench.Executor.PhaseDelay = TimeSpan.FromMilliseconds(500);
        var (code, stdout, stderr) = await RobotTask("submit", "--box", "box-4711", "--source", "shelf-a/l1/s1", "--destination", "tote-1", "--priority", "3", "--key", "order-1", "--wait", "--json");

        Assert.True(code == 0, stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        JsonElement task = json.RootElement.GetProperty("task");
        Assert.Equal("completed", task.GetProperty("state").GetString());
        Assert.Equal("box box-4711 placed in tote-1 and checked", task.GetProperty("reason").GetString());
        Assert.Equal(3, task.GetProperty("priority").GetInt32());
        Assert.Equal("order-1", task.GetProperty("idempotencyKey").GetString());
        Assert.False(json.RootElement.GetProperty("duplicate").GetBoolean());
        Assert.Contains("t-1: accepted; waiting for it to end", stderr, StringComparison.Ordinal);
        Assert.Contains("t-1 underway: phase place", stderr, StringComparison.Ordinal);
        Assert.Contains("t-1 underway → completed: box box-4711 placed in tote-1 and checked", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_SameKeyTwice_SecondIsReportedAsDuplicateOfTheFirst()
    {
        var first = await RobotTask("submit", "--box", "b", "--source", "shelf-a/l1/s1", "--destination", "tote-1", "--key", "k");
        var second = await RobotTask("submit", "--box", "b", "--source", "shelf-a/l1/s1", "--destination", "tote-1", "--key", "k");

        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith("task t-1 (queued): box b from shelf-a/l1/s1 to tote-1, priority 0", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.StartsWith("duplicate of t-1 (", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListJson_ListsTasksNewestFirst_AndStateFilters()
    {
        _bench.Executor.HoldAt = TaskPhase.Navigate;
        await RobotTask("submit", "--box", "a", "--source", "shelf-a/l1/s1", "--destination", "tote-1");
        await _bench.Executor.WaitingAsync();
        await RobotTask("submit", "--box", "b", "--source", "shelf-a/l2/s1", "--destination", "tote-2");
        await RobotTask("kill", "t-2");

        var (code, stdout, _) = await RobotTask("list", "--json");
        var killed = await RobotTask("list", "--state", "killed", "--json");

        Assert.Equal(0, code);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.Equal(["t-2", "t-1"], json.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        using JsonDocument onlyKilled = JsonDocument.Parse(killed.Stdout);
        JsonElement task = Assert.Single(onlyKilled.RootElement.GetProperty("tasks").EnumerateArray());
        Assert.Equal("killed by insecure:loopback while queued", task.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Cancel_FinishedTask_Exits1_WithTheRobotsReasonOnStderr()
    {
        Assert.Equal(0, (await RobotTask("submit", "--box", "b", "--source", "shelf-a/l1/s1", "--destination", "tote-1", "--wait")).ExitCode);

        var (code, stdout, stderr) = await RobotTask("cancel", "t-1");

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Equal("error: FAILED_PRECONDITION: task t-1 already ended completed (box b placed in tote-1 and checked); nothing to cancel", stderr.Trim());
    }

    [Fact]
    public async Task Cancel_QueuedTask_Exits0_AndUnknownId_Exits1NotFound()
    {
        _bench.Executor.HoldAt = TaskPhase.Navigate;
        await RobotTask("submit", "--box", "a", "--source", "shelf-a/l1/s1", "--destination", "tote-1");
        await _bench.Executor.WaitingAsync();
        await RobotTask("submit", "--box", "b", "--source", "shelf-a/l1/s1", "--destination", "tote-1");

        var canceled = await RobotTask("cancel", "t-2");
        var unknown = await RobotTask("kill", "t-9");

        Assert.Equal(0, canceled.ExitCode);
        Assert.Equal("t-2 (canceled): canceled while queued; the robot never started it", canceled.Stdout.Trim());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("error: NOT_FOUND: no task 't-9' on this robot", unknown.Stderr.Trim());
    }

    [Fact]
    public async Task Submit_UnknownSource_Exits1_NamingTheLocationAndTheKnownOnes()
    {
        var (code, _, stderr) = await RobotTask("submit", "--box", "b", "--source", "shelf-x", "--destination", "tote-1");

        Assert.Equal(1, code);
        Assert.Equal("error: INVALID_ARGUMENT: source: unknown location 'shelf-x'; known slots: shelf-a/l1/s1, shelf-a/l2/s1", stderr.Trim());
    }

    [Fact]
    public async Task WatchJson_OneTask_PrintsOneObjectPerLine_AndEndsWithTheTask()
    {
        _bench.Manager.Start();
        Assert.Equal(0, (await RobotTask("submit", "--box", "b", "--source", "shelf-a/l1/s1", "--destination", "tote-1", "--wait")).ExitCode);

        var (code, stdout, _) = await RobotTask("watch", "--task", "t-1", "--json");

        Assert.Equal(0, code);
        string line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using JsonDocument json = JsonDocument.Parse(line);
        Assert.True(json.RootElement.GetProperty("snapshot").GetBoolean());
        Assert.Equal("completed", json.RootElement.GetProperty("newState").GetString());
    }

    [Fact]
    public async Task Unreachable_Exits3_NamingTheUrl()
    {
        string url = $"http://127.0.0.1:{FreePort()}";

        var (code, _, stderr) = await CliRunner.RunAsync("task", "list", "--robot", url);

        Assert.Equal(3, code);
        Assert.StartsWith($"error: robot runtime unreachable at 127.0.0.1:", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "list", "--state", "done" }, "error: --state: 'done' is not a task state; expected one of queued, underway, blocked, failed, canceled, killed, completed")]
    [InlineData(new[] { "submit", "--box", "b", "--source", "s", "--destination", "t", "--priority", "5000" }, "error: --priority: 5000 is outside -1000..1000")]
    [InlineData(new[] { "list", "--robot", "ftp://x" }, "error: --robot: 'ftp://x' is not an http:// or https:// address")]
    public async Task BadFlags_Exit2_NamingTheFlag(string[] args, string message)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(["task", .. args]);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal(message, stderr.Trim());
    }

    [Fact]
    public async Task Submit_WithoutBox_IsAParseError_Exit2()
    {
        var (code, _, stderr) = await RobotTask("submit", "--source", "s", "--destination", "t");

        Assert.Equal(2, code);
        Assert.Contains("robot task submit: ", stderr, StringComparison.Ordinal);
        Assert.Contains("--box", stderr, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
