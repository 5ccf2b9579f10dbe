namespace Robot.Runtime.Tasks;

/// <summary>How an executor ended a task.</summary>
public enum TaskOutcomeKind
{
    /// <summary>The box is in the tote and checked.</summary>
    Completed,

    /// <summary>The task could not be done (no path, grasp failed every attempt, …).</summary>
    Failed,

    /// <summary>Ended gracefully on request: safe stance reached, nothing held.</summary>
    Canceled,

    /// <summary>Stopped immediately on request, wherever the robot was.</summary>
    Killed,
}

/// <summary>The end of a task as the executor reports it.</summary>
/// <param name="Kind">Completed, failed, canceled or killed.</param>
/// <param name="Reason">Why, in words for operators (never empty).</param>
public sealed record TaskOutcome(TaskOutcomeKind Kind, string Reason);
