using Robot.Runtime.Tasks;
using Robot.Safety.Audit;

namespace Robot.Runtime.Tests.Tasks;

/// <summary>
/// <see cref="TaskManager"/> on a real SQLite store with <see cref="ScriptedTestExecutor"/>
/// standing in for the robot ("ScriptedRobot" in the names). Tests wait for task events through
/// watches, never on the clock.
/// </summary>
public sealed class TaskManagerTests
{
    [Fact]
    public async Task Submit_ScriptedRobot_GoesUnderwayThroughEveryPhaseInOrder_ToCompleted()
    {
        await using var bench = new TaskTestBench(start: false);
        TaskSubmission submission = await bench.SubmitAsync("box-4711");
        Assert.False(submission.Duplicate);
        Assert.Equal(TaskState.Queued, submission.Task.State);
        Assert.Equal("operator:alice", submission.Task.SubmittedBy);
        using TaskWatch watch = bench.Manager.Watch(submission.Task.Id);
        bench.Manager.Start();

        List<TaskEvent> events = await TaskTestBench.CollectAsync(watch);

        Assert.True(events[0].Snapshot);
        Assert.Equal(TaskState.Queued, events[0].State);
        Assert.Equal([TaskState.Underway, TaskState.Completed], events.Where(e => e.IsTransition).Select(e => e.State));
        Assert.Equal(Enum.GetValues<TaskPhase>(), events.Where(e => e.Reason.StartsWith("phase ", StringComparison.Ordinal)).Select(e => e.Phase!.Value));
        TaskEvent last = events[^1];
        Assert.Equal(TaskState.Completed, last.State);
        Assert.Equal(TaskState.Underway, last.PreviousState);
        Assert.Equal("box box-4711 placed in tote-1 and checked", last.Reason);
        Assert.Equal(1, last.Task.Attempts);
        Assert.Equal(TaskState.Completed, bench.Manager.Get(submission.Task.Id).State);
    }

    [Fact]
    public async Task Queue_ScriptedRobot_RunsHigherPriorityFirst_AndSubmissionOrderWithinAPriority()
    {
        await using var bench = new TaskTestBench();
        bench.Executor.HoldAt = TaskPhase.Navigate;
        await bench.SubmitAsync("first");
        Assert.Equal("first", await bench.Executor.WaitingAsync());
        await bench.SubmitAsync("low", priority: -5);
        await bench.SubmitAsync("mid-a", priority: 3);
        await bench.SubmitAsync("high", priority: 10);
        TaskSubmission last = await bench.SubmitAsync("mid-b", priority: 3);
        bench.Executor.HoldAt = null;
        bench.Executor.Release();

        await bench.WaitForAsync(last.Task.Id, TaskState.Completed);
        TaskRecord low = bench.Manager.List().Single(t => t.Request.BoxId == "low");
        await bench.WaitForAsync(low.Id, TaskState.Completed);

        Assert.Equal(["first", "high", "mid-a", "mid-b", "low"], bench.Executor.Started);
    }

    [Fact]
    public async Task Submit_SameKeySameContent_ReturnsTheSameTaskFlaggedDuplicate_AndStoresNothing()
    {
        await using var bench = new TaskTestBench(start: false);
        TaskSubmission first = await bench.SubmitAsync("box-1", key: "order-77");
        TaskSubmission again = await bench.SubmitAsync("box-1", key: "order-77", principal: "operator:bob");

        Assert.True(again.Duplicate);
        Assert.Equal(first.Task, again.Task);
        Assert.Single(bench.Manager.List());
    }

    [Fact]
    public async Task Submit_SameKeyOtherContent_IsAlreadyExists_NamingTheKeyAndTask()
    {
        await using var bench = new TaskTestBench(start: false);
        TaskSubmission first = await bench.SubmitAsync("box-1", key: "order-77");

        var e = await Assert.ThrowsAsync<TaskException>(() => bench.SubmitAsync("box-2", key: "order-77"));

        Assert.Equal(TaskError.AlreadyExists, e.Error);
        Assert.Equal($"idempotency_key: 'order-77' already names task {first.Task.Id} (box box-1 from shelf-a/l1/s1 to tote-1, priority 0); " +
            "this request asks for box box-2 from shelf-a/l1/s1 to tote-1, priority 0: use a new key for a different task", e.Message);
        Assert.Single(bench.Manager.List());
    }

    [Theory]
    [InlineData("shelf-z/l9/s9", "tote-1", "source: unknown location 'shelf-z/l9/s9'; known slots: shelf-a/l1/s1, shelf-a/l2/s1")]
    [InlineData("shelf-a/l1/s1", "tote-9", "destination: unknown location 'tote-9'; known totes: tote-1, tote-2")]
    [InlineData("shelf-a/l1/s1", "shelf-a/l2/s1", "destination: 'shelf-a/l2/s1' is a slot, not a tote; known totes: tote-1, tote-2")]
    [InlineData("tote-1", "park-1", "source: 'tote-1' is a tote, not a slot; known slots: shelf-a/l1/s1, shelf-a/l2/s1; destination: 'park-1' is a waypoint, not a tote; known totes: tote-1, tote-2")]
    public async Task Submit_BadLocations_AreInvalidArgument_NamingEachAndListingTheKnown_AndStoreNothing(string source, string destination, string message)
    {
        await using var bench = new TaskTestBench();

        var e = await Assert.ThrowsAsync<TaskException>(() => bench.SubmitAsync("box-1", source, destination, key: "k1"));

        Assert.Equal(TaskError.InvalidArgument, e.Error);
        Assert.Equal(message, e.Message);
        Assert.Empty(bench.Manager.List());
        Assert.Empty(bench.Executor.Started);
    }

    [Fact]
    public async Task Submit_ScriptedRobotHasNoPath_IsFailedPrecondition_WithThePlannersReason_AndStoresNothing()
    {
        await using var bench = new TaskTestBench();
        bench.Executor.Feasibility = _ => "no path: goal inside keep-out zone charger-pit";

        var e = await Assert.ThrowsAsync<TaskException>(() => bench.SubmitAsync("box-1"));

        Assert.Equal(TaskError.FailedPrecondition, e.Error);
        Assert.Equal("the robot cannot serve this task now: no path: goal inside keep-out zone charger-pit", e.Message);
        Assert.Empty(bench.Manager.List());
    }

    [Fact]
    public void Request_BadFields_AreInvalidArgument_NamingEveryField()
    {
        var e = Assert.Throws<TaskException>(() => new PickTaskRequest("", " tote-1", "t", 5000, new string('k', 129)));

        Assert.Equal(TaskError.InvalidArgument, e.Error);
        Assert.Equal("box_id: required; source: ' tote-1' has control characters or leading/trailing spaces; idempotency_key: 129 characters, at most 128 allowed; priority: 5000 is outside -1000..1000", e.Message);
    }

    [Fact]
    public async Task Cancel_QueuedTask_IsCanceledAtOnce_AndNeverRuns()
    {
        await using var bench = new TaskTestBench(start: false);
        TaskSubmission submission = await bench.SubmitAsync("box-1");

        TaskActionResult result = await bench.Manager.CancelAsync(submission.Task.Id, "operator:bob");
        bench.Manager.Start();

        Assert.Equal(TaskState.Canceled, result.Task.State);
        Assert.Equal("canceled by operator:bob while queued", result.Task.Reason);
        Assert.Equal("canceled while queued; the robot never started it", result.Message);
        Assert.Equal(TaskState.Canceled, bench.Manager.Get(submission.Task.Id).State);
        await bench.SubmitAsync("box-2");
        TaskRecord next = bench.Manager.List()[0];
        await bench.WaitForAsync(next.Id, TaskState.Completed);
        Assert.Equal(["box-2"], bench.Executor.Started);
    }

    [Fact]
    public async Task Cancel_UnderwayTask_ScriptedRobotSeesTheCancelToken_PutsTheBoxDown_AndEndsCanceled()
    {
        await using var bench = new TaskTestBench();
        bench.Executor.HoldAt = TaskPhase.Carry;
        TaskSubmission submission = await bench.SubmitAsync("box-1");
        await bench.Executor.WaitingAsync();

        TaskActionResult result = await bench.Manager.CancelAsync(submission.Task.Id, "operator:bob");
        TaskRecord ended = await bench.WaitForAsync(submission.Task.Id, TaskState.Canceled);

        Assert.Equal(TaskState.Underway, result.Task.State);
        Assert.StartsWith("cancel requested: the robot finishes to a safe stance", result.Message, StringComparison.Ordinal);
        Assert.Equal("cancel token", bench.Executor.EndedBy["box-1"]);
        Assert.Equal("canceled by operator:bob: put the box down, standing at a safe stance", ended.Reason);
        Assert.Equal(TaskPhase.Carry, ended.Phase);
    }

    [Fact]
    public async Task Kill_UnderwayTask_ScriptedRobotSeesTheKillToken_AndEndsKilled()
    {
        await using var bench = new TaskTestBench();
        bench.Executor.HoldAt = TaskPhase.Approach;
        TaskSubmission submission = await bench.SubmitAsync("box-1");
        await bench.Executor.WaitingAsync();

        TaskActionResult result = await bench.Manager.KillAsync(submission.Task.Id, "operator:bob");
        TaskRecord ended = await bench.WaitForAsync(submission.Task.Id, TaskState.Killed);

        Assert.StartsWith("kill requested", result.Message, StringComparison.Ordinal);
        Assert.Equal("kill token", bench.Executor.EndedBy["box-1"]);
        Assert.Equal("killed by operator:bob: stopped where it was", ended.Reason);
    }

    [Fact]
    public async Task Cancel_CompletedTask_IsFailedPrecondition_AndTheTaskStaysAsItWas()
    {
        await using var bench = new TaskTestBench();
        TaskSubmission submission = await bench.SubmitAsync("box-1");
        TaskRecord done = await bench.WaitForAsync(submission.Task.Id, TaskState.Completed);

        var cancel = await Assert.ThrowsAsync<TaskException>(() => bench.Manager.CancelAsync(done.Id));
        var kill = await Assert.ThrowsAsync<TaskException>(() => bench.Manager.KillAsync(done.Id));

        Assert.Equal(TaskError.FailedPrecondition, cancel.Error);
        Assert.Equal($"task {done.Id} already ended completed (box box-1 placed in tote-1 and checked); nothing to cancel", cancel.Message);
        Assert.EndsWith("nothing to kill", kill.Message, StringComparison.Ordinal);
        Assert.Equal(done, bench.Manager.Get(done.Id));
    }

    [Fact]
    public async Task CancelKillGetWatch_UnknownId_AreNotFound()
    {
        await using var bench = new TaskTestBench();

        foreach (Func<Task> call in (Func<Task>[])[() => bench.Manager.CancelAsync("t-99"), () => bench.Manager.KillAsync("t-99"), () => Task.FromResult(bench.Manager.Get("t-99")), () => Task.FromResult(bench.Manager.Watch("t-99"))])
        {
            var e = await Assert.ThrowsAsync<TaskException>(call);
            Assert.Equal(TaskError.NotFound, e.Error);
            Assert.Equal("no task 't-99' on this robot", e.Message);
        }
    }

    [Fact]
    public async Task Restart_TaskUnderwayWhenTheProcessDied_IsFailed_AndQueuedTasksStillRun()
    {
        await using var bench = new TaskTestBench(start: false);
        TaskSubmission underway = await bench.SubmitAsync("box-1");
        TaskSubmission queued = await bench.SubmitAsync("box-2", key: "k2");
        await bench.Manager.DisposeAsync();
        // What a killed process leaves behind: the first task underway in the store.
        using (TaskStore store = TaskStore.Open(bench.StorePath))
        {
            store.Append(TaskStateMachine.Transition(store.Get(underway.Task.Id)!, TaskState.Underway, "dispatched to the robot", DateTimeOffset.UtcNow));
        }

        TaskManager restarted = bench.Open(start: false);

        TaskRecord failed = Assert.Single(restarted.Recovered);
        Assert.Equal(underway.Task.Id, failed.Id);
        Assert.Equal(TaskState.Failed, failed.State);
        Assert.Equal("robot runtime restarted while underway", restarted.Get(underway.Task.Id).Reason);
        TaskSubmission again = await bench.SubmitAsync("box-2", key: "k2");
        Assert.True(again.Duplicate);
        Assert.Equal(queued.Task.Id, again.Task.Id);
        restarted.Start();
        await bench.WaitForAsync(queued.Task.Id, TaskState.Completed);
        Assert.Equal(["box-2"], bench.Executor.Started);
    }

    [Fact]
    public async Task Watch_AllTasks_StartsWithASnapshotOfUnfinishedTasks_ThenEveryChange()
    {
        await using var bench = new TaskTestBench(start: false);
        TaskSubmission a = await bench.SubmitAsync("box-a");
        await bench.Manager.CancelAsync(a.Task.Id);
        TaskSubmission b = await bench.SubmitAsync("box-b");
        using TaskWatch watch = bench.Manager.Watch();
        bench.Manager.Start();

        var events = new List<TaskEvent>();
        using var deadline = new CancellationTokenSource(TaskTestBench.FailAfter);
        await foreach (TaskEvent e in watch.ReadAllAsync(deadline.Token))
        {
            events.Add(e);
            if (e.State == TaskState.Completed)
            {
                break;
            }
        }

        TaskEvent snapshot = events[0];
        Assert.True(snapshot.Snapshot);
        Assert.Equal(b.Task.Id, snapshot.Task.Id);
        Assert.DoesNotContain(events, e => e.Task.Id == a.Task.Id);
        Assert.All(events.Skip(1), e => Assert.False(e.Snapshot));
        Assert.Equal(TaskState.Underway, events[1].State);
        Assert.Equal(TaskState.Queued, events[1].PreviousState);
    }

    [Fact]
    public async Task Watch_SlowWatcher_DoesNotStallTheScriptedRobot_AndLearnsHowManyEventsItMissed()
    {
        await using var bench = new TaskTestBench(start: false);
        bench.Executor.PickAttempts = 300;
        TaskSubmission submission = await bench.SubmitAsync("box-1");
        using TaskWatch slow = bench.Manager.Watch(); // never read while the task runs
        bench.Manager.Start();

        await bench.WaitForAsync(submission.Task.Id, TaskState.Completed);

        Assert.True(slow.Dropped > 0);
        List<TaskEvent> buffered = [];
        using var deadline = new CancellationTokenSource(TaskTestBench.FailAfter);
        await foreach (TaskEvent e in slow.ReadAllAsync(deadline.Token))
        {
            buffered.Add(e);
            if (e.State == TaskState.Completed)
            {
                break;
            }
        }
        Assert.True(buffered[0].DroppedBefore > 0);
        Assert.Equal(TaskManagerDefaults.WatchCapacity + 1, buffered.Count);
        Assert.Equal(300, buffered[^1].Task.Attempts);
    }

    [Fact]
    public async Task Audit_ScriptedRobotBlockedBySafety_SubmissionsBlocksAndEnds_AreInTheSqliteAuditLog()
    {
        await using var bench = new TaskTestBench(audit: true);
        bench.Executor.BlockAt = TaskPhase.Carry;
        TaskSubmission blocked = await bench.SubmitAsync("box-1");
        await bench.Executor.WaitingAsync();
        Assert.Equal(TaskState.Blocked, bench.Manager.Get(blocked.Task.Id).State);
        Assert.Equal("protective stop: person in zone packing", bench.Manager.Get(blocked.Task.Id).Reason);
        bench.Executor.Release();
        await bench.WaitForAsync(blocked.Task.Id, TaskState.Completed);
        bench.Executor.BlockAt = null;
        bench.Executor.FailAt = TaskPhase.CheckGrasp;
        TaskSubmission failed = await bench.SubmitAsync("box-2");
        await bench.WaitForAsync(failed.Task.Id, TaskState.Failed);
        await bench.Manager.DisposeAsync();
        await bench.AuditLog!.SignTreeHeadAsync();

        using AuditLogFile file = bench.AuditLog.OpenReader();
        var records = file.Query(new AuditQuery()).Select(r => r.Record).Where(r => r.Category == AuditCategory.Task).ToList();
        Assert.Equal(["task.submitted", "task.blocked", "task.unblocked", "task.submitted", "task.failed"], records.Select(r => r.Type));
        Assert.Equal(["operator:alice", "system", "system", "operator:alice", "system"], records.Select(r => r.Principal));
        Assert.All(records, r => Assert.Equal("h1", r.Source));
        Assert.Contains("\"reason\":\"protective stop: person in zone packing\"", records[1].Details, StringComparison.Ordinal);
        Assert.Equal("blocked", records[1].Result);
        Assert.Contains("\"reason\":\"grasp failed on every attempt\"", records[4].Details, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_ArePinned()
    {
        var options = new TaskManagerOptions();
        Assert.Equal("robot", options.RobotId);
        Assert.Equal(256, options.WatchCapacity);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.AuditTimeout);
        Assert.Null(options.AuditLog);
        Assert.Equal("robot runtime restarted while underway", TaskManagerDefaults.RestartReason);
    }

    [Fact]
    public void Options_Invalid_ReportEveryError()
    {
        var options = new TaskManagerOptions { RobotId = " ", WatchCapacity = 0, ShutdownTimeout = TimeSpan.Zero, AuditTimeout = TimeSpan.FromSeconds(-1) };

        var e = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("invalid task manager options: RobotId is required; WatchCapacity must be at least 1 (got 0); ShutdownTimeout must be positive (got 00:00:00); AuditTimeout must be positive (got -00:00:01)", e.Message);
    }
}
