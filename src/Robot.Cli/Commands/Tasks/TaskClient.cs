using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using Robot.Cli.Commands.Safety;
using Robot.Runtime.Tasks;
using Robot.Runtime.Tasks.Hosting;
using Contracts = Robot.Runtime.Tasks.Contracts;

namespace Robot.Cli.Commands.Tasks;

/// <summary>
/// What the <c>robot task …</c> verbs share: the <c>--robot URL</c> and certificate flags, the
/// exit codes (0 done, 1 refused by the robot with its reason on stderr, 2 bad flags, 3 robot
/// unreachable with the URL named) and how a task is printed.
/// </summary>
internal static class TaskClient
{
    /// <summary>The robot was not reached (no connection, TLS failure).</summary>
    public const int UnreachableExitCode = 3;

    /// <summary>The connection flags of a task verb: <c>--robot URL</c>, <c>--pki DIR --name N</c> or <c>--cert/--key/--ca</c>.</summary>
    public static SupervisorClientOptions Connection() => new("--robot", "robot runtime", RobotServiceDefaults.Url, RobotServiceDefaults.SecureUrl);

    /// <summary>Every unary call gets a deadline.</summary>
    public static DateTime Deadline => DateTime.UtcNow.AddSeconds(10);

    /// <summary>Opens the channel and runs <paramref name="action"/>, mapping failures to the verbs' exit codes and messages.</summary>
    public static async Task<int> Call(ParseResult parseResult, SupervisorClientOptions connection, Func<CliOutput, Contracts.RobotService.RobotServiceClient, Task<int>> action)
    {
        CliOutput output = CliOutput.From(parseResult);
        GrpcChannel? channel = null;
        try
        {
            channel = connection.Open(parseResult);
            return await action(output, new Contracts.RobotService.RobotServiceClient(channel));
        }
        catch (SupervisorClientUsageException e)
        {
            output.Error.WriteLine($"error: {e.Flag}: {e.Message}");
            return RobotCli.UsageExitCode;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled || e.StatusCode == StatusCode.Unavailable && e.Status.DebugException is not null)
        {
            if (e.StatusCode == StatusCode.Cancelled && e.Status.DebugException is null)
            {
                return 0; // Ctrl-C while watching.
            }
            output.Error.WriteLine($"error: robot runtime unreachable at {channel?.Target}: {e.Status.DebugException?.Message ?? e.Status.Detail}");
            return UnreachableExitCode;
        }
        catch (RpcException e)
        {
            output.Error.WriteLine($"error: {Name(e.StatusCode)}: {e.Status.Detail}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 0; // Ctrl-C.
        }
        finally
        {
            channel?.Dispose();
        }
    }

    /// <summary>The status code as the proto names it (FAILED_PRECONDITION).</summary>
    public static string Name(StatusCode code) => string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();

    public static string StateName(Contracts.TaskState state) => TaskProtoMapping.ToDomain(state)?.ToName() ?? "unspecified";

    public static string? PhaseName(Contracts.TaskPhase phase) => TaskProtoMapping.ToDomain(phase)?.ToName();

    public static bool IsFinal(Contracts.TaskState state) => TaskProtoMapping.ToDomain(state)?.IsFinal() == true;

    /// <summary>The JSON shape of a task (camelCase, state and phase by name).</summary>
    public static object Json(Contracts.PickTask t) => new
    {
        t.Id,
        t.BoxId,
        t.Source,
        t.Destination,
        t.Priority,
        idempotencyKey = t.IdempotencyKey.Length == 0 ? null : t.IdempotencyKey,
        state = StateName(t.State),
        t.Reason,
        phase = PhaseName(t.Phase),
        t.Attempts,
        t.CreatedUnixMs,
        t.UpdatedUnixMs,
        t.SubmittedBy,
    };

    /// <summary>The JSON shape of an event.</summary>
    public static object Json(Contracts.TaskEvent e) => new
    {
        task = Json(e.Task),
        previousState = StateName(e.PreviousState),
        newState = StateName(e.NewState),
        e.Reason,
        phase = PhaseName(e.Phase),
        e.TimeUnixMs,
        e.Snapshot,
        e.DroppedBefore,
    };

    /// <summary>One line for an event: time, task, state change, reason.</summary>
    public static string Line(Contracts.TaskEvent e)
    {
        string time = DateTimeOffset.FromUnixTimeMilliseconds(e.TimeUnixMs).ToLocalTime().ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
        string change = e.Snapshot ? $"is {StateName(e.NewState)}" : e.PreviousState == e.NewState ? StateName(e.NewState) : $"{StateName(e.PreviousState)} → {StateName(e.NewState)}";
        string lagged = e.DroppedBefore > 0 ? $" ({e.DroppedBefore} earlier events dropped: this watcher read too slowly)" : "";
        return $"{time} {e.Task.Id} {change}: {e.Reason}{lagged}";
    }
}
