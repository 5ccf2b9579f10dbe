using System.CommandLine;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Hardware;
using Robot.FirmwareBridge.Transport;
using Robot.Policies.Datasets;
using Robot.Policies.Recording;
using Robot.Runtime.Demonstrations;
using Robot.Sim.PickTask;

namespace Robot.Cli.Commands.Teleop;

/// <summary>
/// <c>robot teleop record --leader PORT --task "…" --episodes N --fps 50 --dataset DIR [--calibration FILE]</c>:
/// the simulated robot's right arm follows a Dynamixel leader arm; episodes are recorded in real time into a
/// LeRobot v3.0 dataset, with reset phases, operator keys, a live status line on stderr and a cadence report.
/// </summary>
[CliVerb]
public static class TeleopCommand
{
    /// <summary>What a recording session did.</summary>
    /// <param name="Dataset">The dataset folder.</param>
    /// <param name="Saved">Episodes saved.</param>
    /// <param name="Discarded">Episodes the operator discarded (or in progress when the session stopped or failed).</param>
    /// <param name="ReRecorded">Episodes the operator recorded again.</param>
    /// <param name="Stopped">Whether the operator stopped the session.</param>
    /// <param name="Frames">Frames saved.</param>
    /// <param name="NominalFps">The dataset's frame rate.</param>
    /// <param name="RealFps">The measured frame rate of the saved episodes.</param>
    /// <param name="DroppedFrames">Nominal frame ticks with no recorded frame, over the saved episodes.</param>
    /// <param name="FlaggedEpisodes">Episodes whose cadence deviates beyond tolerance.</param>
    /// <param name="StaleFrames">Frames whose leader sample was not newer than the previous frame's.</param>
    /// <param name="LeaderSamples">Successful leader reads.</param>
    /// <param name="LeaderErrors">Failed leader reads.</param>
    /// <param name="Cadence">One sentence about the cadence.</param>
    /// <param name="Aborted">Episodes discarded because the leader stopped answering (each recorded again).</param>
    /// <param name="AbortReasons">Why, one line per aborted episode.</param>
    /// <param name="HeldFrames">Frames in which the arm held instead of following a stale leader sample (not recorded).</param>
    public sealed record RecordResult(string Dataset, int Saved, int Discarded, int ReRecorded, bool Stopped, long Frames, double NominalFps, double RealFps,
        long DroppedFrames, IReadOnlyList<long> FlaggedEpisodes, long StaleFrames, long LeaderSamples, long LeaderErrors, string Cadence,
        int Aborted, IReadOnlyList<string> AbortReasons, long HeldFrames);

    public static Command Create()
    {
        var command = new Command("teleop", "Teleoperation: drive the robot's arm with a leader arm and record demonstrations.");
        command.Subcommands.Add(Record());
        return command;
    }

    private static Command Record()
    {
        var leader = new Option<string>("--leader") { Description = "Serial port of the leader arm's Dynamixel bus (e.g. /dev/ttyUSB0).", Required = true };
        var task = new Option<string>("--task") { Description = "Task text stored with every episode.", DefaultValueFactory = _ => PickTaskDataset.DefaultTask };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to save.", DefaultValueFactory = _ => 50 };
        var fps = new Option<int>("--fps") { Description = "Frame rate; the pick-task simulation runs at 50 Hz, so 50 is the only value accepted.", DefaultValueFactory = _ => 50 };
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder (LeRobot v3.0).", Required = true };
        var calibration = new Option<string?>("--calibration") { Description = "Leader-to-robot calibration (JSON; see docs). Default: leader IDs 1–7 onto the arm joints, ID 8 the gripper (0 rad open, 1 rad closed)." };
        var episodeTime = new Option<double>("--episode-time") { Description = "Longest episode, s.", DefaultValueFactory = _ => 60 };
        var resetTime = new Option<double>("--reset-time") { Description = "Reset phase before each episode, s (real time for the operator to get ready).", DefaultValueFactory = _ => 5 };
        var baud = new Option<int>("--baud") { Description = "Bus baud rate.", DefaultValueFactory = _ => 1_000_000 };
        var seed = new Option<int>("--seed") { Description = "Base seed of the simulated scenes (episode i uses S + i).", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Append to the dataset in --dataset." };
        var json = CommonOptions.Json();
        var command = new Command("record", "Record teleoperated pick-task demonstrations: the simulated arm follows the leader arm.")
        {
            leader, task, episodes, fps, dataset, calibration, episodeTime, resetTime, baud, seed, resume, json,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = CliOutput.From(parseResult);
            int n = parseResult.GetValue(episodes), rate = parseResult.GetValue(fps);
            double episodeS = parseResult.GetValue(episodeTime), resetS = parseResult.GetValue(resetTime);
            string taskText = parseResult.GetValue(task) ?? "";
            var errors = new List<string>();
            if (n < 1)
            {
                errors.Add($"--episodes {n}: must be >= 1");
            }
            if (rate != PickTaskEnvironment.ControlHz)
            {
                errors.Add($"--fps {rate}: the pick-task simulation steps at {PickTaskEnvironment.ControlHz} Hz; use --fps {PickTaskEnvironment.ControlHz}");
            }
            if (!(episodeS >= 1) || !(episodeS <= 600))
            {
                errors.Add($"--episode-time {episodeS}: must be 1–600 s");
            }
            if (!(resetS >= 0) || !(resetS <= 600))
            {
                errors.Add($"--reset-time {resetS}: must be 0–600 s");
            }
            if (string.IsNullOrWhiteSpace(taskText))
            {
                errors.Add("--task: must not be empty");
            }
            string dir = parseResult.GetValue(dataset)!;
            if (!parseResult.GetValue(resume) && File.Exists(Path.Combine(dir, LeRobotFormat.InfoPath)))
            {
                errors.Add($"--dataset {dir}: already holds a dataset; pass --resume to append or choose another folder");
            }
            if (errors.Count > 0)
            {
                foreach (string e in errors)
                {
                    output.Error.WriteLine("robot teleop record: " + e);
                }
                return 2;
            }
            using var environment = new PickTaskEnvironment(new PickTaskOptions { EpisodeTimeS = episodeS });
            LeaderArmCalibration map;
            try
            {
                string? file = parseResult.GetValue(calibration);
                map = file is null ? LeaderArmCalibration.Identity(environment.Kinematics) : LeaderArmCalibration.Load(file, environment.Kinematics);
            }
            catch (CalibrationException e)
            {
                output.Error.WriteLine("robot teleop record: --calibration " + e.Message);
                return 2;
            }
            string port = parseResult.GetValue(leader)!;
            if (!File.Exists(port))
            {
                output.Error.WriteLine($"robot teleop record: --leader {port}: no such serial port");
                return 2;
            }
            using var bus = new DynamixelBus(SerialTransports.Create(port, parseResult.GetValue(baud)));
            try
            {
                bus.Open();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DynamixelBusUnavailableException)
            {
                output.Error.WriteLine($"robot teleop record: --leader {port}: cannot open the bus: {e.Message}");
                return 1;
            }
            using var reader = new LeaderArmReader(bus, map.LeaderIds);
            reader.Start();
            // Wait (up to 5 s) for the first leader sample: recording a leader that never answers would record nothing useful.
            var angles = new double[map.LeaderIds.Count];
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!reader.TryGetLatest(angles, out _, out _) && waited.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(10, ct);
            }
            if (reader.Samples == 0)
            {
                output.Error.WriteLine($"robot teleop record: --leader {port}: no answer from leader IDs {string.Join(",", map.LeaderIds)} within 5 s ({reader.Errors} failed reads)");
                return 1;
            }
            // The dataset is created only now that the leader answers: a leader that cannot be opened or stays
            // silent must not leave an empty dataset behind, which a rerun would refuse without --resume.
            LeRobotDatasetWriter writer;
            try
            {
                writer = await LeRobotDatasetWriter.OpenAsync(dir, PickTaskDataset.Spec(rate), parseResult.GetValue(resume), ct);
            }
            catch (Exception e) when (e is DatasetFormatException or IOException or UnauthorizedAccessException)
            {
                output.Error.WriteLine($"robot teleop record: --dataset {dir}: {e.Message}");
                return 2;
            }
            using var source = new TeleopDemonstrationSource(reader, map, environment, taskText, parseResult.GetValue(seed), TimeSpan.FromSeconds(resetS));
            // Keys from a terminal; lines from a pipe, a file, or the input an in-process run was given.
            TextReader? input = CliInvocation.InputOf(parseResult) ?? (Console.IsInputRedirected || !Environment.UserInteractive ? Console.In : null);
            var keys = new OperatorKeys(input);
            var recorder = new DemonstrationRecorder(writer, new RecorderOptions { Episodes = n, EpisodeTimeS = episodeS + 1, Clock = RecordingClock.RealTime });
            output.Progress($"recording {n} episodes at {rate} fps from {port} ({OperatorKeys.Help})");
            RecordingReport report = await Task.Run(() => recorder.RunAsync(source, keys, s =>
            {
                output.Error.Write($"\repisode {s.EpisodeIndex} {s.Phase,-9} frame {s.Frame,5}  {s.ElapsedS,6:F1} s  leader {reader.MeasuredHz,5:F0} Hz  ");
                if (s.Phase == "aborted")
                {
                    // On its own line: the status line overwrites itself, and this must stay readable.
                    output.Error.WriteLine();
                    output.Error.WriteLine($"robot teleop record: episode {s.EpisodeIndex} discarded: {source.AbortReason}");
                }
            }, ct), ct);
            output.Error.WriteLine();
            reader.Stop();
            var result = new RecordResult(dir, report.Saved.Count, report.Discarded, report.ReRecorded, report.Stopped, report.FramesSaved, report.NominalFps,
                report.RealFps, report.DroppedFrames, report.FlaggedEpisodes, source.StaleFrames, reader.Samples, reader.Errors, report.CadenceSentence,
                report.Aborted, report.AbortReasons, source.HeldFrames);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                output.Out.WriteLine($"{result.Saved} episodes saved, {result.Discarded} discarded, {result.ReRecorded} re-recorded, {result.Aborted} discarded because the leader stopped answering{(result.Stopped ? ", stopped by the operator" : "")}; {result.Frames} frames into {dir}");
                output.Out.WriteLine(result.Cadence);
                output.Out.WriteLine($"leader: {result.LeaderSamples} samples, {result.LeaderErrors} failed reads, {result.StaleFrames} frames reused a sample, {result.HeldFrames} frames held the arm (not recorded)");
                foreach (string abort in result.AbortReasons)
                {
                    output.Out.WriteLine("discarded " + abort);
                }
            }
            if (report.Failure is not null)
            {
                output.Error.WriteLine($"robot teleop record: stopped: {report.Failure} ({report.Saved.Count} episodes saved and intact)");
                return 1;
            }
            return 0;
        });
        return command;
    }
}
