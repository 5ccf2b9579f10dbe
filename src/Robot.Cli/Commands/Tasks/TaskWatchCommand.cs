using System.CommandLine;
using Grpc.Core;
using Robot.Cli.Commands.Safety;
using Contracts = Robot.Runtime.Tasks.Contracts;

namespace Robot.Cli.Commands.Tasks;

/// <summary><c>robot task watch</c>: the robot's task changes as they happen.</summary>
[CliVerb(Parent = "task")]
public static class TaskWatchCommand
{
    public static Command Create()
    {
        var task = new Option<string?>("--task") { Description = "Watch this task only; ends when it ends. Default: every task, until Ctrl-C." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per event, one per line." };
        SupervisorClientOptions connection = TaskClient.Connection();
        var command = new Command("watch", "Watch tasks: first each task's current state, then every change with its reason.") { task, json };
        connection.AddTo(command);
        command.SetAction((parseResult, ct) => TaskClient.Call(parseResult, connection, async (output, client) =>
        {
            bool asJson = parseResult.GetValue(json);
            using AsyncServerStreamingCall<Contracts.TaskEvent> call = client.Watch(new Contracts.WatchTasksRequest { TaskId = parseResult.GetValue(task) ?? "" }, cancellationToken: ct);
            await foreach (Contracts.TaskEvent e in call.ResponseStream.ReadAllAsync(ct))
            {
                if (asJson)
                {
                    output.WriteJsonLine(TaskClient.Json(e));
                }
                else
                {
                    output.Out.WriteLine(TaskClient.Line(e));
                }
                output.Out.Flush();
            }
            return 0;
        }));
        return command;
    }
}
