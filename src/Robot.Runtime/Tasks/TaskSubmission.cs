namespace Robot.Runtime.Tasks;

/// <summary>The answer to a submission.</summary>
/// <param name="Task">The task: the new one, or the existing one a duplicate named.</param>
/// <param name="Duplicate">True when the idempotency key named an existing task (nothing new was stored).</param>
public sealed record TaskSubmission(TaskRecord Task, bool Duplicate);

/// <summary>The answer to a cancel or kill.</summary>
/// <param name="Task">The task as it is now (already final when it was queued; still running while the robot ends it).</param>
/// <param name="Message">What happened, in words.</param>
public sealed record TaskActionResult(TaskRecord Task, string Message);
