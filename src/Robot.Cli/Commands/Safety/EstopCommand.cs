using System.CommandLine;
using Robot.Safety.Contracts;

namespace Robot.Cli.Commands.Safety;

/// <summary><c>robot estop trigger|reset|resume|status</c>: the emergency stop.</summary>
[CliVerb]
public static class EstopCommand
{
    public static Command Create()
    {
        var command = new Command("estop", "Emergency stop: trigger (latched), reset (safety engineer, once the cause is gone), resume (the deliberate restart), status.");
        command.Subcommands.Add(Trigger());
        command.Subcommands.Add(Reset());
        command.Subcommands.Add(Resume());
        command.Subcommands.Add(Status());
        return command;
    }

    private static Command Trigger()
    {
        var robots = new Option<string[]>("--robot") { Description = "Robot to stop (repeat); none stops every robot.", AllowMultipleArgumentsPerToken = true };
        var reason = new Option<string>("--reason") { Description = "Why (goes to the audit log).", DefaultValueFactory = _ => "emergency stop from the CLI" };
        var cut = new Option<bool>("--cut") { Description = "Cut torque at once instead of settle-then-cut (only when nothing else is possible)." };
        var connection = new SupervisorClientOptions();
        var json = CommonOptions.Json();
        var command = new Command("trigger", "Latch an emergency stop: settle to a stable stance, then torque off.") { robots, reason, cut, json };
        connection.AddTo(command);
        command.SetAction((parseResult, ct) => SupervisorClientOptions.Call(CliOutput.From(parseResult), async () =>
        {
            var output = CliOutput.From(parseResult);
            using var channel = connection.Open(parseResult);
            var request = new TriggerRequest { Reason = parseResult.GetValue(reason)!, Level = parseResult.GetValue(cut) ? StopLevel.Cut : StopLevel.SettleThenCut };
            request.RobotIds.AddRange(parseResult.GetValue(robots) ?? []);
            TriggerReply reply = await new EmergencyStop.EmergencyStopClient(channel).TriggerAsync(request, deadline: SupervisorClientOptions.Deadline, cancellationToken: ct);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new { latchId = reply.LatchId });
            }
            else
            {
                output.Out.WriteLine($"emergency stop latched: {reply.LatchId}");
            }
            return 0;
        }));
        return command;
    }

    private static Command Reset()
    {
        var latch = new Option<string>("--latch") { Description = "Latch to reset; none resets every latch whose cause is gone." };
        var role = SupervisorClientOptions.Role();
        var connection = new SupervisorClientOptions();
        var json = CommonOptions.Json();
        var command = new Command("reset", "Reset emergency-stop latches (safety-engineer role; only once the cause is gone). Robots then wait for `robot estop resume`.") { latch, role, json };
        connection.AddTo(command);
        command.SetAction((parseResult, ct) => SupervisorClientOptions.Call(CliOutput.From(parseResult), async () =>
        {
            var output = CliOutput.From(parseResult);
            using var channel = connection.Open(parseResult);
            string? claimed = parseResult.GetValue(role);
            var request = new ResetRequest { LatchId = parseResult.GetValue(latch) ?? "", ClaimedRole = claimed ?? "" };
            ResetReply reply = await new EmergencyStop.EmergencyStopClient(channel).ResetAsync(request, SupervisorClientOptions.Headers(claimed), SupervisorClientOptions.Deadline, ct);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new { reset = reply.ResetLatchIds, remaining = reply.Remaining });
            }
            else
            {
                output.Out.WriteLine(reply.ResetLatchIds.Count == 0 ? "nothing reset" : $"reset: {string.Join(", ", reply.ResetLatchIds)} (robots wait for `robot estop resume`)");
                foreach (string r in reply.Remaining)
                {
                    output.Out.WriteLine($"still latched: {r}");
                }
            }
            return reply.Remaining.Count == 0 ? 0 : 1;
        }));
        return command;
    }

    private static Command Resume()
    {
        var robots = new Option<string[]>("--robot") { Description = "Robot to resume (repeat); none resumes every robot waiting.", AllowMultipleArgumentsPerToken = true };
        var role = SupervisorClientOptions.Role();
        var connection = new SupervisorClientOptions();
        var command = new Command("resume", "The deliberate restart after a reset (safety-engineer role): robots may get permits again.") { robots, role };
        connection.AddTo(command);
        command.SetAction((parseResult, ct) => SupervisorClientOptions.Call(CliOutput.From(parseResult), async () =>
        {
            var output = CliOutput.From(parseResult);
            using var channel = connection.Open(parseResult);
            string? claimed = parseResult.GetValue(role);
            var request = new ResumeRequest { ClaimedRole = claimed ?? "" };
            request.RobotIds.AddRange(parseResult.GetValue(robots) ?? []);
            ResumeReply reply = await new EmergencyStop.EmergencyStopClient(channel).ResumeAsync(request, SupervisorClientOptions.Headers(claimed), SupervisorClientOptions.Deadline, ct);
            output.Out.WriteLine($"resumed: {(reply.ResumedRobotIds.Count == 0 ? "none" : string.Join(", ", reply.ResumedRobotIds))}");
            return 0;
        }));
        return command;
    }

    private static Command Status()
    {
        var connection = new SupervisorClientOptions();
        var json = CommonOptions.Json();
        var command = new Command("status", "Latches, e-stop endpoints and each robot's last verdict.") { json };
        connection.AddTo(command);
        command.SetAction((parseResult, ct) => SupervisorClientOptions.Call(CliOutput.From(parseResult), async () =>
        {
            var output = CliOutput.From(parseResult);
            using var channel = connection.Open(parseResult);
            SupervisorStatus status = await new SafetySupervisor.SafetySupervisorClient(channel).GetStatusAsync(new StatusRequest(), deadline: SupervisorClientOptions.Deadline, cancellationToken: ct);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new
                {
                    status.ZonesVersion,
                    status.Insecure,
                    latches = status.Latches.Select(l => new { l.LatchId, l.Cause, l.Reason, l.RobotIds, l.TriggeredBy, l.CauseCleared, level = l.Level.ToString() }),
                    endpoints = status.Endpoints.Select(e => new { e.EndpointId, e.Name, e.Timeout, e.LastCheckInAge, e.Expired }),
                    robots = status.Robots.Select(r => new { r.RobotId, r.Connected, r.Lost, verdict = r.LastVerdict?.Kind.ToString(), reason = r.LastVerdict?.Reason, r.HeartbeatAge }),
                });
                return 0;
            }
            output.Out.WriteLine(status.Latches.Count == 0 ? "no emergency stop latched" : $"{status.Latches.Count} emergency stop(s) latched:");
            foreach (EStopLatch l in status.Latches)
            {
                output.Out.WriteLine($"  {l.LatchId} {l.Cause} by {l.TriggeredBy}: {l.Reason} (robots: {(l.RobotIds.Count == 0 ? "all" : string.Join(",", l.RobotIds))}; cause gone: {(l.CauseCleared ? "yes" : "no")})");
            }
            var table = new TextTable("robot", "connected", "lost", "verdict", "reason");
            foreach (RobotStatus r in status.Robots)
            {
                table.AddRow(r.RobotId, r.Connected ? "yes" : "no", r.Lost ? "YES" : "no", r.LastVerdict?.Kind.ToString() ?? "-", r.LastVerdict?.Reason ?? "");
            }
            table.WriteTo(output.Out);
            return 0;
        }));
        return command;
    }
}
