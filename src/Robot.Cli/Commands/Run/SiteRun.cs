using System.CommandLine;
using Robot.Cli.Commands.Locomotion;
using Robot.Control.Locomotion;
using Robot.Runtime.Execution;
using Robot.Runtime.Tasks;
using Robot.Safety.Geofence;

namespace Robot.Cli.Commands.Run;

/// <summary>
/// <c>robot run --sim --site FILE</c>: the simulated humanoid at the site serving pick tasks on
/// RobotService (operators use <c>robot task …</c>), optionally under a supervisor and recording
/// MCAP telemetry (<c>--record</c>), until the wall time is up or Ctrl-C.
/// </summary>
internal static class SiteRun
{
    public static async Task<int> RunAsync(ParseResult parseResult, FileInfo siteFile, Uri? supervisor, string[] urls, FileInfo? tasksDb,
        string robotId, string fromText, string policy, double seconds, FileInfo? record, CancellationToken ct)
    {
        var output = CliOutput.From(parseResult);
        if (SiteFileArgument.Load(output, "run", siteFile) is not { } site)
        {
            return 2;
        }
        if (!SimWalkCommand.TryParsePose(fromText, out Pose2 start))
        {
            output.Error.WriteLine($"robot run: --from must be X,Y,YAWDEG with finite numbers, got '{fromText}'");
            return 2;
        }
        if (!site.Robots.ContainsKey(robotId))
        {
            output.Error.WriteLine($"robot run: --robot-id {robotId}: the site lists no such robot (its robots: {string.Join(", ", site.Robots.Keys.Order(StringComparer.Ordinal))})");
            return 2;
        }
        if (!(seconds > 0) || seconds > 86_400)
        {
            output.Error.WriteLine($"robot run: --seconds {seconds} must be in (0, 86400]");
            return 2;
        }
        if (RunCommand.RecordProblem(record) is { } problem)
        {
            output.Error.WriteLine($"robot run: {problem}");
            return 2;
        }
        (string? policyDirectory, string? policyProblem) = PickerArgument.Resolve(policy);
        if (policyProblem is not null)
        {
            output.Error.WriteLine($"robot run: {policyProblem}");
            return 2;
        }
        var options = new SiteRobotHostOptions
        {
            RobotId = robotId,
            Supervisor = supervisor,
            TaskStorePath = tasksDb?.FullName ?? "tasks.db",
            Urls = urls,
            Robot = new SimSiteRobotOptions { Start = (start.X, start.Y, start.Yaw * 180 / Math.PI), PolicyDirectory = policyDirectory },
            TelemetryPath = record?.FullName,
        };
        SiteRobotHost host;
        try
        {
            host = await SiteRobotHost.StartAsync(site, options);
        }
        catch (TaskStoreInUseException e)
        {
            output.Error.WriteLine($"robot run: --tasks-db: {e.Message}");
            return 2;
        }
        bool fell;
        await using (host)
        {
            output.Progress($"robot run: {robotId} at ({start.X:0.00}, {start.Y:0.00}) on site {site.Name}; RobotService on {host.Service.Address}; "
                + (supervisor is null ? "no supervisor" : $"supervisor {supervisor}") + $"; picking with {host.Robot.Picker}; "
                + (record is null ? "" : $"recording {record.FullName}; ") + $"serving for {seconds:0} s (Ctrl-C stops)");
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: stop serving.
            }
            fell = host.Robot.Fell;
            output.Progress($"robot run: stopping; {host.Tasks.List().Count} tasks in the store; the robot {(fell ? "FELL" : "stands")}");
        }
        if (host.Recorder is { } recorder) // complete once the host is disposed
        {
            output.Progress($"robot run: telemetry: {recorder.MessagesWritten} messages in {recorder.Path} ({host.Robot.Robot.Telemetry!.Dropped} frames dropped)");
            if (recorder.Failure is { } failure)
            {
                output.Error.WriteLine($"robot run: telemetry recording FAILED, the rest was not written: {failure.Message}");
            }
        }
        return fell || host.Recorder?.Failed == true ? 1 : 0;
    }
}
