using Grpc.Core;
using Contracts = Robot.Runtime.Tasks.Contracts;

namespace Robot.Runtime.Tasks.Hosting;

/// <summary>Copies between the robot.tasks.v1 wire messages and the task domain, and maps refusals to status codes.</summary>
public static class TaskProtoMapping
{
    /// <summary>The wire form of <paramref name="task"/>.</summary>
    public static Contracts.PickTask ToProto(TaskRecord task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new Contracts.PickTask
        {
            Id = task.Id,
            BoxId = task.Request.BoxId,
            Source = task.Request.Source,
            Destination = task.Request.Destination,
            Priority = task.Request.Priority,
            IdempotencyKey = task.Request.IdempotencyKey ?? "",
            State = ToProto(task.State),
            Reason = task.Reason,
            Phase = ToProto(task.Phase),
            Attempts = task.Attempts,
            CreatedUnixMs = task.CreatedAt.ToUnixTimeMilliseconds(),
            UpdatedUnixMs = task.UpdatedAt.ToUnixTimeMilliseconds(),
            SubmittedBy = task.SubmittedBy,
        };
    }

    /// <summary>The wire form of <paramref name="e"/>.</summary>
    public static Contracts.TaskEvent ToProto(TaskEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new Contracts.TaskEvent
        {
            Task = ToProto(e.Task),
            PreviousState = e.PreviousState is { } previous ? ToProto(previous) : Contracts.TaskState.Unspecified,
            NewState = ToProto(e.State),
            Reason = e.Reason,
            Phase = ToProto(e.Phase),
            TimeUnixMs = e.Time.ToUnixTimeMilliseconds(),
            Snapshot = e.Snapshot,
            DroppedBefore = (uint)e.DroppedBefore,
        };
    }

    /// <summary>The wire state (the domain enum shifted by one: 0 is "unspecified" on the wire).</summary>
    public static Contracts.TaskState ToProto(TaskState state) => (Contracts.TaskState)((int)state + 1);

    /// <summary>The domain state, or null for unspecified or unknown values.</summary>
    public static TaskState? ToDomain(Contracts.TaskState state) =>
        state is > Contracts.TaskState.Unspecified and <= Contracts.TaskState.Completed ? (TaskState)((int)state - 1) : null;

    /// <summary>The wire phase; unspecified for none.</summary>
    public static Contracts.TaskPhase ToProto(TaskPhase? phase) => phase is { } p ? (Contracts.TaskPhase)((int)p + 1) : Contracts.TaskPhase.Unspecified;

    /// <summary>The domain phase, or null for unspecified or unknown values.</summary>
    public static TaskPhase? ToDomain(Contracts.TaskPhase phase) =>
        phase is > Contracts.TaskPhase.Unspecified and <= Contracts.TaskPhase.Check ? (TaskPhase)((int)phase - 1) : null;

    /// <summary>A refusal as the RpcException the client sees.</summary>
    public static RpcException ToRpc(TaskException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new RpcException(new Status(e.Error switch
        {
            TaskError.InvalidArgument => StatusCode.InvalidArgument,
            TaskError.NotFound => StatusCode.NotFound,
            TaskError.FailedPrecondition => StatusCode.FailedPrecondition,
            TaskError.AlreadyExists => StatusCode.AlreadyExists,
            TaskError.Unavailable => StatusCode.Unavailable,
            _ => StatusCode.Unknown,
        }, e.Message));
    }
}
