using Robot.Policies.Datasets;
using Robot.Policies.Recording;
using Robot.Policies.Tests.Datasets;

namespace Robot.Policies.Tests.Recording;

/// <summary>A scripted source: episodes of fixed length; can throw at a given frame of a given episode.</summary>
internal sealed class ScriptedSource(int frames, long throwInEpisode = -1, int throwAtFrame = -1) : IDemonstrationSource
{
    private long _episode;
    private int _frame;

    public string Task => DatasetFixture.PickTask;

    public bool? EpisodeSucceeded => _episode % 2 == 0;

    public int Begins { get; private set; }

    public void BeginEpisode(long episodeIndex)
    {
        _episode = episodeIndex;
        _frame = 0;
        Begins++;
    }

    public FrameStatus Step(Span<float> state, Span<float> environmentState, Span<float> action)
    {
        if (_episode == throwInEpisode && _frame == throwAtFrame)
        {
            throw new InvalidOperationException("leader arm disconnected");
        }
        DatasetFixture.Fill((int)_episode, _frame, state, environmentState, action);
        _frame++;
        return _frame >= frames ? FrameStatus.EpisodeDone : FrameStatus.Continue;
    }
}

/// <summary>
/// A source whose frames follow a script per attempt at an episode: 'c' a demonstration frame, 'h' a held frame,
/// 'a' abort, 'd' the episode's last frame. Attempts past the script's end record 'd' at once.
/// </summary>
internal sealed class StallingSource(params string[] attempts) : IDemonstrationSource
{
    private int _attempt = -1;
    private int _frame;
    private long _episode;

    public string Task => DatasetFixture.PickTask;

    public bool? EpisodeSucceeded => true;

    public string? AbortReason => "the leader stopped answering";

    public void BeginEpisode(long episodeIndex)
    {
        _episode = episodeIndex;
        _attempt++;
        _frame = 0;
    }

    public FrameStatus Step(Span<float> state, Span<float> environmentState, Span<float> action)
    {
        string script = _attempt < attempts.Length ? attempts[_attempt] : "d";
        char c = script[Math.Min(_frame, script.Length - 1)];
        DatasetFixture.Fill((int)_episode, _frame, state, environmentState, action);
        _frame++;
        return c switch
        {
            'h' => FrameStatus.Held,
            'a' => FrameStatus.EpisodeAborted,
            'd' => FrameStatus.EpisodeDone,
            _ => FrameStatus.Continue,
        };
    }
}

/// <summary>Returns queued commands at given frame counts.</summary>
internal sealed class ScriptedControl(params (int Poll, RecorderCommand Command)[] script) : IRecorderControl
{
    private int _polls;

    public RecorderCommand Poll()
    {
        _polls++;
        foreach (var (poll, command) in script)
        {
            if (poll == _polls)
            {
                return command;
            }
        }
        return RecorderCommand.None;
    }
}

/// <summary>A clock the test moves: each GetTimestamp advances by a programmable step.</summary>
internal sealed class SteppingTimeProvider(Func<long, long> stepTicks) : TimeProvider
{
    private long _now;
    private long _calls;

    public override long TimestampFrequency => 1_000_000;

    public override long GetTimestamp()
    {
        long t = _now;
        _now += stepTicks(_calls++);
        return t;
    }
}

public class DemonstrationRecorderTests
{
    private static readonly RecorderOptions s_simulated = new() { Episodes = 3, EpisodeTimeS = 10, Clock = RecordingClock.Simulated };

    [Fact]
    public async Task Run_SavesEpisodesWithSuccessLabels_AndTheDatasetValidates()
    {
        using var dir = new TempDir();
        var writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        RecordingReport report = await new DemonstrationRecorder(writer, s_simulated).RunAsync(new ScriptedSource(25));
        Assert.Null(report.Failure);
        Assert.Equal(3, report.Saved.Count);
        Assert.Equal(75, report.FramesSaved);
        Assert.Equal([true, false, true], report.Saved.Select(e => e.Success!.Value));
        Assert.Empty(report.FlaggedEpisodes);
        Assert.Equal(50, report.RealFps, 6);
        Assert.Contains("timestamps are faithful", report.CadenceSentence, StringComparison.Ordinal);
        Assert.True((await DatasetValidator.ValidateAsync(dir.Path)).IsValid);
    }

    [Fact]
    public async Task ExceptionMidEpisode_LosesOnlyThatEpisode()
    {
        using var dir = new TempDir();
        var writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        var recorder = new DemonstrationRecorder(writer, s_simulated);
        RecordingReport report = await recorder.RunAsync(new ScriptedSource(20, throwInEpisode: 2, throwAtFrame: 7));
        Assert.Equal("InvalidOperationException: leader arm disconnected", report.Failure);
        Assert.Equal(2, report.Saved.Count);
        Assert.Equal(1, report.Discarded);

        ValidationReport v = await DatasetValidator.ValidateAsync(dir.Path);
        Assert.True(v.IsValid, string.Join("\n", v.Problems));
        LeRobotDataset ds = await LeRobotDataset.OpenAsync(dir.Path);
        Assert.Equal(2, ds.Info.TotalEpisodes);
        Assert.Equal(40, ds.Info.TotalFrames);

        // The same writer goes on with the right indices.
        RecordingReport more = await recorder.RunAsync(new ScriptedSource(5));
        Assert.Equal([2L, 3L, 4L], more.Saved.Select(e => e.EpisodeIndex));
        Assert.Equal(40, more.Saved[0].DatasetFromIndex);
    }

    [Fact]
    public async Task ReRecordDiscardAndStop_KeepIndicesContiguous()
    {
        using var dir = new TempDir();
        var writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        var source = new ScriptedSource(10);
        // Polls: episode 0 re-recorded at poll 4, then its 10 frames (polls 5..14) are saved; episode 1 discarded at
        // poll 17; its replacement records polls 18..27 and is saved; the next is stopped at poll 30.
        var control = new ScriptedControl((4, RecorderCommand.ReRecord), (17, RecorderCommand.Discard), (30, RecorderCommand.Stop));
        RecordingReport report = await new DemonstrationRecorder(writer, s_simulated with { Episodes = 5 }).RunAsync(source, control);
        Assert.Null(report.Failure);
        Assert.True(report.Stopped);
        Assert.Equal(1, report.ReRecorded);
        Assert.Equal(2, report.Discarded);
        Assert.Equal([0L, 1L], report.Saved.Select(e => e.EpisodeIndex));
        Assert.All(report.Saved, e => Assert.Equal(10, e.Length));
        LeRobotDataset ds = await LeRobotDataset.OpenAsync(dir.Path);
        Assert.Equal(2, ds.Info.TotalEpisodes);
        Assert.Equal(20, ds.Info.TotalFrames);
        Assert.True((await DatasetValidator.ValidateAsync(dir.Path)).IsValid);
    }

    [Fact]
    public async Task HeldFramesAndAnAbortedEpisode_NothingOfThemIsSaved_TheAbortIsReportedAndTheIndexRecordedAgain()
    {
        using var dir = new TempDir();
        var writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        // Episode 0: 4 frames, 3 held, aborted; again: 2 held (waiting), 5 frames, 2 held, 2 frames, done. Episode 1: done at once.
        var source = new StallingSource("cccchhha", "hhccccchhccd");
        RecordingReport report = await new DemonstrationRecorder(writer, s_simulated with { Episodes = 2 }).RunAsync(source);
        Assert.Null(report.Failure);
        Assert.Equal(1, report.Aborted);
        Assert.Equal(["episode 0: the leader stopped answering"], report.AbortReasons);
        Assert.Equal(0, report.Discarded);
        Assert.Equal([0L, 1L], report.Saved.Select(e => e.EpisodeIndex));
        Assert.Equal([8, 1], report.Saved.Select(e => e.Length));
        Assert.True((await DatasetValidator.ValidateAsync(dir.Path)).IsValid);
    }

    [Fact]
    public async Task SlowLoop_IsMeasuredFlaggedAndReported()
    {
        using var dir = new TempDir();
        var writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        // Frames 25 ms apart instead of 20 ms (40 fps), one 60 ms stall: 2 dropped frames.
        var recorder = new DemonstrationRecorder(writer, new RecorderOptions { Episodes = 1, EpisodeTimeS = 10 },
            new SteppingTimeProvider(_ => 0));
        recorder.BeginEpisode();
        var s = new float[16];
        var env = new float[14];
        var a = new float[16];
        double t = 0;
        for (int i = 0; i < 40; i++)
        {
            DatasetFixture.Fill(0, i, s, env, a);
            recorder.AddFrame(s, env, a, t);
            t += i == 20 ? 0.060 : 0.025;
        }
        EpisodeRecord e = await recorder.SaveEpisodeAsync(DatasetFixture.PickTask, true);
        Assert.True(e.Cadence!.Flagged);
        Assert.InRange(e.Cadence.RealFps, 38, 40);
        Assert.True(e.Cadence.DroppedFrames >= 2);
        Assert.Equal(0.060, e.Cadence.MaxIntervalS, 9);
        var report = new RecordingReport { NominalFps = 50, Saved = [e] };
        Assert.Contains("episodes 0 deviate beyond tolerance and are flagged", report.CadenceSentence, StringComparison.Ordinal);

        // The data keeps nominal timestamps (LeRobot's rule) and the measured ones beside them.
        LeRobotDataset ds = await LeRobotDataset.OpenAsync(dir.Path);
        EpisodeFrames frames = await ds.ReadEpisodeAsync(0);
        Assert.Equal(1.0 / 50, frames.Scalars(LeRobotFormat.Timestamp)[1], 6);
        Assert.Equal(0.025, frames.Scalars(LeRobotFormat.RealTimestamp)[1], 6);
        ValidationReport v = await DatasetValidator.ValidateAsync(dir.Path);
        Assert.True(v.IsValid);
        Assert.Contains(v.Problems, p => p.Kind == DatasetProblemKind.CadenceFlagged && p.Severity == DatasetProblemSeverity.Warning);
    }

    [Fact]
    public async Task RealTimeRun_PacesFramesAtFps()
    {
        using var dir = new TempDir();
        var writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec(fps: 100));
        var recorder = new DemonstrationRecorder(writer, new RecorderOptions { Episodes = 1, EpisodeTimeS = 10, Clock = RecordingClock.RealTime });
        RecordingReport report = await recorder.RunAsync(new ScriptedSource(30));
        // Wall-clock pacing on a shared machine: check it paced (not free-running), not its precision.
        Assert.InRange(report.Saved[0].Cadence!.RealFps, 10, 200); // free-running would be ~10^5 fps
    }

    [Fact]
    public async Task AddFrame_AllocatesNothing()
    {
        using var dir = new TempDir();
        var writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        var recorder = new DemonstrationRecorder(writer, new RecorderOptions { Episodes = 1, EpisodeTimeS = 20 });
        var s = new float[16];
        var env = new float[14];
        var a = new float[16];
        recorder.BeginEpisode();
        recorder.AddFrame(s, env, a);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 900; i++)
        {
            recorder.AddFrame(s, env, a);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, recorder.BufferGrowths);
    }

    [Fact]
    public void WrongFrameWidth_IsRejectedWithWidths()
    {
        var buffer = new EpisodeBuffer(16, 14, 16, 4);
        var e = Assert.Throws<ArgumentException>(() => buffer.AddFrame(new float[15], new float[14], new float[16], 0));
        Assert.Equal("frame widths state 15, environment 14, action 16; expected 16, 14, 16", e.Message);
    }
}
