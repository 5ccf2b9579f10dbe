using Robot.Policies.Datasets;

namespace Robot.Policies.Recording;

/// <summary>
/// The end-of-session report: episodes saved, discarded and re-recorded, and the cadence actually
/// achieved against the nominal fps (frames dropped, episodes flagged because their nominal timestamps
/// misstate real time).
/// </summary>
public sealed record RecordingReport
{
    public required int NominalFps { get; init; }
    public required IReadOnlyList<EpisodeRecord> Saved { get; init; }
    /// <summary>Episodes discarded by the operator (or in progress when the session failed or stopped).</summary>
    public int Discarded { get; init; }

    /// <summary>Episodes the source aborted (<see cref="FrameStatus.EpisodeAborted"/>) and that were recorded again.</summary>
    public int Aborted => AbortReasons.Count;

    /// <summary>One line per aborted episode: "episode N: why".</summary>
    public IReadOnlyList<string> AbortReasons { get; init; } = [];

    public int ReRecorded { get; init; }
    public bool Stopped { get; init; }

    /// <summary>Set when the session ended with an exception; the episode in progress was discarded, saved ones are intact.</summary>
    public string? Failure { get; init; }

    public long FramesSaved => Saved.Sum(e => e.Length);

    /// <summary>Frame-weighted measured rate over saved episodes.</summary>
    public double RealFps => FramesSaved == 0 ? 0
        : Saved.Where(e => e.Cadence is not null).Sum(e => e.Cadence!.RealFps * e.Length) / Math.Max(1, Saved.Where(e => e.Cadence is not null).Sum(e => e.Length));

    public long DroppedFrames => Saved.Sum(e => e.Cadence?.DroppedFrames ?? 0);

    public IReadOnlyList<long> FlaggedEpisodes => Saved.Where(e => e.Cadence?.Flagged == true).Select(e => e.EpisodeIndex).ToList();

    /// <summary>One human sentence about the cadence.</summary>
    public string CadenceSentence =>
        FlaggedEpisodes.Count == 0
            ? $"cadence: {RealFps:F2} fps measured against {NominalFps} nominal, {DroppedFrames} dropped frames; timestamps are faithful"
            : $"cadence: {RealFps:F2} fps measured against {NominalFps} nominal, {DroppedFrames} dropped frames; episodes {string.Join(", ", FlaggedEpisodes)} deviate beyond tolerance and are flagged (cadence/flagged): their nominal timestamps misstate real time, observation.real_timestamp holds the measured times";
}
