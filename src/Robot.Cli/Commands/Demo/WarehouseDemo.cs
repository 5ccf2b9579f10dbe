using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grpc.Net.Client;
using Robot.Runtime.Execution;
using Robot.Runtime.Tasks;
using Robot.Runtime.Telemetry;
using Robot.Safety.Access;
using Robot.Safety.Audit;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;
using Robot.Safety.Hosting;
using TaskContracts = Robot.Runtime.Tasks.Contracts;

namespace Robot.Cli.Commands.Demo;

/// <summary>What <c>robot demo</c> did (its <c>--json</c>).</summary>
/// <param name="TasksCompleted">Tasks that ended completed.</param>
/// <param name="TasksFailed">Tasks that ended any other way (or did not end in time).</param>
/// <param name="AuditVerified">The audit log verified (tree, signed heads).</param>
/// <param name="Fell">The robot fell.</param>
/// <param name="Tasks">Each task: id, source, state, reason.</param>
/// <param name="PersonEvents">What the person did and what the robot was told.</param>
/// <param name="EStopEvents">The emergency stop: trigger, the robot's stop, the safety role's reset and resume, the re-arm.</param>
/// <param name="AuditPath">The audit log written.</param>
/// <param name="ReportPath">The Markdown report written.</param>
/// <param name="TracePath">The robot's path (CSV, site frame) written.</param>
/// <param name="TelemetryPath">The robot's MCAP telemetry written (joint states, commands, base state, safety stops).</param>
/// <param name="TelemetryMessages">Messages in the telemetry file.</param>
/// <param name="Plots">The report's plots (PNG): top view with paths and zones, task timeline, verdict timeline.</param>
/// <param name="SimulatedSeconds">Simulated time the robot ran.</param>
/// <param name="WallSeconds">Wall time of the whole demo.</param>
/// <param name="NotShown">Parts of the scenario this run did not show, and why; empty when it showed them all.</param>
public sealed record WarehouseDemoResult(int TasksCompleted, int TasksFailed, bool AuditVerified, bool Fell, IReadOnlyList<string> Tasks,
    IReadOnlyList<string> PersonEvents, IReadOnlyList<string> EStopEvents, string AuditPath, string ReportPath, string TracePath, string TelemetryPath, long TelemetryMessages,
    IReadOnlyList<string> Plots, double SimulatedSeconds, double WallSeconds, string NotShown);

/// <summary>
/// The warehouse demo: the safety supervisor on loopback (audit log in SQLite), the simulated
/// humanoid at the demo site under it, pick tasks dispatched over RobotService as an operator
/// would, a person walking into the shared packing area while the robot carries (the supervisor
/// slows or stops it; it resumes), then the audit log verified and a report written (with plots
/// of the path, the tasks and the verdicts), the robot's telemetry recorded to MCAP.
/// </summary>
internal static class WarehouseDemo
{
    /// <summary>The demo's site file, shipped beside the command.</summary>
    public static string SiteFile => Path.Combine(AppContext.BaseDirectory, "site.demo.yaml");

    private static readonly string[] s_slots = ["shelf-a/l1/s1", "shelf-a/l1/s2", "shelf-a/l1/s3"];

    public static async Task<WarehouseDemoResult> RunAsync(DirectoryInfo dir, int taskCount, double speed, string? policyDirectory, Action<string> progress, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        dir.Create();
        string audit = Path.Combine(dir.FullName, "audit.db"), tasksDb = Path.Combine(dir.FullName, "tasks.db");
        foreach (string stale in Directory.EnumerateFiles(dir.FullName).Where(f => Path.GetFileName(f).StartsWith("audit.db", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("tasks.db", StringComparison.Ordinal)))
        {
            File.Delete(stale); // each run starts a fresh log and store: the demo is repeatable
        }
        SiteModel site = SiteFileParser.Load(SiteFile);
        var auditLog = SqliteAuditLog.Open(audit);
        var builder = new SupervisorHostBuilder(site) { AuditLog = auditLog };
        builder.Options.Urls.Clear();
        builder.Options.Urls.Add("http://127.0.0.1:0"); // any free port: the host reports the one it bound
        builder.Options.Insecure = true;
        await using SupervisorHost supervisor = await builder.StartAsync(ct);
        Uri supervisorUri = supervisor.Addresses[0];
        progress($"supervisor: site {site.Name} on {supervisorUri}, audit log {audit}");
        var hostOptions = new SiteRobotHostOptions
        {
            RobotId = "h1",
            Supervisor = supervisorUri,
            TaskStorePath = tasksDb,
            TelemetryPath = Path.Combine(dir.FullName, "telemetry.mcap"),
            Urls = ["http://127.0.0.1:0"],
            Robot = new SimSiteRobotOptions { Start = (1.5, 2.0, 0), RealTimeFactor = speed, PolicyDirectory = policyDirectory },
        };
        var personEvents = new List<string>();
        var estopEvents = new List<string>();
        var results = new List<string>();
        int completed = 0;
        bool fell;
        double simulated;
        string trace = Path.Combine(dir.FullName, "path.csv");
        SiteTraceSample[] samples;
        var ids = new List<string>();
        SiteRobotHost robot = await SiteRobotHost.StartAsync(site, hostOptions);
        await using (robot)
        {
            progress($"robot h1: MuJoCo humanoid at (1.5, 2.0), RobotService on {robot.Service.Address}, picking with {robot.Robot.Picker}, simulation at {speed}× real time");
            using var channel = GrpcChannel.ForAddress(robot.Service.Address);
            var client = new TaskContracts.RobotService.RobotServiceClient(channel);
            for (int i = 0; i < taskCount; i++)
            {
                TaskContracts.SubmitPickTaskReply reply = await client.SubmitPickTaskAsync(new TaskContracts.SubmitPickTaskRequest
                {
                    BoxId = $"box-{i + 1}",
                    Source = s_slots[i % s_slots.Length],
                    Destination = "tote-1",
                    IdempotencyKey = $"demo-order-{i + 1}",
                }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
                ids.Add(reply.Task.Id);
                progress($"operator: submitted {reply.Task.Id}: {reply.Task.BoxId} from {reply.Task.Source} to {reply.Task.Destination}");
            }
            // The person: walks into the packing area near the tote while the first task carries.
            Task person = PersonAsync(robot.Tasks, ids[0], supervisorUri, speed, personEvents, progress, ct);
            // The emergency stop: pressed while the robot walks empty-handed to its second pick (its first with one task).
            Task estop = EStopAsync(robot, ids[Math.Min(1, ids.Count - 1)], supervisorUri, speed, estopEvents, progress, ct);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromMinutes(9));
            foreach (string id in ids)
            {
                TaskRecord done = await WaitFinalAsync(robot.Tasks, id, progress, deadline.Token);
                results.Add($"{id} | {done.Request.Source} → {done.Request.Destination} | {done.State.ToString().ToLowerInvariant()} | {done.Reason}");
                if (done.State == TaskState.Completed)
                {
                    completed++;
                }
            }
            await person;
            await estop;
            fell = robot.Robot.Fell;
            simulated = robot.Robot.Time;
            samples = [.. robot.Robot.Trace]; // a copy: a task still running past the deadline keeps appending
            SiteTraceCsv.Write(trace, samples);
        }
        TelemetryRecorder recorder = robot.Recorder!; // complete now the host is disposed
        long dropped = robot.Robot.Robot.Telemetry!.Dropped;
        double megabytes = new FileInfo(recorder.Path).Length / 1e6;
        progress($"telemetry: {recorder.MessagesWritten} messages ({megabytes:0} MB) in {recorder.Path}{(dropped > 0 ? $" ({dropped} frames dropped: the writer fell behind)" : "")}"
            + (recorder.Failure is { } failure ? $"; recording FAILED, the rest was not written: {failure.Message}" : ""));
        IReadOnlyList<TaskLane> lanes;
        using (TaskStore store = TaskStore.Open(tasksDb)) // the manager has closed it; its history has every change of every task
        {
            lanes = DemoPlots.Lanes(store, ids);
        }
        IReadOnlyList<string> plots = DemoPlots.SaveAll(dir.FullName, site, samples, lanes);
        progress($"plots: {string.Join(", ", plots)}");
        await supervisor.DisposeAsync();
        await auditLog.DisposeAsync();
        bool verified;
        using (AuditLogFile file = AuditLogFile.Open(audit))
        using (TreeHeadKey key = TreeHeadKey.Load(TreeHeadKey.DefaultPathFor(audit)))
        {
            AuditVerificationReport report = file.Verify(key);
            verified = report.Ok;
            progress($"audit: {report.RecordCount} records, {report.SignedHeads} signed tree heads, {(report.Ok ? "verified" : "NOT verified: " + string.Join("; ", report.Problems))}");
        }
        string notShown = policyDirectory is null ? "the upper-body policy picking (--policy scripted: the IK demonstrator picked)" : "";
        string reportPath = Path.Combine(dir.FullName, "report.md");
        var md = new StringBuilder();
        md.AppendLine("# Warehouse demo report").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Site `{site.Name}` (version {site.Version}), robot h1 in MuJoCo, {simulated:0.0} s simulated in {wall.Elapsed.TotalSeconds:0} s.").AppendLine();
        md.AppendLine("| task | route | state | reason |").AppendLine("| --- | --- | --- | --- |");
        foreach (string r in results)
        {
            md.AppendLine($"| {r} |");
        }
        md.AppendLine().AppendLine("## The person in the packing area").AppendLine();
        foreach (string e in personEvents)
        {
            md.AppendLine("- " + e);
        }
        md.AppendLine().AppendLine("## The emergency stop").AppendLine();
        foreach (string e in estopEvents)
        {
            md.AppendLine("- " + e);
        }
        md.AppendLine().AppendLine("## Plots").AppendLine();
        md.AppendLine($"![Top view of the site with the robot's path]({DemoPlots.PathsFile})").AppendLine();
        md.AppendLine("Top view, site frame: keep-out zones red, shared (people) zones blue, the work area grey; the path blue empty-handed, orange carrying.").AppendLine();
        md.AppendLine($"![Task timeline]({DemoPlots.TasksFile})").AppendLine();
        md.AppendLine("Task timeline: each task's states and phases against wall time since the first submission.").AppendLine();
        md.AppendLine($"![Safety verdict timeline]({DemoPlots.VerdictsFile})").AppendLine();
        md.AppendLine("Safety verdicts: the permitted speed scale over simulated time, shaded where a stop was in force.").AppendLine();
        md.AppendLine("## Files").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Audit log `{audit}`: {(verified ? "verifies" : "DOES NOT verify")}. The robot {(fell ? "fell" : "did not fall")}.").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Telemetry `{recorder.Path}`: {recorder.MessagesWritten} MCAP messages ({megabytes:0} MB, zstd: joint states, commands and base state at 100 Hz, safety stops and faults as they happen){(dropped > 0 ? $", {dropped} frames dropped" : "")}; open it in Foxglove Studio. The path as CSV: `{trace}`.").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Picking with {robot.Robot.Picker}.{(notShown.Length > 0 ? " Not shown: " + notShown + "." : "")}");
        File.WriteAllText(reportPath, md.ToString());
        return new WarehouseDemoResult(completed, taskCount - completed, verified, fell, results, personEvents, estopEvents, audit, reportPath, trace,
            recorder.Path, recorder.MessagesWritten, plots, simulated, wall.Elapsed.TotalSeconds, notShown);
    }

    private static async Task<TaskRecord> WaitFinalAsync(TaskManager tasks, string id, Action<string> progress, CancellationToken ct)
    {
        using TaskWatch watch = tasks.Watch(id);
        TaskRecord last = tasks.Get(id);
        try
        {
            await foreach (TaskEvent e in watch.ReadAllAsync(ct))
            {
                if (!e.Snapshot)
                {
                    progress($"  {id}: {e.State.ToString().ToLowerInvariant()}{(e.Phase is { } p ? " · " + p.ToString().ToLowerInvariant() : "")} — {e.Reason}");
                }
                last = e.Task;
            }
        }
        catch (OperationCanceledException)
        {
            // Out of time: the task counts as not completed.
        }
        return tasks.Get(id) is { } now && TaskStates.IsFinal(now.State) ? now : last;
    }

    /// <summary>A person steps into the packing area by the tote while <paramref name="taskId"/> carries, stays 6 s, leaves.</summary>
    /// <summary>
    /// The emergency stop, as on a site: once <paramref name="taskId"/> navigates, a safety
    /// engineer presses the e-stop (settle then cut): the robot stops walking within two steps,
    /// settles on both feet and cuts power, its leg and waist brakes holding it standing; the
    /// task is blocked. The safety role resets the latch (its cause, the button, is gone) and
    /// resumes; nothing moves until the operator re-arms the robot, which then carries on.
    /// </summary>
    private static async Task EStopAsync(SiteRobotHost robot, string taskId, Uri supervisor, double speed, List<string> events, Action<string> progress, CancellationToken ct)
    {
        void Note(string e)
        {
            events.Add(e);
            progress("e-stop: " + e);
        }
        TaskManager tasks = robot.Tasks;
        if (!await ReachesPhaseAsync(tasks, taskId, TaskPhase.Navigate, ct))
        {
            return;
        }
        await Task.Delay(TimeSpan.FromSeconds(4 / Math.Max(speed, 1)), ct); // under way across the floor
        using var channel = GrpcChannel.ForAddress(supervisor);
        var client = new EmergencyStop.EmergencyStopClient(channel);
        var role = new Grpc.Core.Metadata { { Robot.Safety.Supervisor.SupervisorConstants.RoleClaimHeader, RobotRoles.SafetyEngineer } };
        TriggerReply trigger = await client.TriggerAsync(new TriggerRequest { Reason = "demo: the safety engineer presses the e-stop", Level = StopLevel.SettleThenCut },
            deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
        Note($"pressed while {taskId} walked to its shelf: latch {trigger.LatchId} (settle then cut)");
        var waited = Stopwatch.StartNew();
        while (!robot.Robot.TorqueOff && !robot.Robot.Fell && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20, ct);
        }
        (long toStable, long toOff) = robot.Robot.StopTicks ?? (-1, -1);
        string settled = toStable >= 0 && toStable <= toOff
            ? $"settled still on both feet after {toStable} ms and cut power"
            : $"cut power at the settle-then-cut bound, {toOff} ms after the stop began (the stance was still settling)";
        Note(robot.Robot.TorqueOff
            ? $"the robot stopped walking within two steps, {settled}; the brakes hold it {(robot.Robot.Fell ? "— but it fell" : "standing")}; {taskId} is {tasks.Get(taskId).State.ToString().ToLowerInvariant()}"
            : $"the robot did not reach torque off within 30 s ({(robot.Robot.Fell ? "it fell" : "still powered")})");
        await Task.Delay(TimeSpan.FromSeconds(2 / Math.Max(speed, 1)), ct);
        ResetReply reset = await client.ResetAsync(new ResetRequest { LatchId = trigger.LatchId, ClaimedRole = RobotRoles.SafetyEngineer }, role,
            DateTime.UtcNow.AddSeconds(5), ct);
        ResumeReply resume = await client.ResumeAsync(new ResumeRequest { ClaimedRole = RobotRoles.SafetyEngineer }, role, DateTime.UtcNow.AddSeconds(5), ct);
        Note($"the safety engineer reset {string.Join(", ", reset.ResetLatchIds)} and resumed {string.Join(", ", resume.ResumedRobotIds)}; the robot stays unpowered until re-armed");
        robot.Robot.Rearm();
        waited.Restart();
        while (robot.Robot.TorqueOff && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20, ct);
        }
        Note(robot.Robot.TorqueOff ? "re-armed, but power did not come back within 10 s" : $"the operator re-armed the robot: power on, {taskId} carries on");
    }

    /// <summary>Waits until <paramref name="taskId"/> enters <paramref name="phase"/>; false when it ended first.</summary>
    private static async Task<bool> ReachesPhaseAsync(TaskManager tasks, string taskId, TaskPhase phase, CancellationToken ct)
    {
        using (TaskWatch watch = tasks.Watch(taskId))
        {
            await foreach (TaskEvent e in watch.ReadAllAsync(ct))
            {
                if (e.Phase == phase || TaskStates.IsFinal(e.State))
                {
                    break;
                }
            }
        }
        return !TaskStates.IsFinal(tasks.Get(taskId).State);
    }

    private static async Task PersonAsync(TaskManager tasks, string taskId, Uri supervisor, double speed, List<string> events, Action<string> progress, CancellationToken ct)
    {
        if (!await ReachesPhaseAsync(tasks, taskId, TaskPhase.Carry, ct))
        {
            return;
        }
        await Task.Delay(TimeSpan.FromSeconds(8 / Math.Max(speed, 1)), ct);
        using var channel = GrpcChannel.ForAddress(supervisor);
        var client = new SafetySupervisor.SafetySupervisorClient(channel);
        var report = new PersonReport { SensorId = "scanner-packing" };
        report.Persons.Add(new Person { PersonId = "visitor", Position = new Vec2 { X = 9.2, Y = 2.6 } });
        await client.ReportPersonsAsync(report, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
        string entered = $"a person entered the packing area at (9.2, 2.6) while {taskId} carried; task state then: {tasks.Get(taskId).State.ToString().ToLowerInvariant()}";
        events.Add(entered);
        progress("person: " + entered);
        // Keep reporting (a sensor's report is forgotten after person_track_timeout).
        var stay = Stopwatch.StartNew();
        bool sawBlocked = false;
        while (stay.Elapsed < TimeSpan.FromSeconds(6))
        {
            await client.ReportPersonsAsync(report, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
            sawBlocked |= tasks.Get(taskId).State == TaskState.Blocked;
            await Task.Delay(100, ct);
        }
        await client.ReportPersonsAsync(new PersonReport { SensorId = "scanner-packing" }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
        string left = $"the person left after 6 s; the robot was {(sawBlocked ? "stopped by the supervisor (task blocked) and resumes on a fresh permit" : "slowed, not stopped (never blocked)")}";
        events.Add(left);
        progress("person: " + left);
    }
}
