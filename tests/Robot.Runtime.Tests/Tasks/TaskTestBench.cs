using Robot.Runtime.Tasks;
using Robot.Safety.Audit;
using Robot.Safety.Geofence;

namespace Robot.Runtime.Tests.Tasks;

/// <summary>
/// A task manager on a real SQLite store in a temp folder, a site with two slots, two totes and a
/// waypoint, and a <see cref="ScriptedTestExecutor"/> standing in for the robot. Disposing
/// stops the manager and deletes the folder.
/// </summary>
public sealed class TaskTestBench : IAsyncDisposable
{
    public const string SiteYaml = """
        site: tasks-test
        version: 1
        robots:
          - id: h1
            work_area: hall
        zones:
          - id: hall
            kind: work_area
            polygon: [[0, 0], [60, 0], [60, 40], [0, 40]]
          - id: charger-pit
            kind: keep_out
            polygon: [[2, 34], [6, 34], [6, 38], [2, 38]]
        locations:
          - id: shelf-a/l1/s1
            kind: slot
            at: [12.0, 20.0, 0.80]
            approach: [11.2, 20.0, 0]
          - id: shelf-a/l2/s1
            kind: slot
            at: [12.0, 20.5, 1.30]
            approach: [11.2, 20.5, 0]
          - id: tote-1
            kind: tote
            at: [10.0, 18.5, 0.55]
            approach: [10.0, 19.3, -90]
          - id: tote-2
            kind: tote
            at: [8.0, 18.5, 0.55]
            approach: [8.0, 19.3, -90]
          - id: park-1
            kind: waypoint
            at: [4.0, 4.0, 0]
            approach: [4.0, 4.0, 90]
        """;

    public static SiteModel Site { get; } = SiteFileParser.Parse(SiteYaml);

    public static readonly TimeSpan FailAfter = TimeSpan.FromSeconds(20);

    private readonly string _dir = Directory.CreateTempSubdirectory("robot-tasks-").FullName;
    private SqliteAuditLog? _audit;

    public TaskTestBench(bool start = true, bool audit = false)
    {
        if (audit)
        {
            _audit = SqliteAuditLog.Open(new SqliteAuditLogOptions { DatabasePath = AuditPath, Durability = AuditDurability.Normal, SignInterval = null });
        }
        Manager = Open(start);
    }

    public ScriptedTestExecutor Executor { get; } = new();

    public TaskManager Manager { get; private set; }

    public string StorePath => Path.Combine(_dir, "tasks.db");

    public string AuditPath => Path.Combine(_dir, "audit.db");

    public SqliteAuditLog? AuditLog => _audit;

    /// <summary>A new manager on the same store file (after <see cref="Manager"/> was disposed): a restart.</summary>
    public TaskManager Open(bool start = true)
    {
        var manager = new TaskManager(Site, Executor, TaskStore.Open(StorePath), new TaskManagerOptions { RobotId = "h1", AuditLog = _audit, ShutdownTimeout = TimeSpan.FromSeconds(5) });
        if (start)
        {
            manager.Start();
        }
        Manager = manager;
        return manager;
    }

    public Task<TaskSubmission> SubmitAsync(string box, string source = "shelf-a/l1/s1", string destination = "tote-1", int priority = 0, string? key = null, string principal = "operator:alice") =>
        Manager.SubmitAsync(new PickTaskRequest(box, source, destination, priority, key), principal);

    /// <summary>Watches <paramref name="taskId"/> until it reaches <paramref name="state"/>; returns the task then.</summary>
    public async Task<TaskRecord> WaitForAsync(string taskId, TaskState state)
    {
        using var deadline = new CancellationTokenSource(FailAfter);
        using TaskWatch watch = Manager.Watch(taskId);
        await foreach (TaskEvent e in watch.ReadAllAsync(deadline.Token))
        {
            if (e.State == state)
            {
                return e.Task;
            }
        }
        throw new InvalidOperationException($"task {taskId} ended {Manager.Get(taskId).State} without reaching {state}");
    }

    /// <summary>Every event of a watch until it ends (a watch of one task ends with the task).</summary>
    public static async Task<List<TaskEvent>> CollectAsync(TaskWatch watch)
    {
        using var deadline = new CancellationTokenSource(FailAfter);
        var events = new List<TaskEvent>();
        await foreach (TaskEvent e in watch.ReadAllAsync(deadline.Token))
        {
            events.Add(e);
        }
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        if (_audit is not null)
        {
            await _audit.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
