namespace Robot.Runtime.Tasks;

/// <summary>Why a task request was refused; maps one to one onto gRPC status codes.</summary>
public enum TaskError
{
    /// <summary>A field is malformed or names an unknown location (INVALID_ARGUMENT).</summary>
    InvalidArgument,

    /// <summary>No task has the id (NOT_FOUND).</summary>
    NotFound,

    /// <summary>The request is well formed but cannot apply now: a finished task, a task no path can serve (FAILED_PRECONDITION).</summary>
    FailedPrecondition,

    /// <summary>The idempotency key belongs to a task with different content (ALREADY_EXISTS).</summary>
    AlreadyExists,

    /// <summary>The task manager is stopping (UNAVAILABLE).</summary>
    Unavailable,
}

/// <summary>
/// A refused request. Nothing was changed: a refused submission stores nothing, a refused
/// cancel leaves the task as it was. <see cref="Exception.Message"/> is meant for operators.
/// </summary>
public sealed class TaskException(TaskError error, string message) : Exception(message)
{
    /// <summary>The kind of refusal.</summary>
    public TaskError Error { get; } = error;
}
