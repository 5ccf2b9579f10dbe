namespace Robot.Runtime.Tasks;

/// <summary>The <see cref="ITaskProgress"/> handed to the executor for one task run; forwards to the manager, which ignores reports once the run has ended.</summary>
internal sealed class TaskProgressReporter(TaskManager manager, TaskRun run) : ITaskProgress
{
    public void Phase(TaskPhase phase, string detail) =>
        manager.Report(run, $"phase {phase}", (task, now) => TaskStateMachine.EnterPhase(task, phase, detail ?? "", now));

    public void Attempt(int attempt) =>
        manager.Report(run, $"attempt {attempt}", (task, now) => attempt >= 1 ? TaskStateMachine.StartAttempt(task, attempt, now) : null);

    public void Blocked(string reason) =>
        manager.Report(run, $"blocked: {reason}", (task, now) => task.State == TaskState.Underway
            ? TaskStateMachine.Transition(task, TaskState.Blocked, NonEmpty(reason, "blocked"), now)
            : null);

    public void Unblocked(string reason) =>
        manager.Report(run, $"unblocked: {reason}", (task, now) => task.State == TaskState.Blocked
            ? TaskStateMachine.Transition(task, TaskState.Underway, NonEmpty(reason, "unblocked"), now)
            : null);

    private static string NonEmpty(string? reason, string fallback) => string.IsNullOrWhiteSpace(reason) ? $"{fallback} (the executor gave no reason)" : reason;
}
