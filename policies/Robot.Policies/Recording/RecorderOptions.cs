namespace Robot.Policies.Recording;

/// <summary>How frames are timed.</summary>
public enum RecordingClock
{
    /// <summary>Frames are paced at fps on the wall clock and stamped with their measured capture time (teleoperation, hardware).</summary>
    RealTime,

    /// <summary>Frames are stamped frame_index / fps and not paced (simulation stepped faster than real time): time is exact by construction.</summary>
    Simulated,
}

/// <summary>Options of <see cref="DemonstrationRecorder"/>, validated once at construction.</summary>
public sealed record RecorderOptions
{
    /// <summary>Episodes to save. Default 50 (LeRobot's default).</summary>
    public int Episodes { get; init; } = 50;

    /// <summary>Longest episode, s; the episode ends and is saved when reached. Default 60 s.</summary>
    public double EpisodeTimeS { get; init; } = 60;

    /// <summary>Frame timing. Default <see cref="RecordingClock.RealTime"/>.</summary>
    public RecordingClock Clock { get; init; } = RecordingClock.RealTime;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Episodes < 1)
        {
            errors.Add($"Episodes: {Episodes} must be >= 1");
        }
        if (!(EpisodeTimeS > 0))
        {
            errors.Add($"EpisodeTimeS: {EpisodeTimeS} must be > 0");
        }
        return errors;
    }
}

/// <summary>One line of live status (episode, frame, measured rate).</summary>
public readonly record struct RecorderStatus(long EpisodeIndex, int Frame, double ElapsedS, string Phase);
