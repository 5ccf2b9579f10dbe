using Robot.Runtime.Tasks;

namespace Robot.Runtime.Tests.Tasks;

/// <summary><see cref="TaskStore"/> on real SQLite files in a temp folder.</summary>
public sealed class TaskStoreTests
{
    [Fact]
    public async Task Open_FileAnotherRuntimeHolds_IsRefusedNamingTheFile_AndTheOwnersTaskRunsOnUntouched()
    {
        await using var bench = new TaskTestBench();
        bench.Executor.HoldAt = TaskPhase.Navigate;
        TaskSubmission running = await bench.SubmitAsync("box-1");
        await bench.Executor.WaitingAsync();

        var e = Assert.Throws<TaskStoreInUseException>(() => TaskStore.Open(bench.StorePath).Dispose());

        Assert.Equal(
            $"the task store {bench.StorePath} is in use by another robot runtime (it holds the lock file {bench.StorePath}.lock); " +
            "stop that runtime first, or give this one its own store (--tasks-db)", e.Message);
        Assert.Equal(bench.StorePath, e.DatabasePath);
        Assert.Equal(TaskState.Underway, bench.Manager.Get(running.Task.Id).State);
        bench.Executor.Release();
        await bench.WaitForAsync(running.Task.Id, TaskState.Completed);
    }

    [Fact]
    public async Task Open_AfterTheOwnerClosed_Succeeds()
    {
        await using var bench = new TaskTestBench(start: false);
        TaskSubmission queued = await bench.SubmitAsync("box-1");
        await bench.Manager.DisposeAsync();

        using TaskStore store = TaskStore.Open(bench.StorePath);

        Assert.Equal(TaskState.Queued, store.Get(queued.Task.Id)!.State);
    }

    [Fact]
    public void Append_ChangeMadeFromAStateTheTaskNoLongerHas_IsRefused_AndStoresNothing()
    {
        string dir = Directory.CreateTempSubdirectory("robot-task-store-").FullName;
        try
        {
            using TaskStore store = TaskStore.Open(Path.Combine(dir, "tasks.db"));
            DateTimeOffset now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
            TaskEvent created = TaskStateMachine.Create("t-1", new PickTaskRequest("box-1", "shelf-a/l1/s1", "tote-1"), 1, "operator:alice", now);
            Assert.True(store.TryInsert(created, out _));
            store.Append(TaskStateMachine.Transition(created.Task, TaskState.Underway, "dispatched to the robot", now));

            // Made from the task as it was when queued: another writer's view.
            TaskEvent stale = TaskStateMachine.Transition(created.Task, TaskState.Failed, "robot runtime restarted while underway", now);
            var e = Assert.Throws<InvalidOperationException>(() => store.Append(stale));

            Assert.Equal($"task t-1 is underway in the store {store.DatabasePath}; the change queued → failed (robot runtime restarted while underway) was not stored", e.Message);
            Assert.Equal(TaskState.Underway, store.Get("t-1")!.State);
            Assert.Equal([TaskState.Queued, TaskState.Underway], store.History("t-1").Select(h => h.State));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
