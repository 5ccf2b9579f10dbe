using System.Diagnostics;
using Robot.Policies.Datasets;

namespace Robot.Policies.Recording;

/// <summary>
/// Records demonstrations into a LeRobot dataset. Two ways to use it:
/// <list type="bullet">
/// <item>an external loop that already runs at fps (teleoperation) calls <see cref="BeginEpisode"/>,
/// <c>AddFrame</c> per tick, then <see cref="SaveEpisodeAsync"/>, <see cref="ReRecord"/> or <see cref="Discard"/>;</item>
/// <item><see cref="RunAsync"/> drives an <see cref="IDemonstrationSource"/> itself: reset phase, frames paced
/// at fps (or simulated time), operator commands, saving, and the cadence report.</item>
/// </list>
/// An episode is saved (every file on disk) before the next begins; an exception while recording
/// discards only the episode in progress. Not thread-safe: one loop owns a recorder.
/// </summary>
public sealed class DemonstrationRecorder
{
    private readonly LeRobotDatasetWriter _writer;
    private readonly RecorderOptions _options;
    private readonly TimeProvider _time;
    private readonly EpisodeBuffer _buffer;
    private readonly float[] _state;
    private readonly float[] _environment;
    private readonly float[] _action;
    private long _origin;
    private bool _recording;

    public DemonstrationRecorder(LeRobotDatasetWriter writer, RecorderOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid recorder options: " + string.Join("; ", errors), nameof(options));
        }
        _writer = writer;
        _options = options;
        _time = time ?? TimeProvider.System;
        DatasetSpec spec = writer.Spec;
        _buffer = writer.NewBuffer((int)Math.Ceiling(options.EpisodeTimeS * spec.Fps) + 1);
        _state = new float[spec.StateWidth];
        _environment = new float[spec.EnvironmentWidth];
        _action = new float[spec.ActionWidth];
    }

    public LeRobotDatasetWriter Writer => _writer;

    /// <summary>Frames of the episode in progress.</summary>
    public int FrameCount => _buffer.Count;

    /// <summary>Times the frame storage grew during recording (0 when EpisodeTimeS covers every episode).</summary>
    public int BufferGrowths => _buffer.Grown;

    /// <summary>Starts an episode: forgets any unsaved frames.</summary>
    public void BeginEpisode()
    {
        _buffer.Clear();
        _origin = _time.GetTimestamp();
        _recording = true;
    }

    /// <summary>
    /// Records one frame stamped with the current time (real-time clock) or frame_index / fps
    /// (simulated clock). Per-frame path: copies, no allocation, no I/O.
    /// </summary>
    public void AddFrame(ReadOnlySpan<float> state, ReadOnlySpan<float> environmentState, ReadOnlySpan<float> action)
    {
        if (!_recording)
        {
            ThrowNotRecording();
        }
        double t = _options.Clock == RecordingClock.Simulated
            ? (double)_buffer.Count / _writer.Spec.Fps
            : _time.GetElapsedTime(_origin).TotalSeconds;
        _buffer.AddFrame(state, environmentState, action, t);
    }

    /// <summary>Records one frame with an explicit capture time, s (e.g. the hardware's sample time).</summary>
    public void AddFrame(ReadOnlySpan<float> state, ReadOnlySpan<float> environmentState, ReadOnlySpan<float> action, double captureTimeS)
    {
        if (!_recording)
        {
            ThrowNotRecording();
        }
        _buffer.AddFrame(state, environmentState, action, captureTimeS);
    }

    /// <summary>
    /// Saves the episode in progress durably and returns its row; the next episode may begin when this returns.
    /// <paramref name="outcome"/> is how it ended in a word (see <see cref="LeRobotDatasetWriter.SaveEpisodeAsync"/>).
    /// </summary>
    public async Task<EpisodeRecord> SaveEpisodeAsync(string task, bool? success, string? outcome = null, CancellationToken cancellationToken = default)
    {
        EpisodeRecord record = await _writer.SaveEpisodeAsync(_buffer, task, success, outcome, cancellationToken).ConfigureAwait(false);
        _buffer.Clear();
        _recording = false;
        return record;
    }

    /// <summary>Forgets the episode in progress and starts it again with the same index.</summary>
    public void ReRecord() => BeginEpisode();

    /// <summary>Forgets the episode in progress; nothing was written, so the next episode reuses its index.</summary>
    public void Discard()
    {
        _buffer.Clear();
        _recording = false;
    }

    /// <summary>
    /// Records <see cref="RecorderOptions.Episodes"/> episodes from <paramref name="source"/>. Returns the
    /// report; when the source or a save throws, the episode in progress is discarded, the report carries
    /// <see cref="RecordingReport.Failure"/>, and every saved episode stays intact.
    /// </summary>
    public async Task<RecordingReport> RunAsync(IDemonstrationSource source, IRecorderControl? control = null, Action<RecorderStatus>? status = null,
        CancellationToken cancellationToken = default)
    {
        var saved = new List<EpisodeRecord>();
        var aborts = new List<string>();
        int discarded = 0, reRecorded = 0;
        bool stopped = false;
        string? failure = null;
        int maxFrames = (int)Math.Ceiling(_options.EpisodeTimeS * _writer.Spec.Fps);
        long periodTicks = Math.Max(1, (long)Math.Round((double)_time.TimestampFrequency / _writer.Spec.Fps));
        try
        {
            while (saved.Count < _options.Episodes && !stopped)
            {
                cancellationToken.ThrowIfCancellationRequested();
                status?.Invoke(new RecorderStatus(_writer.TotalEpisodes, 0, 0, "reset"));
                source.BeginEpisode(_writer.TotalEpisodes);
                BeginEpisode();
                long next = _origin;
                long held = 0;
                RecorderCommand command = RecorderCommand.None;
                while (true)
                {
                    if (_options.Clock == RecordingClock.RealTime)
                    {
                        WaitUntil(next);
                        next += periodTicks;
                    }
                    FrameStatus frame = source.Step(_state, _environment, _action);
                    if (frame == FrameStatus.EpisodeAborted)
                    {
                        aborts.Add($"episode {_writer.TotalEpisodes}: {source.AbortReason ?? "the source aborted it"}");
                        status?.Invoke(new RecorderStatus(_writer.TotalEpisodes, _buffer.Count, _time.GetElapsedTime(_origin).TotalSeconds, "aborted"));
                        source.BeginEpisode(_writer.TotalEpisodes);
                        BeginEpisode();
                        next = _origin;
                        continue;
                    }
                    if (frame == FrameStatus.Held)
                    {
                        // Not a demonstration: nothing is recorded, but keys and the status line still work.
                        if ((++held & 15) == 0)
                        {
                            status?.Invoke(new RecorderStatus(_writer.TotalEpisodes, _buffer.Count, _time.GetElapsedTime(_origin).TotalSeconds, "held"));
                        }
                    }
                    else
                    {
                        AddFrame(_state, _environment, _action);
                        if ((_buffer.Count & 15) == 0)
                        {
                            status?.Invoke(new RecorderStatus(_writer.TotalEpisodes, _buffer.Count, _buffer.RealTimeS[^1], "recording"));
                        }
                    }
                    command = control?.Poll() ?? RecorderCommand.None;
                    if (command == RecorderCommand.ReRecord)
                    {
                        reRecorded++;
                        source.BeginEpisode(_writer.TotalEpisodes);
                        BeginEpisode();
                        next = _origin;
                        continue;
                    }
                    if (command is RecorderCommand.Discard or RecorderCommand.Stop || command == RecorderCommand.NextEpisode
                        || frame == FrameStatus.EpisodeDone || _buffer.Count >= maxFrames)
                    {
                        break;
                    }
                    cancellationToken.ThrowIfCancellationRequested();
                }
                // An episode that held the robot from its first frame has nothing to save.
                if (command is RecorderCommand.Discard or RecorderCommand.Stop || _buffer.Count == 0)
                {
                    discarded += command is RecorderCommand.Discard or RecorderCommand.Stop ? 1 : 0;
                    Discard();
                    stopped = command == RecorderCommand.Stop;
                    continue;
                }
                status?.Invoke(new RecorderStatus(_writer.TotalEpisodes, _buffer.Count, _buffer.RealTimeS[^1], "saving"));
                saved.Add(await SaveEpisodeAsync(source.Task, source.EpisodeSucceeded, source.EpisodeOutcome, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (_buffer.Count > 0)
            {
                discarded++;
            }
            Discard();
            failure = $"{e.GetType().Name}: {e.Message}";
        }
        catch (OperationCanceledException)
        {
            if (_buffer.Count > 0)
            {
                discarded++;
            }
            Discard();
            stopped = true;
        }
        return new RecordingReport
        {
            NominalFps = _writer.Spec.Fps,
            Saved = saved,
            Discarded = discarded,
            ReRecorded = reRecorded,
            Stopped = stopped,
            Failure = failure,
            AbortReasons = aborts,
        };
    }

    /// <summary>Sleeps most of the wait, spins the last ~1.5 ms (Linux sleeps overshoot by ~0.1–1 ms).</summary>
    private void WaitUntil(long deadline)
    {
        long spinTicks = _time.TimestampFrequency * 3 / 2000;
        while (true)
        {
            long remaining = deadline - _time.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }
            if (remaining > spinTicks)
            {
                Thread.Sleep(TimeSpan.FromSeconds((double)(remaining - spinTicks) / _time.TimestampFrequency));
            }
            else
            {
                Thread.SpinWait(20);
            }
        }
    }

    [StackTraceHidden]
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNotRecording() => throw new InvalidOperationException("no episode in progress: call BeginEpisode first");
}
