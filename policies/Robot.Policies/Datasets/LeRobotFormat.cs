namespace Robot.Policies.Datasets;

/// <summary>
/// Fixed facts of the LeRobot v3.0 dataset format (file layout, key names, defaults). One place, so a
/// changed default is a visible decision. LeRobot ≥ 0.4 refuses any other codebase version.
/// </summary>
public static class LeRobotFormat
{
    /// <summary>The only version this code writes and reads.</summary>
    public const string CodebaseVersion = "v3.0";

    /// <summary>Files per chunk folder (info.json <c>chunks_size</c>).</summary>
    public const int ChunksSize = 1000;

    /// <summary>Upper bound of one data file in MB (info.json <c>data_files_size_in_mb</c>).</summary>
    public const int DataFilesSizeInMb = 100;

    /// <summary>Upper bound of one video file in MB (info.json <c>video_files_size_in_mb</c>).</summary>
    public const int VideoFilesSizeInMb = 200;

    public const string DataPathTemplate = "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";
    public const string VideoPathTemplate = "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4";
    public const string InfoPath = "meta/info.json";
    public const string StatsPath = "meta/stats.json";
    public const string TasksPath = "meta/tasks.parquet";
    public const string EpisodesPathTemplate = "meta/episodes/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";

    /// <summary>Episodes per meta/episodes file before the writer rolls to the next file: each save rewrites only the current file, so this bounds its cost.</summary>
    public const int EpisodesPerMetaFile = 100;

    /// <summary>Suffix of files being written; never matched by LeRobot's <c>*.parquet</c> globs, removed on resume.</summary>
    public const string TempSuffix = ".partial";

    // Per-frame columns every LeRobot dataset has beside the user features.
    public const string Timestamp = "timestamp";
    public const string FrameIndex = "frame_index";
    public const string EpisodeIndex = "episode_index";
    public const string Index = "index";
    public const string TaskIndex = "task_index";

    // The conventional user features.
    public const string ObservationState = "observation.state";
    public const string EnvironmentState = "observation.environment_state";
    public const string Action = "action";

    /// <summary>Our extra per-frame feature: the measured capture time of the frame, s since the episode's first frame.</summary>
    public const string RealTimestamp = "observation.real_timestamp";

    /// <summary>LeRobot's tolerance between a frame's timestamp and frame_index / fps, s.</summary>
    public const double TimestampToleranceS = 1e-4;

    /// <summary>Default relative deviation of the measured frame rate from fps beyond which an episode is flagged (5 %).</summary>
    public const double DefaultCadenceTolerance = 0.05;

    /// <summary>The relative path of a data file.</summary>
    public static string DataPath(long chunkIndex, long fileIndex) =>
        $"data/chunk-{chunkIndex:D3}/file-{fileIndex:D3}.parquet";

    /// <summary>The relative path of an episodes metadata file.</summary>
    public static string EpisodesPath(long chunkIndex, long fileIndex) =>
        $"meta/episodes/chunk-{chunkIndex:D3}/file-{fileIndex:D3}.parquet";

    /// <summary>Expands a LeRobot path template (<c>{chunk_index:03d}</c>, <c>{file_index:03d}</c>, <c>{video_key}</c>).</summary>
    public static string Expand(string template, long chunkIndex, long fileIndex, string? videoKey = null) =>
        template.Replace("{chunk_index:03d}", chunkIndex.ToString("D3"), StringComparison.Ordinal)
            .Replace("{file_index:03d}", fileIndex.ToString("D3"), StringComparison.Ordinal)
            .Replace("{chunk_index}", chunkIndex.ToString(), StringComparison.Ordinal)
            .Replace("{file_index}", fileIndex.ToString(), StringComparison.Ordinal)
            .Replace("{video_key}", videoKey ?? "", StringComparison.Ordinal);
}
