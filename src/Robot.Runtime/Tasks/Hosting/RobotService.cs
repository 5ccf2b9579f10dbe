using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Robot.Runtime.Tasks.Contracts;
using Robot.Safety.Hosting;

namespace Robot.Runtime.Tasks.Hosting;

/// <summary>
/// robot.tasks.v1.RobotService over gRPC: thin over <see cref="TaskManager"/>. The caller's
/// principal ("role:name" from its client certificate, or "insecure:loopback") is recorded on
/// submissions, cancels and kills; authorisation happens before, in the access-policy interceptor.
/// </summary>
public sealed class RobotService : Contracts.RobotService.RobotServiceBase
{
    private readonly TaskManager _tasks;
    private readonly RobotServiceHostOptions _options;
    private readonly IHostApplicationLifetime _lifetime;

    /// <summary>Serves <paramref name="tasks"/>.</summary>
    /// <param name="tasks">The domain object.</param>
    /// <param name="options">The host's options (insecure or not).</param>
    /// <param name="lifetime">Ends watch streams when the host stops.</param>
    public RobotService(TaskManager tasks, RobotServiceHostOptions options, IHostApplicationLifetime lifetime)
    {
        _tasks = tasks;
        _options = options;
        _lifetime = lifetime;
    }

    private string Principal(ServerCallContext context) => CallerIdentityResolver.Resolve(context, null, !_options.MutualTls).Principal;

    /// <inheritdoc />
    public override async Task<SubmitPickTaskReply> SubmitPickTask(SubmitPickTaskRequest request, ServerCallContext context)
    {
        try
        {
            var pick = new PickTaskRequest(request.BoxId, request.Source, request.Destination, request.Priority, request.IdempotencyKey);
            TaskSubmission submission = await _tasks.SubmitAsync(pick, Principal(context)).ConfigureAwait(false);
            return new SubmitPickTaskReply { Task = TaskProtoMapping.ToProto(submission.Task), Duplicate = submission.Duplicate };
        }
        catch (TaskException e)
        {
            throw TaskProtoMapping.ToRpc(e);
        }
    }

    /// <inheritdoc />
    public override Task<TaskActionReply> Cancel(CancelTaskRequest request, ServerCallContext context) => EndAsync(request.TaskId, context, kill: false);

    /// <inheritdoc />
    public override Task<TaskActionReply> Kill(KillTaskRequest request, ServerCallContext context) => EndAsync(request.TaskId, context, kill: true);

    private async Task<TaskActionReply> EndAsync(string taskId, ServerCallContext context, bool kill)
    {
        if (string.IsNullOrEmpty(taskId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "task_id: required"));
        }
        try
        {
            TaskActionResult result = kill
                ? await _tasks.KillAsync(taskId, Principal(context)).ConfigureAwait(false)
                : await _tasks.CancelAsync(taskId, Principal(context)).ConfigureAwait(false);
            return new TaskActionReply { Task = TaskProtoMapping.ToProto(result.Task), Message = result.Message };
        }
        catch (TaskException e)
        {
            throw TaskProtoMapping.ToRpc(e);
        }
    }

    /// <inheritdoc />
    public override Task<ListTasksReply> List(ListTasksRequest request, ServerCallContext context)
    {
        TaskState? state = null;
        if (request.State != Contracts.TaskState.Unspecified)
        {
            state = TaskProtoMapping.ToDomain(request.State) ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"state: unknown value {(int)request.State}"));
        }
        if (request.Limit < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"limit: {request.Limit} is negative"));
        }
        var reply = new ListTasksReply();
        reply.Tasks.AddRange(_tasks.List(state, request.Limit == 0 ? 100 : request.Limit).Select(TaskProtoMapping.ToProto));
        return Task.FromResult(reply);
    }

    /// <inheritdoc />
    public override async Task Watch(WatchTasksRequest request, IServerStreamWriter<Contracts.TaskEvent> responseStream, ServerCallContext context)
    {
        TaskWatch watch;
        try
        {
            watch = _tasks.Watch(string.IsNullOrEmpty(request.TaskId) ? null : request.TaskId);
        }
        catch (TaskException e)
        {
            throw TaskProtoMapping.ToRpc(e);
        }
        using (watch)
        using (var ending = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _lifetime.ApplicationStopping))
        {
            try
            {
                await foreach (TaskEvent e in watch.ReadAllAsync(ending.Token).ConfigureAwait(false))
                {
                    await responseStream.WriteAsync(TaskProtoMapping.ToProto(e), ending.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_lifetime.ApplicationStopping.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "the robot runtime is stopping; watch again once it is back"));
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                // The client left.
            }
        }
    }
}
