using System.CommandLine;
using Robot.Cli.Commands.Safety;
using Contracts = Robot.Runtime.Tasks.Contracts;

namespace Robot.Cli.Commands.Tasks;

/// <summary>The shape of <c>robot task cancel|kill ID</c>: one task id, the robot's answer printed, exit 1 when it refuses (unknown id, finished task).</summary>
internal static class TaskEndVerb
{
    public static Command Create(string name, string description, bool kill)
    {
        var id = new Argument<string>("id") { Description = "Task id (robot task list)." };
        var json = CommonOptions.Json();
        SupervisorClientOptions connection = TaskClient.Connection();
        var command = new Command(name, description) { id, json };
        connection.AddTo(command);
        command.SetAction((parseResult, ct) => TaskClient.Call(parseResult, connection, async (output, client) =>
        {
            string taskId = parseResult.GetValue(id)!;
            Contracts.TaskActionReply reply = kill
                ? await client.KillAsync(new Contracts.KillTaskRequest { TaskId = taskId }, deadline: TaskClient.Deadline, cancellationToken: ct)
                : await client.CancelAsync(new Contracts.CancelTaskRequest { TaskId = taskId }, deadline: TaskClient.Deadline, cancellationToken: ct);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new { task = TaskClient.Json(reply.Task), reply.Message });
            }
            else
            {
                output.Out.WriteLine($"{reply.Task.Id} ({TaskClient.StateName(reply.Task.State)}): {reply.Message}");
            }
            return 0;
        }));
        return command;
    }
}
