using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robot.Safety.Audit;
using Robot.Safety.Geofence;

namespace Robot.Runtime.Tasks;

/// <summary>
/// Accepts pick tasks for one robot and runs them, one at a time, through an
/// <see cref="IPickTaskExecutor"/>. A submission is checked against the site's named locations
/// (the source a slot, the destination a tote) and asked of the executor
/// (<see cref="IPickTaskExecutor.CheckFeasible"/>) before anything is stored; a refusal stores
/// nothing. Accepted tasks wait in a priority queue (higher priority first, submission order
/// within a priority) and a background loop hands them to the executor. Every change is stored
/// (<see cref="TaskStore"/>), logged, offered to every watcher without ever waiting for one
/// (<see cref="TaskWatch"/>) and, when safety-relevant, audited (see <see cref="TaskManagerOptions.AuditLog"/>).
/// <para>
/// Restart: tasks still queued in the store run after a restart; a task that was underway or
/// blocked when the process died is failed with <see cref="TaskManagerDefaults.RestartReason"/>,
/// not re-queued: the robot may have held or dropped the box, so repeating the pick blindly is
/// unsafe; an operator resubmits once the cell is checked.
/// </para>
/// </summary>
public sealed class TaskManager : IAsyncDisposable
{
    private const string System = "system";

    private readonly IPickTaskExecutor _executor;
    private readonly TaskStore _store;
    private readonly string _robotId;
    private readonly IAuditLog? _audit;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _watchCapacity;
    private readonly TimeSpan _shutdownTimeout;
    private readonly TimeSpan _auditTimeout;

    private readonly Lock _lock = new();
    // Queued tasks by id (the truth) and the order to run them in: (-priority, sequence). A
    // task canceled while queued leaves the dictionary; its queue entry is skipped when reached.
    private readonly Dictionary<string, TaskRecord> _queued = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, (int NegativePriority, long Sequence)> _order = new();
    private readonly List<TaskWatch> _watchers = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private TaskRun? _current;
    private Task? _loop;
    private string? _stoppedReason;
    // Set when the loop has ended (a store failure, or stopping): nothing runs here any more.
    private string? _loopEnded;
    private bool _disposed;

    /// <summary>
    /// Opens the manager over <paramref name="store"/> (which it then owns and disposes):
    /// recovers from a previous run (see the class summary) but runs nothing until <see cref="Start"/>.
    /// </summary>
    /// <param name="site">The site whose <see cref="SiteModel.Locations"/> name the slots and totes.</param>
    /// <param name="executor">Runs the tasks on the robot.</param>
    /// <param name="store">Durable task records.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public TaskManager(SiteModel site, IPickTaskExecutor executor, TaskStore store, TaskManagerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(store);
        options ??= new TaskManagerOptions();
        options.Validate();
        Site = site;
        _executor = executor;
        _store = store;
        _robotId = options.RobotId;
        _audit = options.AuditLog;
        _logger = options.Logger ?? NullLogger.Instance;
        _time = options.TimeProvider;
        _watchCapacity = options.WatchCapacity;
        _shutdownTimeout = options.ShutdownTimeout;
        _auditTimeout = options.AuditTimeout;
        Recovered = Recover();
    }

    /// <summary>The site the locations come from.</summary>
    public SiteModel Site { get; }

    /// <summary>Tasks that were underway when the previous process stopped and were failed when this manager opened.</summary>
    public IReadOnlyList<TaskRecord> Recovered { get; }

    /// <summary>The task the executor is running now, or null.</summary>
    public TaskRecord? Current
    {
        get
        {
            lock (_lock)
            {
                return _current?.Task;
            }
        }
    }

    /// <summary>
    /// Why the manager refuses new tasks, or null while it accepts them: its loop stopped because the
    /// store failed ("the task loop stopped: …"; a restart is needed), or it is stopping. The robot
    /// service reports NOT_SERVING on gRPC health while this is set.
    /// </summary>
    public string? StoppedReason
    {
        get
        {
            lock (_lock)
            {
                return _stoppedReason;
            }
        }
    }

    /// <summary>Starts the background loop that runs queued tasks. Idempotent.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loop is not null)
            {
                return;
            }
            _loop = Task.Run(RunLoopAsync);
        }
        _wake.Release();
    }

    /// <summary>
    /// Checks and accepts <paramref name="request"/>. A repeated idempotency key with the same
    /// content answers with the existing task (<see cref="TaskSubmission.Duplicate"/>, nothing
    /// stored). Refusals throw <see cref="TaskException"/> and store nothing: InvalidArgument
    /// for an unknown or wrong-kind location, AlreadyExists for a key used with other content,
    /// FailedPrecondition when the executor says the robot cannot serve it, Unavailable when
    /// the manager is stopping. Completes once the task is stored and its audit record durable
    /// (or the audit timeout passed).
    /// </summary>
    /// <param name="request">The checked request.</param>
    /// <param name="principal">Who submits ("role:name"); null for "system".</param>
    public async Task<TaskSubmission> SubmitAsync(PickTaskRequest request, string? principal = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        string by = string.IsNullOrEmpty(principal) ? System : principal;
        try
        {
            ThrowIfStopped();
            if (FindDuplicate(request) is { } duplicate)
            {
                return duplicate;
            }
            var (source, destination) = ResolveLocations(request);
            if (_executor.CheckFeasible(request, source, destination) is { } problem)
            {
                throw new TaskException(TaskError.FailedPrecondition, $"the robot cannot serve this task now: {problem}");
            }
            TaskSubmission submission;
            ValueTask<long>? audit = null;
            lock (_lock)
            {
                ThrowIfStopped();
                long sequence = _store.NextSequence();
                TaskEvent created = TaskStateMachine.Create($"t-{sequence}", request, sequence, by, Now);
                if (_store.TryInsert(created, out TaskRecord? existing))
                {
                    _queued.Add(created.Task.Id, created.Task);
                    _order.Enqueue(created.Task.Id, (-request.Priority, sequence));
                    audit = Publish(created, by);
                    submission = new TaskSubmission(created.Task, false);
                }
                else
                {
                    // The same key arrived twice at once: the first one won.
                    submission = AsDuplicate(existing!, request);
                }
            }
            _wake.Release();
            await AwaitAuditAsync(audit).ConfigureAwait(false);
            return submission;
        }
        catch (TaskException e)
        {
            TaskLog.Refused(_logger, e.Error, e.Message);
            throw;
        }
    }

    /// <summary>
    /// Ends a task gracefully: a queued task is canceled at once; an underway or blocked one is
    /// asked to finish to a safe stance (the executor's cancel token) and ends CANCELED when it
    /// has. Throws <see cref="TaskException"/>: NotFound for an unknown id, FailedPrecondition
    /// for a finished task (which stays as it is), Unavailable once the task loop has ended
    /// (<see cref="StoppedReason"/>): nothing runs here to carry the request out.
    /// </summary>
    /// <param name="taskId">The task.</param>
    /// <param name="principal">Who asks ("role:name"); null for "system".</param>
    public Task<TaskActionResult> CancelAsync(string taskId, string? principal = null) => EndAsync(taskId, principal, kill: false);

    /// <summary>
    /// Ends a task immediately (the last resort): a queued task is killed at once; a running one
    /// gets the executor's kill token and ends KILLED. Same refusals as <see cref="CancelAsync"/>.
    /// </summary>
    /// <param name="taskId">The task.</param>
    /// <param name="principal">Who asks ("role:name"); null for "system".</param>
    public Task<TaskActionResult> KillAsync(string taskId, string? principal = null) => EndAsync(taskId, principal, kill: true);

    /// <summary>The task with <paramref name="taskId"/>; throws <see cref="TaskException"/> (NotFound) when there is none.</summary>
    public TaskRecord Get(string taskId) => _store.Get(taskId) ?? throw NotFound(taskId);

    /// <summary>Tasks newest first, only those in <paramref name="state"/> when given.</summary>
    /// <param name="state">Only this state; null for all.</param>
    /// <param name="limit">At most this many (≥ 1).</param>
    public IReadOnlyList<TaskRecord> List(TaskState? state = null, int limit = 100) => _store.List(state, limit);

    /// <summary>
    /// Starts watching: first a snapshot event of each matching task (with <paramref name="taskId"/>
    /// that task, else every task not yet finished), then every change. Throws
    /// <see cref="TaskException"/> (NotFound) for an unknown id. Dispose the watch to stop.
    /// </summary>
    /// <param name="taskId">One task, or null for all.</param>
    public TaskWatch Watch(string? taskId = null)
    {
        lock (_lock)
        {
            IReadOnlyList<TaskRecord> snapshot = taskId is null ? _store.Unfinished() : [_store.Get(taskId) ?? throw NotFound(taskId)];
            var watch = new TaskWatch(taskId, _watchCapacity + snapshot.Count, Unregister);
            DateTimeOffset now = Now;
            bool open = true;
            foreach (TaskRecord task in snapshot)
            {
                open &= watch.Offer(new TaskEvent(task, task.State, task.Reason, now, Snapshot: true));
            }
            if (open && _stoppedReason is null)
            {
                _watchers.Add(watch);
            }
            else
            {
                watch.Complete();
            }
            return watch;
        }
    }

    /// <summary>
    /// Stops: refuses new work, asks a running task to end gracefully (reason "robot runtime
    /// stopping"), kills it after <see cref="TaskManagerOptions.ShutdownTimeout"/>, ends every
    /// watch and closes the store. Queued tasks stay queued for the next start.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        TaskRun? run;
        Task? loop;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _stoppedReason ??= "the robot runtime is stopping";
            run = _current;
            loop = _loop;
            if (run is not null)
            {
                run.CancelRequest ??= ("robot runtime stopping", System);
            }
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (run is not null && loop is not null)
        {
            Signal(run.Cancel);
            if (!await EndsWithinAsync(loop).ConfigureAwait(false))
            {
                lock (_lock)
                {
                    run.KillRequest ??= ($"robot runtime stopping: the graceful end took longer than {_shutdownTimeout.TotalSeconds:0.#} s", System);
                }
                Signal(run.Kill);
                if (!await EndsWithinAsync(loop).ConfigureAwait(false))
                {
                    TaskLog.ShutdownAbandoned(_logger, run.Task.Id, _shutdownTimeout);
                }
            }
        }
        else if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }
        lock (_lock)
        {
            foreach (TaskWatch watch in _watchers)
            {
                watch.Complete();
            }
            _watchers.Clear();
            _store.Dispose();
        }
        _stopping.Dispose();
    }

    /// <summary>Applies an executor report to <paramref name="run"/> unless the run has ended or the report does not fit the task's state.</summary>
    internal void Report(TaskRun run, string what, Func<TaskRecord, DateTimeOffset, TaskEvent?> change)
    {
        lock (_lock)
        {
            TaskEvent? e = run.Ended || !ReferenceEquals(run, _current) ? null : change(run.Task, Now);
            if (e is null)
            {
                TaskLog.IgnoredReport(_logger, run.Task.Id, what);
                return;
            }
            Commit(e, System);
        }
    }

    // Whole milliseconds, as the store keeps them: a task read back equals the one in memory.
    private DateTimeOffset Now => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());

    private List<TaskRecord> Recover()
    {
        var failed = new List<TaskRecord>();
        lock (_lock)
        {
            foreach (TaskRecord task in _store.Unfinished())
            {
                if (task.State == TaskState.Queued)
                {
                    _queued.Add(task.Id, task);
                    _order.Enqueue(task.Id, (-task.Request.Priority, task.Sequence));
                    continue;
                }
                TaskLog.Recovered(_logger, task.Id);
                TaskEvent e = TaskStateMachine.Transition(task, TaskState.Failed, TaskManagerDefaults.RestartReason, Now);
                Commit(e, System);
                failed.Add(e.Task);
            }
        }
        return failed;
    }

    private TaskSubmission? FindDuplicate(PickTaskRequest request) =>
        request.IdempotencyKey is { } key && _store.FindByKey(key) is { } existing ? AsDuplicate(existing, request) : null;

    private static TaskSubmission AsDuplicate(TaskRecord existing, PickTaskRequest request)
    {
        if (!existing.Request.SameContentAs(request))
        {
            throw new TaskException(TaskError.AlreadyExists,
                $"idempotency_key: '{request.IdempotencyKey}' already names task {existing.Id} ({Describe(existing.Request)}); " +
                $"this request asks for {Describe(request)}: use a new key for a different task");
        }
        return new TaskSubmission(existing, true);
    }

    private static string Describe(PickTaskRequest r) => $"box {r.BoxId} from {r.Source} to {r.Destination}, priority {r.Priority}";

    /// <summary>The source slot and destination tote, or InvalidArgument naming each bad id and the known ones.</summary>
    private (SiteLocation Source, SiteLocation Destination) ResolveLocations(PickTaskRequest request)
    {
        var errors = new List<string>();
        SiteLocation? source = Resolve(errors, "source", request.Source, SiteLocationKind.Slot);
        SiteLocation? destination = Resolve(errors, "destination", request.Destination, SiteLocationKind.Tote);
        if (errors.Count > 0)
        {
            throw new TaskException(TaskError.InvalidArgument, string.Join("; ", errors));
        }
        return (source!, destination!);
    }

    private SiteLocation? Resolve(List<string> errors, string field, string id, SiteLocationKind kind)
    {
        string kindName = kind.ToString().ToLowerInvariant();
        string[] known = Site.Locations.Values.Where(l => l.Kind == kind).Select(l => l.Id).Order(StringComparer.Ordinal).ToArray();
        string knownText = known.Length == 0 ? $"the site file ({Site.Name}) has no {kindName} locations" : $"known {kindName}s: {string.Join(", ", known)}";
        if (!Site.Locations.TryGetValue(id, out SiteLocation? location))
        {
            errors.Add($"{field}: unknown location '{id}'; {knownText}");
            return null;
        }
        if (location.Kind != kind)
        {
            errors.Add($"{field}: '{id}' is a {location.Kind.ToString().ToLowerInvariant()}, not a {kindName}; {knownText}");
            return null;
        }
        return location;
    }

    private async Task<TaskActionResult> EndAsync(string taskId, string? principal, bool kill)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        string by = string.IsNullOrEmpty(principal) ? System : principal;
        string verb = kill ? "killed" : "canceled";
        ValueTask<long>? audit = null;
        CancellationTokenSource? signal = null;
        TaskActionResult result;
        lock (_lock)
        {
            if (_loopEnded is { } ended)
            {
                throw new TaskException(TaskError.Unavailable, $"task {taskId} cannot be {verb} here: {ended}; restart the robot runtime (a task that was underway is then failed)");
            }
            if (_queued.Remove(taskId, out TaskRecord? queued))
            {
                TaskEvent e = TaskStateMachine.Transition(queued, kill ? TaskState.Killed : TaskState.Canceled, $"{verb} by {by} while queued", Now);
                audit = Commit(e, by);
                result = new TaskActionResult(e.Task, $"{verb} while queued; the robot never started it");
            }
            else if (_current is { } run && run.Task.Id == taskId)
            {
                result = RequestEnd(run, by, kill, out audit, out signal);
            }
            else
            {
                TaskRecord task = _store.Get(taskId) ?? throw NotFound(taskId);
                throw new TaskException(TaskError.FailedPrecondition, task.State.IsFinal()
                    ? $"task {taskId} already ended {task.State.ToName()} ({task.Reason}); nothing to {(kill ? "kill" : "cancel")}"
                    : $"task {taskId} is {task.State.ToName()} but not running here (the task manager is stopping)");
            }
        }
        // Outside the lock: token callbacks run the executor's own code.
        if (signal is not null)
        {
            Signal(signal);
        }
        await AwaitAuditAsync(audit).ConfigureAwait(false);
        return result;
    }

    /// <summary>Records a cancel or kill request on the running task (the first of each kind counts); the caller signals the token.</summary>
    private TaskActionResult RequestEnd(TaskRun run, string by, bool kill, out ValueTask<long>? audit, out CancellationTokenSource? signal)
    {
        audit = null;
        signal = null;
        string reason = $"{(kill ? "killed" : "canceled")} by {by}";
        if (kill ? run.KillRequest is null : run.CancelRequest is null)
        {
            if (kill)
            {
                run.KillRequest = (reason, by);
                signal = run.Kill;
            }
            else
            {
                run.CancelRequest = (reason, by);
                signal = run.Cancel;
            }
            audit = Audit(TaskAudit.Request(run.Task, kill ? "task.kill_requested" : "task.cancel_requested", reason, _robotId, by, Now), run.Task.Id);
        }
        string message = kill
            ? "kill requested: the robot stops where it is; the final state (killed) arrives on watch"
            : "cancel requested: the robot finishes to a safe stance and puts down a held box; the final state arrives on watch";
        return new TaskActionResult(run.Task, message);
    }

    private async Task RunLoopAsync()
    {
        CancellationToken stopping = _stopping.Token;
        try
        {
            while (true)
            {
                await _wake.WaitAsync(stopping).ConfigureAwait(false);
                while (TryStartNext() is { } run)
                {
                    using (run)
                    {
                        TaskOutcome outcome = await ExecuteAsync(run).ConfigureAwait(false);
                        Finish(run, outcome);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The store failed (disk full, file removed): refuse new work rather than hold tasks queued forever.
            string taskId;
            lock (_lock)
            {
                _stoppedReason ??= $"the task loop stopped: {e.Message}";
                taskId = _current?.Task.Id ?? "-";
            }
            TaskLog.ExecutorThrew(_logger, e, taskId);
        }
        finally
        {
            lock (_lock)
            {
                _loopEnded = _stoppedReason ?? "the task loop ended";
                // A run whose final state could not be stored has ended all the same (its task is
                // failed at the next start); a cancel must not be promised a final state that never comes.
                _current = null;
            }
        }
    }

    /// <summary>Takes the next queued task (highest priority, then oldest), marks it underway and returns its run; null when none or stopping.</summary>
    private TaskRun? TryStartNext()
    {
        lock (_lock)
        {
            while (_stoppedReason is null && _order.TryDequeue(out string? id, out _))
            {
                if (!_queued.Remove(id, out TaskRecord? task))
                {
                    continue;
                }
                if (!Site.Locations.TryGetValue(task.Request.Source, out SiteLocation? source)
                    || !Site.Locations.TryGetValue(task.Request.Destination, out SiteLocation? destination))
                {
                    // Only after a restart with a changed site file.
                    Commit(TaskStateMachine.Transition(task, TaskState.Failed, $"source '{task.Request.Source}' or destination '{task.Request.Destination}' is no longer in the site file", Now), System);
                    continue;
                }
                var run = new TaskRun(task, source, destination);
                _current = run;
                Commit(TaskStateMachine.Transition(task, TaskState.Underway, "dispatched to the robot", Now), System);
                return run;
            }
            return null;
        }
    }

    private async Task<TaskOutcome> ExecuteAsync(TaskRun run)
    {
        try
        {
            TaskOutcome? outcome = await _executor.ExecuteAsync(run.Task.Request, run.Source, run.Destination, new TaskProgressReporter(this, run), run.Cancel.Token, run.Kill.Token).ConfigureAwait(false);
            return outcome is null || string.IsNullOrWhiteSpace(outcome.Reason)
                ? new TaskOutcome(outcome?.Kind ?? TaskOutcomeKind.Failed, "the executor ended the task without a reason")
                : outcome;
        }
        catch (OperationCanceledException) when (run.Kill.IsCancellationRequested || run.Cancel.IsCancellationRequested)
        {
            return new TaskOutcome(run.Kill.IsCancellationRequested ? TaskOutcomeKind.Killed : TaskOutcomeKind.Canceled, "the executor stopped without reporting an outcome");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            TaskLog.ExecutorThrew(_logger, e, run.Task.Id);
            return new TaskOutcome(TaskOutcomeKind.Failed, $"executor error: {e.Message}");
        }
    }

    /// <summary>Records the outcome as the task's final state; a canceled or killed task's reason says who asked.</summary>
    private void Finish(TaskRun run, TaskOutcome outcome)
    {
        lock (_lock)
        {
            (TaskState state, (string Reason, string By)? request) = outcome.Kind switch
            {
                TaskOutcomeKind.Completed => (TaskState.Completed, null),
                TaskOutcomeKind.Canceled => (TaskState.Canceled, run.CancelRequest),
                TaskOutcomeKind.Killed => (TaskState.Killed, run.KillRequest ?? run.CancelRequest),
                _ => ((TaskState, (string, string)?))(TaskState.Failed, null),
            };
            string reason = request is { } r ? $"{r.Reason}: {outcome.Reason}" : outcome.Reason;
            TaskEvent e = TaskStateMachine.Transition(run.Task, state, reason, Now);
            Commit(e, request?.By ?? System);
            run.Ended = true;
            _current = null;
        }
    }

    /// <summary>Stores a change of an existing task and publishes it. Caller holds the lock.</summary>
    private ValueTask<long>? Commit(TaskEvent e, string principal)
    {
        _store.Append(e);
        if (_current is { } run && run.Task.Id == e.Task.Id)
        {
            run.Task = e.Task;
        }
        return Publish(e, principal);
    }

    /// <summary>Logs <paramref name="e"/>, offers it to every watcher (never waiting) and audits it when safety-relevant. Caller holds the lock.</summary>
    private ValueTask<long>? Publish(TaskEvent e, string principal)
    {
        TaskLog.Changed(_logger, e.Task.Id, e.PreviousState?.ToName() ?? "new", e.State.ToName(), e.Phase?.ToName() ?? "-", e.Reason);
        for (int i = _watchers.Count - 1; i >= 0; i--)
        {
            if (!_watchers[i].Offer(e))
            {
                _watchers.RemoveAt(i);
            }
        }
        return TaskAudit.TypeOf(e) is { } type ? Audit(TaskAudit.Record(e, type, _robotId, principal), e.Task.Id) : null;
    }

    /// <summary>
    /// Queues <paramref name="record"/> (called under the lock, so records keep the order of
    /// events). A failure is logged, never thrown: the change itself has happened.
    /// </summary>
    private ValueTask<long>? Audit(AuditRecord record, string taskId)
    {
        if (_audit is null)
        {
            return null;
        }
        try
        {
            ValueTask<long> append = _audit.AppendAsync(record);
            if (!append.IsCompleted)
            {
                // Observe a later failure even when nobody awaits it (executor-driven changes).
                Task<long> task = append.AsTask();
                _ = task.ContinueWith(t => TaskLog.AuditFailed(_logger, t.Exception!.GetBaseException(), record.Type, taskId),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                return new ValueTask<long>(task);
            }
            return append;
        }
        catch (Exception e) when (e is ObjectDisposedException or ArgumentException or InvalidOperationException)
        {
            TaskLog.AuditFailed(_logger, e, record.Type, taskId);
            return null;
        }
    }

    /// <summary>Waits for an operator action's audit record to be durable, at most the audit timeout; failures were logged by <see cref="Audit"/>.</summary>
    private async Task AwaitAuditAsync(ValueTask<long>? audit)
    {
        if (audit is not { } pending)
        {
            return;
        }
        try
        {
            await pending.AsTask().WaitAsync(_auditTimeout, _time).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Logged where it was queued; the operator's request has been carried out.
        }
    }

    private async Task<bool> EndsWithinAsync(Task loop)
    {
        Task done = await Task.WhenAny(loop, Task.Delay(_shutdownTimeout, _time)).ConfigureAwait(false);
        return done == loop;
    }

    private static void Signal(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended meanwhile.
        }
    }

    private void Unregister(TaskWatch watch)
    {
        lock (_lock)
        {
            _watchers.Remove(watch);
        }
    }

    private void ThrowIfStopped()
    {
        string? reason;
        lock (_lock)
        {
            reason = _stoppedReason;
        }
        if (reason is not null)
        {
            throw new TaskException(TaskError.Unavailable, $"not accepting tasks: {reason}");
        }
    }

    private static TaskException NotFound(string taskId) => new(TaskError.NotFound, $"no task '{taskId}' on this robot");
}
