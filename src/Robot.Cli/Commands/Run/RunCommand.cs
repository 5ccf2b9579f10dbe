using System.CommandLine;
using System.Diagnostics;
using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Runtime.Telemetry;
using Robot.Sim;

namespace Robot.Cli.Commands.Run;

/// <summary>
/// <c>robot run --sim</c>: starts the simulated robot with its control loop (stance hold or
/// balance), optionally recording MCAP telemetry; with <c>--site</c>, the humanoid at the site
/// serving pick tasks (<see cref="SiteRun"/>), optionally recording too.
/// </summary>
[CliVerb]
public static class RunCommand
{
    public sealed record RunResult(string Controller, string Clock, double SimulatedSeconds, double WallSeconds, long Ticks, string Fault,
        string? Recording, long TelemetryMessages, long TelemetryDropped, IReadOnlyList<string> Realtime, string? TelemetryError = null);

    public static Command Create()
    {
        var sim = new Option<bool>("--sim") { Description = "Run against the MuJoCo simulation (the only hardware this verb starts today).", Required = true };
        var seconds = new Option<double>("--seconds") { Description = "How long to run, s (simulated time; wall time with --realtime).", DefaultValueFactory = _ => 10 };
        var controller = new Option<string>("--controller") { Description = "Controller: balance (LIPM/DCM stabiliser) or hold (stance PD).", DefaultValueFactory = _ => "balance" };
        controller.AcceptOnlyFromAmong("balance", "hold");
        var realtime = new Option<bool>("--realtime") { Description = "Run on the wall clock at 1 kHz on a real-time thread instead of as fast as possible." };
        var record = new Option<FileInfo?>("--record") { Description = "Record telemetry to this MCAP file (joint states, commands, base state, controller signals, faults, safety stops); also with --site." };
        var site = new Option<FileInfo?>("--site") { Description = "Run the humanoid at this site (zones and locations) and serve pick tasks on RobotService until --seconds of wall time pass or Ctrl-C." };
        var supervisor = new Option<Uri?>("--supervisor") { Description = "With --site: the safety supervisor's address; the robot streams its state and obeys the verdicts (the loop then runs at real time)." };
        var urls = new Option<string[]>("--urls") { Description = "With --site: where RobotService listens (default http://127.0.0.1:50061).", AllowMultipleArgumentsPerToken = true };
        var tasksDb = new Option<FileInfo?>("--tasks-db") { Description = "With --site: the task store (SQLite), default tasks.db in the current folder." };
        var robotId = new Option<string>("--robot-id") { Description = "With --site: this robot's id in the site file.", DefaultValueFactory = _ => "h1" };
        var from = new Option<string>("--from") { Description = "With --site: start pose X,Y,YAWDEG in the site frame.", DefaultValueFactory = _ => "1.5,2,0" };
        var policy = PickerArgument.Create();
        policy.Description = "With --site: " + policy.Description;
        var json = CommonOptions.Json();
        var command = new Command("run", "Start a robot: the control loop against the simulation, optionally recording MCAP telemetry; with --site, the humanoid at the site serving pick tasks.")
        {
            sim, seconds, controller, realtime, record, site, supervisor, urls, tasksDb, robotId, from, policy, json,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            if (parseResult.GetValue(site) is { } siteFile)
            {
                return await SiteRun.RunAsync(parseResult, siteFile, parseResult.GetValue(supervisor), parseResult.GetValue(urls) ?? [],
                    parseResult.GetValue(tasksDb), parseResult.GetValue(robotId)!, parseResult.GetValue(from)!, parseResult.GetValue(policy)!, parseResult.GetValue(seconds), parseResult.GetValue(record), ct);
            }
            return RunLoop(parseResult, seconds, controller, realtime, record, json);
        });
        return command;
    }

    /// <summary>What is wrong with the <c>--record</c> file (its folder missing, a folder in its place), or null when it can be created.</summary>
    internal static string? RecordProblem(FileInfo? file) => OutputFileArgument.Problem("--record", file, "an MCAP file path");

    private static int RunLoop(ParseResult parseResult, Option<double> seconds, Option<string> controller, Option<bool> realtime, Option<FileInfo?> record, Option<bool> json)
    {
        {
            var output = CliOutput.From(parseResult);
            double s = parseResult.GetValue(seconds);
            if (!(s > 0) || s > 86_400)
            {
                output.Error.WriteLine($"robot run: --seconds {s} must be in (0, 86400]");
                return 2;
            }
            FileInfo? file = parseResult.GetValue(record);
            if (RecordProblem(file) is { } problem)
            {
                output.Error.WriteLine($"robot run: {problem}");
                return 2;
            }
            string name = parseResult.GetValue(controller)!;
            var hardware = SimHardware.FlatGround();
            IJointController? chosen = name == "balance" ? BalanceFactory.CreateStepping(hardware) : null;
            using var robot = SimulatedRobot.Create(chosen, telemetry: file is not null, hardware: hardware);
            TelemetryRecorder? recorder = file is null ? null : new TelemetryRecorder(file.FullName, robot.Telemetry!, hardware.Description, DateTimeOffset.UtcNow);
            var clock = Stopwatch.StartNew();
            long ticks = (long)Math.Round(s / hardware.Timestep);
            IReadOnlyList<string> rt = [];
            output.Progress($"robot run: {name} controller, {(parseResult.GetValue(realtime) ? "wall clock" : "simulated time")}, {s} s{(file is null ? "" : $", recording {file.FullName}")}");
            if (parseResult.GetValue(realtime))
            {
                using var driver = new WallClockDriver(robot.Pipeline, new ControlLoopOptions { RateHz = 1 / hardware.Timestep });
                driver.Start(ticks);
                driver.Join();
                rt = driver.RealtimeReport;
            }
            else
            {
                var driver = new SimulatedTimeDriver(robot.Pipeline);
                for (long done = 0; done < ticks;)
                {
                    // Lockstep with the recorder: never outrun the telemetry ring.
                    while (robot.Telemetry is { } ring && ring.Pending > 2048)
                    {
                        Thread.Sleep(1);
                    }
                    done += driver.Run(Math.Min(ticks - done, 1024), stopOnFault: true);
                    if (robot.Pipeline.Fault != LoopFault.None)
                    {
                        break;
                    }
                }
            }
            recorder?.Dispose();
            var result = new RunResult(name, parseResult.GetValue(realtime) ? "wall" : "simulated", hardware.Simulation.Time, clock.Elapsed.TotalSeconds,
                robot.Pipeline.TickCount, robot.Pipeline.Fault.ToString(), file?.FullName, recorder?.MessagesWritten ?? 0, robot.Telemetry?.Dropped ?? 0, rt,
                recorder?.Failure?.Message);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                output.Out.WriteLine($"ran {result.Ticks} ticks ({result.SimulatedSeconds:F2} s simulated, {result.WallSeconds:F2} s wall), fault {result.Fault}");
                if (file is not null)
                {
                    output.Out.WriteLine($"telemetry: {result.TelemetryMessages} messages in {file.FullName} ({result.TelemetryDropped} dropped)");
                }
            }
            if (result.TelemetryError is { } error)
            {
                // The loop ran on; the recording asked for did not happen in full.
                output.Error.WriteLine($"robot run: telemetry recording FAILED after {result.TelemetryMessages} messages, the rest was not written: {error}");
            }
            return result.Fault == "None" && result.TelemetryError is null ? 0 : 1;
        }
    }
}
