using System.IO.Pipes;
using System.Text.Json;
using System.Text.RegularExpressions;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Emulation;
using Robot.FirmwareBridge.Transport;
using Robot.Policies.Datasets;
using Robot.Sim.PickTask;
using Xunit.Abstractions;

namespace Robot.Cli.Tests.Teleop;

/// <summary>
/// <c>robot teleop record</c> against an emulated leader arm on a real pty pair (socat): the bridge's Dynamixel
/// emulator replays a human-like hand motion, the verb records two episodes driven by operator lines on its
/// stdin, and the dataset read back holds that motion mapped through the calibration file.
/// </summary>
/// <remarks>
/// Timing on a loaded 2-core machine is not asserted: the test waits on the verb's own status line (episode,
/// frame count) instead of sleeping, and checks what was recorded and in what order, not when. Each recorded
/// action must equal the calibrated mapping of one replayed pose, the poses must come in the replay's order
/// (a frame may repeat a pose, or skip some, as sampling at 50 Hz from a faster reader does), the first frame
/// must show the rest before the motion and the last the rest after it.
/// </remarks>
public partial class TeleopRecordEndToEndTests(ITestOutputHelper log)
{
    /// <summary>
    /// Recorded action against the calibrated replayed pose: rad for joints, m for the jaw. Both sides start from
    /// the same integer ticks, so only float32 storage separates them (≤ 5e-7 here); one leader tick is 1.5e-3 rad,
    /// a calibration off by a tick or more does not match.
    /// </summary>
    private const double ActionTolerance = 1e-4;

    /// <summary>
    /// Mean gap between observation.state and the action it follows (at the best lag of up to 10 frames), rad for
    /// the joints. The simulation steps once per frame whatever the load, so this depends on the recorded actions
    /// only; about 0.001 rad at a lag of 2 frames was measured, a state that ignored the actions would be ~0.1 rad off.
    /// </summary>
    private const double TrackingTolerance = 0.01;

    /// <summary>The same for the jaw, m (its range is 0–0.055 m).</summary>
    private const double JawTrackingTolerance = 0.003;

    private const string TaskText = "pick the emulated box";

    /// <summary>The wrist yaw: its calibrated max is tightened to 0.1 rad past home, and the first motion goes past it.</summary>
    private const int LimitedJoint = 6;

    [Fact]
    public async Task TeleopRecord_EmulatedLeaderReplaysAHandMotion_DatasetHoldsItThroughTheCalibration()
    {
        using var environment = new PickTaskEnvironment();
        LeaderCalibrationFixture calibration = Calibration(environment);
        (MotionReplay first, MotionReplay second) = Motions(environment, calibration);

        string work = Directory.CreateTempSubdirectory("robot-teleop-e2e-").FullName;
        try
        {
            await RecordAndCheck(work, environment, calibration, first, second);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The leader falls silent mid-episode (the emulated servos stop answering, as on a lost bus or an open breaker):
    /// the episode recorded so far is discarded and the verb says why, the arm does not go on replaying the last
    /// sample as a demonstration, and when the leader answers again the same episode index is recorded afresh.
    /// </summary>
    [Fact]
    public async Task TeleopRecord_LeaderFallsSilentMidEpisode_EpisodeDiscardedSayingWhy_AndRecordedAgainWhenItAnswers()
    {
        using var environment = new PickTaskEnvironment();
        LeaderCalibrationFixture calibration = Calibration(environment);
        (MotionReplay rest, _) = Motions(environment, calibration); // never started: holds the rest pose
        string work = Directory.CreateTempSubdirectory("robot-teleop-deadman-").FullName;
        try
        {
            string dataset = Path.Combine(work, "dataset"), calibrationFile = Path.Combine(work, "leader.json");
            File.WriteAllText(calibrationFile, calibration.ToJson());
            await using var recording = new LeaderRecording(calibration, rest, dataset, calibrationFile, episodes: 1);
            var (emulator, keys, stderr, stdout, run) = (recording.Emulator, recording.Keys, recording.Stderr, recording.Stdout, recording.Run);
            try
            {
                Assert.True(stderr.WaitFor(t => Frames(t, 0) >= 16, TimeSpan.FromSeconds(60), () => run.IsCompleted), $"episode 0 never recorded: {stderr}");
                emulator.Faults.Silent = true;
                Assert.True(stderr.WaitFor(t => t.Contains("episode 0 discarded", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => run.IsCompleted),
                    $"the episode went on without the leader: {stderr}");
                Assert.False(run.IsCompleted, $"the verb ended instead of waiting for the leader: {stderr}");
                int discardedAt = stderr.ToString().Length;
                emulator.Faults.Silent = false;
                Assert.True(stderr.WaitFor(t => Frames(t[discardedAt..], 0) >= 16, TimeSpan.FromSeconds(60), () => run.IsCompleted),
                    $"episode 0 was not recorded again once the leader answered: {stderr}");
                keys.WriteLine("n");
                Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))) == run, "the verb did not finish: " + stderr);
            }
            finally
            {
                emulator.Faults.Silent = false;
                await recording.StopIfRunning();
            }
            int code = await run;
            Assert.True(code == 0, $"exit {code}\nstdout: {stdout}\nstderr: {stderr}");
            Assert.Matches(@"episode 0 discarded: the leader arm has not answered for \d\.\d\d s", stderr.ToString());
            using (JsonDocument json = JsonDocument.Parse(stdout.ToString()))
            {
                JsonElement r = json.RootElement;
                Assert.Equal(1, r.GetProperty("saved").GetInt32());
                Assert.Equal(1, r.GetProperty("aborted").GetInt32());
                Assert.Contains("leader arm has not answered", r.GetProperty("abortReasons")[0].GetString(), StringComparison.Ordinal);
                Assert.True(r.GetProperty("heldFrames").GetInt64() > 0);
            }
            LeRobotDataset ds = await LeRobotDataset.OpenAsync(dataset);
            Assert.Equal(1, ds.Info.TotalEpisodes);
            Assert.Equal("stopped", ds.Episodes[0].Outcome);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task RecordAndCheck(string work, PickTaskEnvironment environment, LeaderCalibrationFixture calibration, MotionReplay first, MotionReplay second)
    {
        string dataset = Path.Combine(work, "dataset"), calibrationFile = Path.Combine(work, "leader.json");
        File.WriteAllText(calibrationFile, calibration.ToJson());
        await using var recording = new LeaderRecording(calibration, first, dataset, calibrationFile, episodes: 2);
        var (emulator, keys, stderr, stdout, run) = (recording.Emulator, recording.Keys, recording.Stderr, recording.Stdout, recording.Run);
        try
        {
            PlayEpisode(0, first, emulator, stderr, keys, run);
            emulator.Replay = second; // starts at the pose the first motion rests in
            PlayEpisode(1, second, emulator, stderr, keys, run);
            Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))) == run, "the verb did not finish after two episodes: " + stderr);
        }
        finally
        {
            await recording.StopIfRunning();
        }
        int code = await run;
        Assert.True(code == 0, $"exit {code}\nstdout: {stdout}\nstderr: {stderr}");
        using (JsonDocument json = JsonDocument.Parse(stdout.ToString()))
        {
            JsonElement r = json.RootElement;
            Assert.Equal(2, r.GetProperty("saved").GetInt32());
            Assert.Equal(0, r.GetProperty("discarded").GetInt32());
            Assert.False(r.GetProperty("stopped").GetBoolean());
            Assert.True(r.GetProperty("leaderSamples").GetInt64() > 0);
        }

        ValidationReport report = await DatasetValidator.ValidateAsync(dataset);
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
        LeRobotDataset ds = await LeRobotDataset.OpenAsync(dataset);
        Assert.Equal(50, ds.Info.Fps);
        Assert.Equal(2, ds.Info.TotalEpisodes);
        Assert.Equal(2, ds.Episodes.Count);
        Assert.Equal(ds.Episodes.Sum(e => e.Length), ds.Info.TotalFrames);
        Assert.Equal(new[] { TaskText }, ds.Tasks.Select(t => t.Task));

        var actions = new List<float[]>();
        foreach ((int episode, MotionReplay motion) in new[] { (0, first), (1, second) })
        {
            EpisodeRecord row = ds.Episodes[episode];
            Assert.Equal(episode, row.EpisodeIndex);
            Assert.Equal("stopped", row.Outcome); // ended by the operator's "n", not by the simulation
            EpisodeFrames frames = await ds.ReadEpisodeAsync(episode);
            Assert.Equal(row.Length, frames.Length);
            Assert.Equal(Enumerable.Range(0, frames.Length).Select(i => (double)i), frames.Scalars(LeRobotFormat.FrameIndex));
            float[] action = frames.Vector(LeRobotFormat.Action, out int width);
            Assert.Equal(PickTaskEnvironment.StateWidth, width);
            float[] state = frames.Vector(LeRobotFormat.ObservationState, out _);
            actions.Add(action);

            int[]? poses = MatchPoses(action, motion, calibration, out string why);
            Assert.True(poses is not null, $"episode {episode}: {why}");
            Assert.Equal(0, poses[0]); // recording began before the hand moved
            // ... and ended after it came to rest (a rest is many equal poses; the first of them is matched).
            Assert.True(motion.Pose(poses[^1]).SequenceEqual(motion.Pose(motion.Count - 1)), $"episode {episode}: the last frame holds pose {poses[^1]}, not the final rest");
            int distinct = poses.Distinct().Count();
            log.WriteLine($"episode {episode}: {frames.Length} frames matched {distinct} of {motion.Count} replayed poses");
            Assert.True(distinct >= 10, $"episode {episode}: only {distinct} distinct poses recorded");
            CheckStateFollows(episode, state, action);
        }

        // The limits clamp and the gripper's squeeze past its stop were exercised, not just mapped in between.
        Assert.Contains(Enumerable.Range(0, actions[0].Length / 8), t => Math.Abs(actions[0][(t * 8) + LimitedJoint] - calibration.Maxs[LimitedJoint]) < ActionTolerance);
        Assert.Contains(Enumerable.Range(0, actions[0].Length / 8), t => Math.Abs(actions[0][(t * 8) + 7] - PickTaskEnvironment.GripperClosed) < ActionTolerance);

        // The same check refuses a calibration that is wrong in any one way, and the episodes in the wrong order.
        foreach ((string what, LeaderCalibrationFixture wrong) in WrongCalibrations(calibration, environment))
        {
            Assert.True(MatchPoses(actions[0], first, wrong, out _) is null, $"episode 0 still matched with {what}");
        }
        Assert.Null(MatchPoses(actions[1], first, calibration, out _));
        Assert.Null(MatchPoses(actions[0], second, calibration, out _));

        var info = CliRunner.Run("dataset", "info", dataset);
        Assert.True(info.ExitCode == 0, info.Stderr);
        Assert.Matches(StoppedRow(), info.Stdout);
    }

    /// <summary>Waits for the episode to record, plays the motion, waits for frames after its rest began, presses "next".</summary>
    /// <summary>
    /// <c>robot teleop record</c> running on its own task against an emulated leader arm on a real pty pair,
    /// replaying <c>replay</c>, with operator lines written to its stdin through a real pipe (not a terminal).
    /// </summary>
    private sealed class LeaderRecording : IAsyncDisposable
    {
        private readonly SocatPtyPair _pty = new();
        private readonly AnonymousPipeServerStream _keysOut = new(PipeDirection.Out);
        private readonly StreamReader _keysIn;

        public LeaderRecording(LeaderCalibrationFixture calibration, MotionReplay replay, string dataset, string calibrationFile, int episodes)
        {
            Emulator = new DynamixelBusEmulator(new LinuxTtyTransport(_pty.PathB, 1_000_000),
                calibration.LeaderIds.Select(id => new VirtualServo(DynamixelModel.XL330M288, id, baudRegister: 3, returnDelay: 0)));
            Emulator.Replay = replay;
            Emulator.Start();
            _keysIn = new StreamReader(new AnonymousPipeClientStream(PipeDirection.In, _keysOut.ClientSafePipeHandle));
            Keys = new StreamWriter(_keysOut) { AutoFlush = true };
            Run = Task.Run(() => RobotCli.Run(
                ["teleop", "record", "--leader", _pty.PathA, "--task", TaskText, "--episodes", $"{episodes}", "--fps", "50", "--dataset", dataset,
                 "--calibration", calibrationFile, "--reset-time", "0", "--episode-time", "60", "--json"],
                Stdout, Stderr, _keysIn));
        }

        public DynamixelBusEmulator Emulator { get; }

        public StreamWriter Keys { get; }

        public WatchedWriter Stderr { get; } = new();

        public StringWriter Stdout { get; } = new();

        public Task<int> Run { get; }

        /// <summary>Stops a verb the test lost track of (an operator's "q"), so the test ends.</summary>
        public async Task StopIfRunning()
        {
            if (!Run.IsCompleted)
            {
                Keys.WriteLine("q");
                await Task.WhenAny(Run, Task.Delay(TimeSpan.FromSeconds(30)));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopIfRunning();
            Keys.Dispose();
            _keysIn.Dispose();
            _keysOut.Dispose();
            Emulator.Dispose();
            _pty.Dispose();
        }
    }

    private static void PlayEpisode(int episode, MotionReplay motion, DynamixelBusEmulator emulator, WatchedWriter stderr, StreamWriter keys, Task<int> run)
    {
        Assert.True(stderr.WaitFor(t => Frames(t, episode) >= 16, TimeSpan.FromSeconds(60), () => run.IsCompleted), $"episode {episode} never recorded: {stderr}");
        motion.Start();
        Assert.True(SpinUntil(() => motion.LastAppliedIndex == motion.Count - 1 || run.IsCompleted, TimeSpan.FromSeconds(60)), $"the replay never reached its end: {stderr}");
        Assert.False(run.IsCompleted, $"the verb ended during episode {episode}: {stderr}");
        // Two status lines after the leader came to rest: the last frames show the final pose whatever the load.
        int rested = Frames(stderr.ToString(), episode);
        Assert.True(stderr.WaitFor(t => Frames(t, episode) >= rested + 32, TimeSpan.FromSeconds(60), () => run.IsCompleted), $"episode {episode} stopped recording: {stderr}");
        Assert.Same(motion, emulator.Replay);
        keys.WriteLine("n");
    }

    private static bool SpinUntil(Func<bool> condition, TimeSpan timeout) => SpinWait.SpinUntil(() =>
    {
        Thread.Sleep(2);
        return condition();
    }, timeout);

    /// <summary>The frame count of the latest status line of <paramref name="episode"/> while recording, or −1.</summary>
    private static int Frames(string stderr, int episode)
    {
        int frames = -1;
        foreach (Match m in StatusLine().Matches(stderr))
        {
            if (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) == episode)
            {
                frames = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return frames;
    }

    /// <summary>
    /// For each recorded frame, the index of the replayed pose whose calibrated action it holds, poses taken in
    /// order (a frame repeats or skips poses, never goes back); null and the first frame that fits no pose otherwise.
    /// </summary>
    private static int[]? MatchPoses(float[] action, MotionReplay motion, LeaderCalibrationFixture calibration, out string why)
    {
        const int width = PickTaskEnvironment.StateWidth;
        var expected = Enumerable.Range(0, motion.Count).Select(k => calibration.Map(motion.Ids, motion.Pose(k))).ToArray();
        var poses = new int[action.Length / width];
        int pose = 0;
        for (int t = 0; t < poses.Length; t++)
        {
            ReadOnlySpan<float> a = action.AsSpan(t * width, width);
            while (pose < expected.Length && !Near(a, expected[pose]))
            {
                pose++;
            }
            if (pose == expected.Length)
            {
                float[] frame = a.ToArray();
                int nearest = Enumerable.Range(0, expected.Length).MinBy(k => Distance(frame, expected[k]));
                why = $"frame {t} of {poses.Length} [{string.Join(", ", frame.Select(v => v.ToString("F4")))}] is no replayed pose at or after frame {t - 1}'s (pose {(t > 0 ? poses[t - 1] : 0)}); "
                    + $"nearest is pose {nearest} [{string.Join(", ", expected[nearest].Select(v => v.ToString("F4")))}]";
                return null;
            }
            poses[t] = pose;
        }
        why = "";
        return poses;
    }

    private static bool Near(ReadOnlySpan<float> a, double[] e) => Distance(a, e) <= ActionTolerance;

    private static double Distance(ReadOnlySpan<float> a, double[] e)
    {
        double worst = 0;
        for (int i = 0; i < e.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - e[i]));
        }
        return worst;
    }

    /// <summary>
    /// The simulated arm follows the action: each joint's (and the jaw's) mean gap to the action at its best lag
    /// (the PD's delay, up to 10 frames) is small, and after the final rest the arm stands where the action points.
    /// </summary>
    private void CheckStateFollows(int episode, float[] state, float[] action)
    {
        const int width = PickTaskEnvironment.StateWidth;
        int n = action.Length / width;
        for (int j = 0; j < width; j++)
        {
            double tolerance = j < ArmKinematics.JointCount ? TrackingTolerance : JawTrackingTolerance;
            double best = double.PositiveInfinity;
            int bestLag = -1;
            for (int lag = 0; lag <= 10; lag++)
            {
                double sum = 0;
                for (int t = 0; t + lag < n; t++)
                {
                    sum += Math.Abs(state[((t + lag) * width) + j] - action[(t * width) + j]);
                }
                double mean = sum / (n - lag);
                if (mean < best)
                {
                    (best, bestLag) = (mean, lag);
                }
            }
            double end = Math.Abs(state[((n - 1) * width) + j] - action[((n - 1) * width) + j]);
            log.WriteLine($"episode {episode} {PickTaskEnvironment.StateNames[j]}: mean gap {best:F5} at lag {bestLag}, final gap {end:F5}");
            Assert.True(best < tolerance, $"episode {episode} {PickTaskEnvironment.StateNames[j]}: observation.state does not follow the action (mean gap {best:F4} at best lag {bestLag})");
            Assert.True(end < tolerance, $"episode {episode} {PickTaskEnvironment.StateNames[j]}: the arm ends {end:F4} from the action after the final rest");
        }
    }

    /// <summary>
    /// A calibration with every feature in play: leader IDs not in joint order, two joints reversed, offsets that
    /// put the leader's centre at the robot's home pose, a tightened limit on the wrist yaw, and a gripper whose
    /// closed stop lies below its open one.
    /// </summary>
    private static LeaderCalibrationFixture Calibration(PickTaskEnvironment environment)
    {
        ArmKinematics k = environment.Kinematics;
        double[] home = environment.HomeJoints.ToArray();
        double[] mins = [.. Enumerable.Range(0, 7).Select(k.LowerLimit)], maxs = [.. Enumerable.Range(0, 7).Select(k.UpperLimit)];
        bool[] inFile = new bool[7];
        mins[LimitedJoint] = Math.Max(k.LowerLimit(LimitedJoint), home[LimitedJoint] - 0.4);
        maxs[LimitedJoint] = home[LimitedJoint] + 0.10;
        Assert.True(maxs[LimitedJoint] < k.UpperLimit(LimitedJoint), $"the tightened limit must lie inside the joint's range; home {string.Join(", ", home)}");
        inFile[LimitedJoint] = true;
        return new LeaderCalibrationFixture([23, 21, 22, 27, 24, 26, 25], [1, -1, 1, -1, 1, 1, -1], home, mins, maxs, inFile, 28, 0.35, -0.45);
    }

    /// <summary>
    /// Two hand motions (100 Hz, 0.4 s minimum-jerk moves, 0.2 s rests) in robot joint offsets from home: the first
    /// reaches, pushes the wrist yaw past its calibrated limit, squeezes the gripper past its closed stop and
    /// half-opens it; the second starts where the first rests and returns home. Small moves that keep the hand
    /// clear of the box (an episode the simulation ends by itself would end before the operator's "next"); the
    /// wrist pitch only bends down, as it rests at its upper limit at home.
    /// </summary>
    private static (MotionReplay First, MotionReplay Second) Motions(PickTaskEnvironment environment, LeaderCalibrationFixture calibration)
    {
        double[] home = environment.HomeJoints.ToArray();
        double[] Pose(double[] offsets, double closed) => calibration.LeaderPose(home.Zip(offsets, (h, o) => h + o).ToArray(), closed);
        double[] rest = Pose([0, 0, 0, 0, 0, 0, 0], 0);
        double[] reach = Pose([-0.10, 0.08, 0.15, 0.25, 0.30, -0.20, 0.05], 0.3);
        double[] pastLimit = Pose([-0.05, 0.12, 0.05, 0.35, -0.20, -0.10, 0.22], 0);
        double[] squeeze = Pose([-0.05, 0.12, 0.05, 0.35, -0.20, -0.10, 0.22], 1.25);
        double[] halfOpen = Pose([0, 0.05, 0, 0.15, 0, -0.05, 0], 0.5);
        double[] aside = Pose([0.05, -0.05, -0.15, 0.10, -0.30, -0.30, -0.20], 0.2);
        return (HandMotion.Build(calibration.LeaderIds, [rest, reach, pastLimit, squeeze, halfOpen], 0.4, 0.2, 100),
            HandMotion.Build(calibration.LeaderIds, [halfOpen, aside, rest], 0.4, 0.2, 100));
    }

    /// <summary>Calibrations that each differ from the right one in one way the mapping must honour.</summary>
    private static IEnumerable<(string What, LeaderCalibrationFixture Wrong)> WrongCalibrations(LeaderCalibrationFixture right, PickTaskEnvironment environment)
    {
        int[] flipped = [.. right.Directions];
        flipped[3] = -flipped[3];
        yield return ("the elbow's direction flipped", right with { Directions = flipped });
        double[] shifted = [.. right.Offsets];
        shifted[2] += 0.01;
        yield return ("the shoulder yaw's offset 0.01 rad off", right with { Offsets = shifted });
        yield return ("no offsets", right with { Offsets = new double[7] });
        double[] unclamped = [.. right.Maxs];
        unclamped[LimitedJoint] = environment.Kinematics.UpperLimit(LimitedJoint);
        yield return ("the wrist yaw's limit ignored", right with { Maxs = unclamped });
        yield return ("the gripper's stops swapped", right with { OpenAngle = right.ClosedAngle, ClosedAngle = right.OpenAngle });
        byte[] swapped = [.. right.JointIds];
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        yield return ("the shoulder pitch and roll leader IDs swapped", right with { JointIds = swapped });
    }

    [GeneratedRegex(@"episode (\d+) recording\s+frame\s+(\d+)")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"(?m)^\s*1\s+\d+\s+\S+\s+stopped\s")]
    private static partial Regex StoppedRow();
}
