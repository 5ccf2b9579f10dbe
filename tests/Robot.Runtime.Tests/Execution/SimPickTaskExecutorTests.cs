using Robot.Runtime.Execution;
using Robot.Runtime.Policy;
using Robot.Runtime.Tasks;
using Robot.Safety.Geofence;

namespace Robot.Runtime.Tests.Execution;

/// <summary>
/// The task manager driving the MuJoCo humanoid (no scripted stand-in): real SQLite store, real simulation,
/// the shipped ACT policy picking, as the product runs.
/// </summary>
public sealed class SimPickTaskExecutorTests : IAsyncLifetime
{

    private readonly string _dir = Directory.CreateTempSubdirectory("sim-tasks-").FullName;
    private readonly SiteModel _site = SiteFileParser.Parse(TestHall.Site);
    private readonly SimSiteRobot _robot;
    private readonly TaskManager _manager;

    public SimPickTaskExecutorTests()
    {
        _robot = new SimSiteRobot(_site, new SimSiteRobotOptions { Start = (2.0, 1.8, 90), PolicyDirectory = ShippedPolicy.ActPick });
        _manager = new TaskManager(_site, new SimPickTaskExecutor(_robot), TaskStore.Open(Path.Combine(_dir, "tasks.db")), new TaskManagerOptions { RobotId = "h1" });
        _manager.Start();
    }

    [Fact]
    public async Task Submit_SlotAboveTheArm_IsRefusedWithTheRobotsReason_AndStoresNothing()
    {
        var e = await Assert.ThrowsAsync<TaskException>(() => _manager.SubmitAsync(new PickTaskRequest("box-1", "shelf/high", "tote-1")));
        Assert.Equal(TaskError.FailedPrecondition, e.Error);
        Assert.Contains("shelf/high is at 1.30 m", e.Message, StringComparison.Ordinal);
        Assert.Empty(_manager.List());
    }

    [Fact]
    public async Task Submit_SimulatedRobot_WalksPicksCarriesAndPlaces_ThePhasesInOrder_Completed()
    {
        Assert.StartsWith("policy:", _robot.Picker, StringComparison.Ordinal);
        TaskSubmission submitted = await _manager.SubmitAsync(new PickTaskRequest("box-1", "shelf/s1", "tote-1"));
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using TaskWatch watch = _manager.Watch(submitted.Task.Id);
        var phases = new List<TaskPhase>();
        TaskRecord? last = null;
        await foreach (TaskEvent e in watch.ReadAllAsync(deadline.Token))
        {
            if (e.Phase is { } phase && (phases.Count == 0 || phases[^1] != phase))
            {
                phases.Add(phase);
            }
            last = e.Task;
        }

        Assert.NotNull(last);
        Assert.True(last.State == TaskState.Completed, $"{last.State}: {last.Reason}");
        Assert.Equal("the box rests in tote-1; moved from shelf/s1 to tote-1", last.Reason);
        Assert.Equal([TaskPhase.Navigate, TaskPhase.Approach, TaskPhase.Pick, TaskPhase.CheckGrasp, TaskPhase.Carry, TaskPhase.Place, TaskPhase.Check], phases);
        Assert.False(_robot.Fell, last.Reason);

        // Off to the next shelf: the empty arm is stowed by the side, below the board it will step up to
        // (held at the reach's home, the hand struck the next shelf's board and toppled the robot).
        SiteLocation next = _site.Locations["shelf/s1"];
        var (walked, why) = _robot.WalkTo(next, false, default, default);
        Assert.True(walked == SimSiteRobot.SkillResult.Done, why);
        Assert.True(_robot.Hand.Z < next.Z - 0.1, $"the hand walks at {_robot.Hand.Z:0.000} m, the board is at {next.Z:0.00} m");

        // A second box into the same tote goes beside the first, not onto it (dropped on one spot, a
        // third box stood on the first two, above the rim).
        TaskRecord second = await RunToEndAsync(new PickTaskRequest("box-2", "shelf/s2", "tote-1"));
        Assert.True(second.State == TaskState.Completed, $"{second.State}: {second.Reason}");
        Robot.Core.Geometry.Vec3 first = _robot.BoxAt(_site.Locations["shelf/s1"]), beside = _robot.BoxAt(_site.Locations["shelf/s2"]);
        double apart = Math.Sqrt(((first.X - beside.X) * (first.X - beside.X)) + ((first.Y - beside.Y) * (first.Y - beside.Y)));
        Assert.True(apart > 0.06, $"the boxes rest {apart:0.000} m apart in the tote, at {first} and {beside}");
        Assert.False(_robot.Fell);
    }

    private async Task<TaskRecord> RunToEndAsync(PickTaskRequest request)
    {
        TaskSubmission submitted = await _manager.SubmitAsync(request);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using TaskWatch watch = _manager.Watch(submitted.Task.Id);
        TaskRecord? last = null;
        await foreach (TaskEvent e in watch.ReadAllAsync(deadline.Token))
        {
            last = e.Task;
        }
        return last ?? throw new InvalidOperationException($"no event for {submitted.Task.Id}");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _manager.DisposeAsync();
        _robot.Dispose();
        Directory.Delete(_dir, true);
    }
}
