using System.Text.Json;
using Robot.Safety.Audit;

namespace Robot.Runtime.Tasks;

/// <summary>
/// Which task events are safety-relevant, and their audit records (category
/// <see cref="AuditCategory.Task"/>): submissions, operators' cancel and kill requests,
/// transitions to blocked, failed, canceled and killed, and the end of a block (the robot moves
/// again). Phase reports and completions are telemetry, not audit.
/// </summary>
internal static class TaskAudit
{
    /// <summary>The audit type of <paramref name="e"/>, or null when it is not audited.</summary>
    public static string? TypeOf(TaskEvent e)
    {
        if (e.Snapshot)
        {
            return null;
        }
        if (e.PreviousState is null)
        {
            return "task.submitted";
        }
        if (e.PreviousState == TaskState.Blocked && e.State == TaskState.Underway)
        {
            return "task.unblocked";
        }
        return e.IsTransition && e.State is TaskState.Blocked or TaskState.Failed or TaskState.Canceled or TaskState.Killed
            ? "task." + e.State.ToName()
            : null;
    }

    /// <summary>The record of an audited event.</summary>
    /// <param name="e">The event.</param>
    /// <param name="type">From <see cref="TypeOf"/>.</param>
    /// <param name="robotId">Source and robot of the record.</param>
    /// <param name="principal">Who caused it: the submitter or operator, or "system" for the executor.</param>
    public static AuditRecord Record(TaskEvent e, string type, string robotId, string principal) =>
        new(e.Time, robotId, AuditCategory.Task, type, e.PreviousState is null ? "accepted" : e.State.ToName(), principal, robotId, Details: Details(e.Task, e.PreviousState, e.Reason));

    /// <summary>The record of an operator's request to cancel or kill a running task (the task's end is audited when it comes).</summary>
    /// <param name="task">The running task.</param>
    /// <param name="type">"task.cancel_requested" or "task.kill_requested".</param>
    /// <param name="reason">The request's reason.</param>
    /// <param name="robotId">Source and robot of the record.</param>
    /// <param name="principal">The operator.</param>
    /// <param name="now">When.</param>
    public static AuditRecord Request(TaskRecord task, string type, string reason, string robotId, string principal, DateTimeOffset now) =>
        new(now, robotId, AuditCategory.Task, type, "requested", principal, robotId, Details: Details(task, task.State, reason));

    private static string Details(TaskRecord task, TaskState? previous, string reason) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["task"] = task.Id,
        ["box"] = task.Request.BoxId,
        ["source"] = task.Request.Source,
        ["destination"] = task.Request.Destination,
        ["priority"] = task.Request.Priority,
        ["previous"] = previous?.ToName(),
        ["state"] = task.State.ToName(),
        ["phase"] = task.Phase?.ToName(),
        ["reason"] = reason,
    });
}
