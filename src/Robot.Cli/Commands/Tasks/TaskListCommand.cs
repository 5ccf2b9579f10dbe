using System.CommandLine;
using Robot.Cli.Commands.Safety;
using Robot.Runtime.Tasks;
using Robot.Runtime.Tasks.Hosting;
using Contracts = Robot.Runtime.Tasks.Contracts;

namespace Robot.Cli.Commands.Tasks;

/// <summary><c>robot task list</c>: the robot's tasks, newest first.</summary>
[CliVerb(Parent = "task")]
public static class TaskListCommand
{
    public static Command Create()
    {
        var state = new Option<string?>("--state") { Description = $"Only tasks in this state: {string.Join(", ", TaskStates.Names)}." };
        var limit = new Option<int>("--limit") { Description = "At most this many tasks (default 100).", DefaultValueFactory = _ => 100 };
        var json = CommonOptions.Json();
        SupervisorClientOptions connection = TaskClient.Connection();
        var command = new Command("list", "List the robot's tasks, newest first.") { state, limit, json };
        connection.AddTo(command);
        command.SetAction((parseResult, ct) => TaskClient.Call(parseResult, connection, async (output, client) =>
        {
            var request = new Contracts.ListTasksRequest { Limit = parseResult.GetValue(limit) };
            if (request.Limit < 1)
            {
                throw new SupervisorClientUsageException("--limit", $"{request.Limit} is not a positive number");
            }
            if (parseResult.GetValue(state) is { } name)
            {
                if (!TaskStates.TryParse(name, out TaskState s))
                {
                    throw new SupervisorClientUsageException("--state", $"'{name}' is not a task state; expected one of {string.Join(", ", TaskStates.Names)}");
                }
                request.State = TaskProtoMapping.ToProto(s);
            }
            Contracts.ListTasksReply reply = await client.ListAsync(request, deadline: TaskClient.Deadline, cancellationToken: ct);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new { tasks = reply.Tasks.Select(TaskClient.Json) });
                return 0;
            }
            if (reply.Tasks.Count == 0)
            {
                output.Out.WriteLine("no tasks");
                return 0;
            }
            var table = new TextTable("id", "state", "priority", "box", "from", "to", "phase", "reason");
            foreach (Contracts.PickTask t in reply.Tasks)
            {
                table.AddRow(t.Id, TaskClient.StateName(t.State), t.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture), t.BoxId, t.Source, t.Destination, TaskClient.PhaseName(t.Phase) ?? "-", t.Reason);
            }
            table.WriteTo(output.Out);
            return 0;
        }));
        return command;
    }
}
