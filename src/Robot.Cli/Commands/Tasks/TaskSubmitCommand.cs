using System.CommandLine;
using Grpc.Core;
using Robot.Cli.Commands.Safety;
using Robot.Runtime.Tasks;
using Contracts = Robot.Runtime.Tasks.Contracts;

namespace Robot.Cli.Commands.Tasks;

/// <summary><c>robot task submit</c>: dispatch a pick task to a robot runtime.</summary>
[CliVerb(Parent = "task")]
public static class TaskSubmitCommand
{
    public static Command Create()
    {
        var box = new Option<string>("--box") { Description = "SKU or box id to pick.", Required = true };
        var source = new Option<string>("--source") { Description = "Slot location id in the site file (locations: kind slot).", Required = true };
        var destination = new Option<string>("--destination") { Description = "Tote location id in the site file (locations: kind tote).", Required = true };
        var priority = new Option<int>("--priority") { Description = $"Higher runs first ({PickTaskRequest.MinPriority}..{PickTaskRequest.MaxPriority}, default 0)." };
        var key = new Option<string?>("--key") { Description = "Idempotency key: submitting again with the same key answers with the first task instead of a new one." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the task ends, showing its progress on stderr; exit 0 only when it completed." };
        var json = CommonOptions.Json();
        SupervisorClientOptions connection = TaskClient.Connection();
        var command = new Command("submit", "Submit a pick task: take --box from the slot --source and put it into the tote --destination.") { box, source, destination, priority, key, wait, json };
        connection.AddTo(command);
        command.SetAction((parseResult, ct) => TaskClient.Call(parseResult, connection, async (output, client) =>
        {
            int p = parseResult.GetValue(priority);
            if (p is < PickTaskRequest.MinPriority or > PickTaskRequest.MaxPriority)
            {
                throw new SupervisorClientUsageException("--priority", $"{p} is outside {PickTaskRequest.MinPriority}..{PickTaskRequest.MaxPriority}");
            }
            var request = new Contracts.SubmitPickTaskRequest
            {
                BoxId = parseResult.GetValue(box)!,
                Source = parseResult.GetValue(source)!,
                Destination = parseResult.GetValue(destination)!,
                Priority = p,
                IdempotencyKey = parseResult.GetValue(key) ?? "",
            };
            Contracts.SubmitPickTaskReply reply = await client.SubmitPickTaskAsync(request, deadline: TaskClient.Deadline, cancellationToken: ct);
            Contracts.PickTask task = reply.Task;
            if (!parseResult.GetValue(wait))
            {
                Report(output, parseResult.GetValue(json), task, reply.Duplicate);
                return 0;
            }
            output.Progress(reply.Duplicate ? $"{task.Id}: duplicate of an existing task (key {task.IdempotencyKey}); waiting for it" : $"{task.Id}: accepted; waiting for it to end");
            using AsyncServerStreamingCall<Contracts.TaskEvent> call = client.Watch(new Contracts.WatchTasksRequest { TaskId = task.Id }, cancellationToken: ct);
            await foreach (Contracts.TaskEvent e in call.ResponseStream.ReadAllAsync(ct))
            {
                output.Progress(TaskClient.Line(e));
                task = e.Task;
            }
            Report(output, parseResult.GetValue(json), task, reply.Duplicate);
            if (task.State == Contracts.TaskState.Completed)
            {
                return 0;
            }
            output.Error.WriteLine(TaskClient.IsFinal(task.State)
                ? $"error: task {task.Id} {TaskClient.StateName(task.State)}: {task.Reason}"
                : $"error: the watch of task {task.Id} ended while it was {TaskClient.StateName(task.State)}");
            return 1;
        }));
        return command;
    }

    private static void Report(CliOutput output, bool json, Contracts.PickTask task, bool duplicate)
    {
        if (json)
        {
            output.WriteJson(new { task = TaskClient.Json(task), duplicate });
            return;
        }
        string what = duplicate ? "duplicate of" : "task";
        output.Out.WriteLine($"{what} {task.Id} ({TaskClient.StateName(task.State)}): box {task.BoxId} from {task.Source} to {task.Destination}, priority {task.Priority}: {task.Reason}");
    }
}
