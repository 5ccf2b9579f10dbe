namespace Robot.Policies.Datasets;

/// <summary>
/// How closely the recorder kept its nominal frame rate during one episode, measured from the
/// capture times of the frames actually recorded.
/// </summary>
/// <param name="RealFps">Frames per second measured: (frames − 1) / (last − first capture time).</param>
/// <param name="DroppedFrames">Nominal ticks with no frame: Σ max(0, round(interval × fps) − 1) over intervals.</param>
/// <param name="MaxIntervalS">Longest interval between consecutive frames, s.</param>
/// <param name="P99IntervalS">99th percentile interval between consecutive frames, s.</param>
/// <param name="Flagged">True when |RealFps − fps| / fps exceeds the tolerance or a frame was dropped: the
/// episode's nominal timestamps (frame_index / fps) misstate real time and <c>observation.real_timestamp</c> holds the truth.</param>
public sealed record CadenceSummary(double RealFps, long DroppedFrames, double MaxIntervalS, double P99IntervalS, bool Flagged);

/// <summary>
/// One row of meta/episodes: where an episode's frames are, its task(s), its per-feature statistics,
/// and (our columns) its success label and measured cadence.
/// </summary>
public sealed record EpisodeRecord
{
    public required long EpisodeIndex { get; init; }
    public required IReadOnlyList<string> Tasks { get; init; }
    public required long Length { get; init; }
    public required long DataChunkIndex { get; init; }
    public required long DataFileIndex { get; init; }
    public required long DatasetFromIndex { get; init; }
    public required long DatasetToIndex { get; init; }
    public long MetaChunkIndex { get; init; }
    public long MetaFileIndex { get; init; }
    public IReadOnlyDictionary<string, FeatureStats> Stats { get; init; } = new Dictionary<string, FeatureStats>();

    /// <summary>Whether the demonstration reached its goal; null when the source did not say (LeRobot-made datasets).</summary>
    public bool? Success { get; init; }

    /// <summary>How the demonstration ended in a word ("success", "dropped", "not_grasped", …); null when not recorded.</summary>
    public string? Outcome { get; init; }

    /// <summary>Measured cadence; null when the file has no cadence columns.</summary>
    public CadenceSummary? Cadence { get; init; }
}
