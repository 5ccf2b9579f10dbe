namespace Robot.Runtime.Tasks;

/// <summary>One change of a task, as watchers, the store and the audit log see it.</summary>
/// <param name="Task">The task after the change.</param>
/// <param name="PreviousState">State before; null when the task was just created. Equal to <see cref="TaskEvent.Task"/>'s state for a phase or attempt change.</param>
/// <param name="Reason">Why it changed (never empty).</param>
/// <param name="Time">When (UTC).</param>
/// <param name="Snapshot">True for the current-state events a watch starts with; they are not changes.</param>
/// <param name="DroppedBefore">Events this watcher missed just before this one (it read too slowly); 0 normally.</param>
public sealed record TaskEvent(TaskRecord Task, TaskState? PreviousState, string Reason, DateTimeOffset Time, bool Snapshot = false, int DroppedBefore = 0)
{
    /// <summary>The state after the change.</summary>
    public TaskState State => Task.State;

    /// <summary>The task's phase after the change.</summary>
    public TaskPhase? Phase => Task.Phase;

    /// <summary>True when the state changed (not a phase or attempt report, not a snapshot).</summary>
    public bool IsTransition => !Snapshot && PreviousState != Task.State;
}
