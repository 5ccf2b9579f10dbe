using Robot.Runtime.Safety;
using Robot.Runtime.Tasks;
using Robot.Runtime.Tasks.Hosting;
using Robot.Runtime.Telemetry;
using Robot.Safety.Audit;
using Robot.Safety.Geofence;

namespace Robot.Runtime.Execution;

/// <summary>Settings of <see cref="SiteRobotHost"/>.</summary>
public sealed record SiteRobotHostOptions
{
    /// <summary>This robot's id as the site file lists it.</summary>
    public string RobotId { get; init; } = "h1";

    /// <summary>The simulated robot's settings (start pose, seed, picker).</summary>
    public SimSiteRobotOptions Robot { get; init; } = new();

    /// <summary>Supervisor address; null runs without one (no verdicts, no stops but the robot's own).</summary>
    public Uri? Supervisor { get; init; }

    /// <summary>The task store's SQLite file.</summary>
    public string TaskStorePath { get; init; } = "tasks.db";

    /// <summary>Where RobotService listens; empty for the default loopback address.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];

    /// <summary>Pick attempts before a task fails.</summary>
    public int PickAttempts { get; init; } = 2;

    /// <summary>Audit log for safety-relevant task transitions, when given.</summary>
    public IAuditLog? AuditLog { get; init; }

    /// <summary>
    /// MCAP file to record the robot's telemetry to (joint states, commands, base state, safety
    /// stops; replaced if it exists); null (the default) records none. The loop fills the
    /// telemetry ring every tick and the recorder drains it on a thread of its own.
    /// </summary>
    public string? TelemetryPath { get; init; }

    /// <summary>
    /// Record the joint, base and controller messages of every Nth 1 kHz tick (default 10: 100 Hz,
    /// zstd-compressed; stops and faults are recorded on the tick they happen). A three-task demo
    /// at 1 kHz was about a gigabyte uncompressed.
    /// </summary>
    public int TelemetryEveryNthTick { get; init; } = 10;
}

/// <summary>
/// A whole simulated robot runtime, what <c>robot run --sim --site</c> and <c>robot demo</c> start:
/// the humanoid at the site (<see cref="SimSiteRobot"/>), its safety link to the supervisor (the
/// loop then runs at real time: verdict ages are wall time), the task manager with the MuJoCo
/// executor, and RobotService for operators; optionally an MCAP recording of the robot's telemetry.
/// </summary>
public sealed class SiteRobotHost : IAsyncDisposable
{
    private SiteRobotHost(SimSiteRobot robot, SafetyLink? link, TaskManager tasks, RobotServiceHost service, TelemetryRecorder? recorder)
    {
        Robot = robot;
        Link = link;
        Tasks = tasks;
        Service = service;
        Recorder = recorder;
    }

    /// <summary>The simulated robot.</summary>
    public SimSiteRobot Robot { get; }

    /// <summary>The supervisor link, when a supervisor was given.</summary>
    public SafetyLink? Link { get; }

    /// <summary>The task manager.</summary>
    public TaskManager Tasks { get; }

    /// <summary>RobotService.</summary>
    public RobotServiceHost Service { get; }

    /// <summary>
    /// The telemetry recorder, when <see cref="SiteRobotHostOptions.TelemetryPath"/> was given;
    /// the file is complete once the host is disposed.
    /// </summary>
    public TelemetryRecorder? Recorder { get; }

    /// <summary>Builds and starts everything; on a failure nothing stays open.</summary>
    public static async Task<SiteRobotHost> StartAsync(SiteModel site, SiteRobotHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(options);
        SafetyLink? link = null;
        SimSiteRobot? robot = null;
        TaskManager? tasks = null;
        TelemetryRecorder? recorder = null;
        DateTimeOffset started = DateTimeOffset.UtcNow; // simulated time 0, for the recording's timestamps
        try
        {
            SimSiteRobotOptions robotOptions = options.TelemetryPath is null ? options.Robot : options.Robot with { Telemetry = true };
            if (options.Supervisor is { } address)
            {
                link = new SafetyLink(new SafetyLinkOptions { Address = address, RobotId = options.RobotId, Reach = SimSiteRobot.Reach });
                // Verdict ages are wall time: the simulation must not outrun the clock the supervisor keeps.
                robotOptions = robotOptions with { Safety = link, RealTimeFactor = robotOptions.RealTimeFactor > 0 ? robotOptions.RealTimeFactor : 1 };
            }
            robot = new SimSiteRobot(site, robotOptions);
            if (options.TelemetryPath is { } telemetry)
            {
                // The ring holds the settling ticks the robot ran while it was built (4096 frames).
                recorder = new TelemetryRecorder(telemetry, robot.Robot.Telemetry!, robot.Robot.Hardware.Description, started, options.TelemetryEveryNthTick);
            }
            if (link is not null)
            {
                link.Report(robot.SafetyState());
                link.Start();
            }
            tasks = new TaskManager(site, new SimPickTaskExecutor(robot, options.PickAttempts), TaskStore.Open(options.TaskStorePath),
                new TaskManagerOptions { RobotId = options.RobotId, AuditLog = options.AuditLog });
            var serviceOptions = new RobotServiceHostOptions { AuditLog = options.AuditLog };
            foreach (string url in options.Urls)
            {
                serviceOptions.Urls.Add(url);
            }
            RobotServiceHost service = await RobotServiceHost.StartAsync(tasks, serviceOptions).ConfigureAwait(false);
            return new SiteRobotHost(robot, link, tasks, service, recorder);
        }
        catch
        {
            if (tasks is not null)
            {
                await tasks.DisposeAsync().ConfigureAwait(false);
            }
            recorder?.Dispose();
            robot?.Dispose();
            if (link is not null)
            {
                await link.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync().ConfigureAwait(false);
        await Tasks.DisposeAsync().ConfigureAwait(false);
        Recorder?.Dispose(); // the loop has stopped with the tasks: drain the rest, close the file
        Robot.Dispose();
        if (Link is not null)
        {
            await Link.DisposeAsync().ConfigureAwait(false);
        }
    }
}
