namespace Robot.Runtime.Tasks;

/// <summary>
/// The legal life of a task. Queued → underway → (blocked ⇄ underway) → completed | failed |
/// canceled | killed; a queued task may also be canceled, killed or failed (a restart).
/// Final states are final. Every change carries a non-empty reason; an illegal change throws
/// <see cref="InvalidOperationException"/> (a bug in the caller, never an operator error).
/// </summary>
public static class TaskStateMachine
{
    /// <summary>True when a task in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static bool IsLegal(TaskState from, TaskState to) => from switch
    {
        TaskState.Queued => to is TaskState.Underway or TaskState.Canceled or TaskState.Killed or TaskState.Failed,
        TaskState.Underway => to is TaskState.Blocked or TaskState.Completed or TaskState.Failed or TaskState.Canceled or TaskState.Killed,
        // An executor may end a task without reporting the end of a block first.
        TaskState.Blocked => to is TaskState.Underway or TaskState.Completed or TaskState.Failed or TaskState.Canceled or TaskState.Killed,
        _ => false,
    };

    /// <summary>A new queued task.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="request">What was asked.</param>
    /// <param name="sequence">Submission order.</param>
    /// <param name="submittedBy">Principal.</param>
    /// <param name="now">Creation time (UTC).</param>
    public static TaskEvent Create(string id, PickTaskRequest request, long sequence, string submittedBy, DateTimeOffset now)
    {
        const string reason = "accepted, waiting for the robot";
        var task = new TaskRecord(id, request, TaskState.Queued, reason, null, 0, now, now, submittedBy, sequence);
        return new TaskEvent(task, null, reason, now);
    }

    /// <summary>Moves <paramref name="task"/> to <paramref name="to"/>; throws when the move is illegal or the reason empty.</summary>
    /// <param name="task">The task as it is.</param>
    /// <param name="to">The new state.</param>
    /// <param name="reason">Why (non-empty).</param>
    /// <param name="now">When (UTC).</param>
    public static TaskEvent Transition(TaskRecord task, TaskState to, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(task);
        CheckReason(reason);
        if (!IsLegal(task.State, to))
        {
            throw new InvalidOperationException($"task {task.Id}: {task.State.ToName()} → {to.ToName()} is not a legal transition ({reason})");
        }
        return new TaskEvent(task with { State = to, Reason = reason, UpdatedAt = now }, task.State, reason, now);
    }

    /// <summary>A phase report of a running (underway or blocked) task; the state does not change.</summary>
    /// <param name="task">The task as it is.</param>
    /// <param name="phase">The phase entered.</param>
    /// <param name="detail">What the executor said; may be empty.</param>
    /// <param name="now">When (UTC).</param>
    public static TaskEvent EnterPhase(TaskRecord task, TaskPhase phase, string detail, DateTimeOffset now)
    {
        CheckRunning(task, "a phase");
        string reason = string.IsNullOrWhiteSpace(detail) ? $"phase {phase.ToName()}" : $"phase {phase.ToName()}: {detail}";
        return new TaskEvent(task with { Phase = phase, Reason = reason, UpdatedAt = now }, task.State, reason, now);
    }

    /// <summary>An attempt report of a running task; the state does not change.</summary>
    /// <param name="task">The task as it is.</param>
    /// <param name="attempt">1-based attempt number.</param>
    /// <param name="now">When (UTC).</param>
    public static TaskEvent StartAttempt(TaskRecord task, int attempt, DateTimeOffset now)
    {
        CheckRunning(task, "an attempt");
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        string reason = $"pick attempt {attempt}";
        return new TaskEvent(task with { Attempts = Math.Max(task.Attempts, attempt), Reason = reason, UpdatedAt = now }, task.State, reason, now);
    }

    private static void CheckRunning(TaskRecord task, string what)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.State is not (TaskState.Underway or TaskState.Blocked))
        {
            throw new InvalidOperationException($"task {task.Id} is {task.State.ToName()}: {what} can only be reported while it is underway or blocked");
        }
    }

    private static void CheckReason(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("every task change needs a reason", nameof(reason));
        }
    }
}
