using System.Diagnostics;

namespace Robot.Policies.Datasets;

/// <summary>
/// Writes a LeRobot v3.0 dataset one episode at a time, durably.
/// <para>
/// Durability: nothing on disk changes while an episode is being recorded (its frames live in an
/// <see cref="EpisodeBuffer"/>). <see cref="SaveEpisodeAsync"/> writes the episode's own data file, then
/// the episodes row, tasks, stats.json and finally info.json, each as temp-file, fsync, rename, fsync
/// folder; info.json's totals are the commit point. So a crash or exception while recording loses only
/// that episode, and a crash inside a save leaves at worst files that info.json does not count, which
/// <see cref="ResumeAsync"/> removes. The call returns only when the episode is on disk.
/// </para>
/// <para>
/// Layout: each episode gets its own data file (data/chunk-c/file-f.parquet, f rolling over at
/// chunks_size). v3.0 locates frames through each episode's data/chunk_index and data/file_index, so
/// this is valid v3.0; it keeps every save O(episode) instead of rewriting a growing 100 MB file
/// (a known LeRobot complaint: saving slows as episodes grow). data_files_size_in_mb stays an upper bound.
/// </para>
/// <para>
/// Timestamps: <c>timestamp</c> is frame_index / fps, which LeRobot requires (it checks within 1e-4 s).
/// The truth is kept beside it: <c>observation.real_timestamp</c> holds each frame's measured capture
/// time since the episode's first frame, and the episode row holds the measured cadence with a
/// <c>cadence/flagged</c> column when it deviates from fps beyond the tolerance.
/// </para>
/// Not thread-safe: one recorder owns a writer.
/// </summary>
public sealed class LeRobotDatasetWriter
{
    private readonly string _root;
    private readonly DatasetSpec _spec;
    private readonly IReadOnlyList<DatasetFeature> _features;
    private readonly List<string> _tasks = [];
    private readonly Dictionary<string, long> _taskIndex = new(StringComparer.Ordinal);
    private readonly List<EpisodeRecord> _allEpisodes = [];
    private long _nextDataFile;

    private LeRobotDatasetWriter(string root, DatasetSpec spec)
    {
        _root = root;
        _spec = spec;
        _features = spec.AllFeatures();
    }

    public string Root => _root;

    public DatasetSpec Spec => _spec;

    public long TotalEpisodes => _allEpisodes.Count;

    public long TotalFrames { get; private set; }

    public IReadOnlyList<string> Tasks => _tasks;

    public IReadOnlyList<EpisodeRecord> Episodes => _allEpisodes;

    /// <summary>Creates a new dataset at <paramref name="root"/>; refuses a folder that already holds one.</summary>
    public static async Task<LeRobotDatasetWriter> CreateAsync(string root, DatasetSpec spec, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(spec);
        if (File.Exists(Path.Combine(root, LeRobotFormat.InfoPath)))
        {
            throw new DatasetFormatException($"{root} already holds a dataset ({LeRobotFormat.InfoPath} exists); resume it or choose another folder");
        }
        Directory.CreateDirectory(Path.Combine(root, "meta"));
        var writer = new LeRobotDatasetWriter(root, spec);
        await writer.CommitMetadataAsync(tasksChanged: true, cancellationToken).ConfigureAwait(false);
        await WarmUpAsync(spec, cancellationToken).ConfigureAwait(false);
        return writer;
    }

    private static int s_warmedUp;

    /// <summary>
    /// Saves one two-frame episode into a throwaway folder, once per process, so the first real save
    /// does not pay for JIT compilation of the parquet encoder (~0.3 s) while the operator waits.
    /// </summary>
    private static async Task WarmUpAsync(DatasetSpec spec, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref s_warmedUp, 1) == 1)
        {
            return;
        }
        string dir = Path.Combine(Path.GetTempPath(), "robot-dataset-warmup-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "meta"));
            var writer = new LeRobotDatasetWriter(dir, spec);
            await writer.CommitMetadataAsync(tasksChanged: true, cancellationToken).ConfigureAwait(false);
            EpisodeBuffer buffer = writer.NewBuffer(2);
            var s = new float[spec.StateWidth];
            var e = new float[spec.EnvironmentWidth];
            var a = new float[spec.ActionWidth];
            buffer.AddFrame(s, e, a, 0);
            buffer.AddFrame(s, e, a, 1.0 / spec.Fps);
            await writer.SaveEpisodeAsync(buffer, "warm-up", true, "success", cancellationToken).ConfigureAwait(false);
            await EpisodesFile.ReadAsync(Path.Combine(dir, LeRobotFormat.EpisodesPath(0, 0)), "warm-up", cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Warm-up is an optimisation; a full temp folder must not stop a recording.
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Opens an existing dataset to append episodes: checks its features match <paramref name="spec"/>,
    /// drops what an interrupted save left beyond info.json's totals (episode rows, data files, *.partial files),
    /// and rewrites stats.json and info.json from the kept episodes so indices, statistics and totals continue correctly.
    /// </summary>
    public static async Task<LeRobotDatasetWriter> ResumeAsync(string root, DatasetSpec spec, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(spec);
        DatasetInfo info = DatasetInfo.Load(root);
        if (info.CodebaseVersion != LeRobotFormat.CodebaseVersion)
        {
            throw new DatasetFormatException($"{LeRobotFormat.InfoPath}: codebase_version is '{info.CodebaseVersion}', expected '{LeRobotFormat.CodebaseVersion}'");
        }
        if (info.Fps != spec.Fps)
        {
            throw new DatasetFormatException($"cannot resume: dataset fps is {info.Fps}, recording fps is {spec.Fps}");
        }
        foreach (DatasetFeature f in spec.AllFeatures())
        {
            DatasetFeature? existing = info.Feature(f.Key);
            if (existing is null)
            {
                throw new DatasetFormatException($"cannot resume: the dataset has no feature '{f.Key}'");
            }
            if (existing.Dtype != f.Dtype || !existing.Shape.SequenceEqual(f.Shape))
            {
                throw new DatasetFormatException($"cannot resume: feature '{f.Key}' is {existing.Dtype}[{string.Join(",", existing.Shape)}] in the dataset, {f.Dtype}[{string.Join(",", f.Shape)}] in this recording");
            }
        }
        var writer = new LeRobotDatasetWriter(root, spec);
        await writer.RecoverAsync(info, cancellationToken).ConfigureAwait(false);
        await WarmUpAsync(spec, cancellationToken).ConfigureAwait(false);
        return writer;
    }

    /// <summary>Creates the dataset, or resumes it when <paramref name="resume"/> is true and it exists.</summary>
    public static Task<LeRobotDatasetWriter> OpenAsync(string root, DatasetSpec spec, bool resume, CancellationToken cancellationToken = default) =>
        resume && File.Exists(Path.Combine(root, LeRobotFormat.InfoPath)) ? ResumeAsync(root, spec, cancellationToken) : CreateAsync(root, spec, cancellationToken);

    /// <summary>A buffer sized for this dataset's vectors, reserving <paramref name="capacityFrames"/> frames.</summary>
    public EpisodeBuffer NewBuffer(int capacityFrames) =>
        new(_spec.StateWidth, _spec.EnvironmentWidth, _spec.ActionWidth, capacityFrames);

    private static void ThrowIfInvalid(DatasetSpec spec)
    {
        IReadOnlyList<string> errors = spec.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid dataset spec: " + string.Join("; ", errors), nameof(spec));
        }
    }

    private async Task RecoverAsync(DatasetInfo info, CancellationToken cancellationToken)
    {
        foreach (string partial in Directory.EnumerateFiles(_root, "*" + LeRobotFormat.TempSuffix, SearchOption.AllDirectories))
        {
            File.Delete(partial);
        }
        string tasksPath = Path.Combine(_root, LeRobotFormat.TasksPath);
        if (File.Exists(tasksPath))
        {
            foreach (var (index, task) in (await TasksFile.ReadAsync(tasksPath, cancellationToken).ConfigureAwait(false)).OrderBy(t => t.TaskIndex))
            {
                if (index != _tasks.Count)
                {
                    throw new DatasetFormatException($"{LeRobotFormat.TasksPath}: task_index {index} where {_tasks.Count} was expected (indices must be 0..N-1)");
                }
                _tasks.Add(task);
                _taskIndex[task] = index;
            }
        }
        var kept = new List<EpisodeRecord>();
        var rewrite = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in EpisodeFiles(_root))
        {
            string rel = Path.GetRelativePath(_root, file);
            List<EpisodeRecord> rows = await EpisodesFile.ReadAsync(file, rel, cancellationToken).ConfigureAwait(false);
            if (rows.Any(r => r.EpisodeIndex >= info.TotalEpisodes))
            {
                rewrite.Add(file);
            }
            kept.AddRange(rows.Where(r => r.EpisodeIndex < info.TotalEpisodes));
        }
        kept.Sort((a, b) => a.EpisodeIndex.CompareTo(b.EpisodeIndex));
        for (int i = 0; i < kept.Count; i++)
        {
            if (kept[i].EpisodeIndex != i)
            {
                throw new DatasetFormatException($"cannot resume: episode rows are not contiguous (found episode_index {kept[i].EpisodeIndex} at position {i})");
            }
        }
        if (kept.Count != info.TotalEpisodes)
        {
            throw new DatasetFormatException($"cannot resume: info.json counts {info.TotalEpisodes} episodes, the episodes files hold {kept.Count}");
        }
        _allEpisodes.AddRange(kept);
        TotalFrames = kept.Sum(e => e.Length);
        _nextDataFile = kept.Count == 0 ? 0 : kept.Max(e => e.DataChunkIndex * info.ChunksSize + e.DataFileIndex) + 1;
        // Episode rows an interrupted save wrote beyond the commit point.
        foreach (string file in rewrite)
        {
            var rows = kept.Where(e => Path.GetFullPath(Path.Combine(_root, LeRobotFormat.EpisodesPath(e.MetaChunkIndex, e.MetaFileIndex))) == Path.GetFullPath(file)).ToList();
            if (rows.Count == 0)
            {
                File.Delete(file);
            }
            else
            {
                await EpisodesFile.WriteAsync(file, rows, StatsFeatures(rows), cancellationToken).ConfigureAwait(false);
            }
        }
        // Data files no kept episode references: written by an interrupted save, never counted.
        var referenced = new HashSet<string>(kept.Select(e => Path.GetFullPath(Path.Combine(_root, LeRobotFormat.Expand(info.DataPath, e.DataChunkIndex, e.DataFileIndex)))), StringComparer.Ordinal);
        string dataDir = Path.Combine(_root, "data");
        if (Directory.Exists(dataDir))
        {
            foreach (string file in Directory.EnumerateFiles(dataDir, "*.parquet", SearchOption.AllDirectories))
            {
                if (!referenced.Contains(Path.GetFullPath(file)))
                {
                    File.Delete(file);
                }
            }
        }
        await CommitMetadataAsync(tasksChanged: false, cancellationToken).ConfigureAwait(false);
    }

    internal static IEnumerable<string> EpisodeFiles(string root)
    {
        string dir = Path.Combine(root, "meta", "episodes");
        return Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];
    }

    private static List<string> StatsFeatures(List<EpisodeRecord> rows) =>
        rows.Count == 0 ? [] : rows[0].Stats.Keys.Where(k => rows.All(r => r.Stats.ContainsKey(k))).ToList();

    /// <summary>
    /// Saves the frames in <paramref name="buffer"/> as the next episode and returns its row once every
    /// file is on disk. <paramref name="success"/> labels the demonstration (null: unknown);
    /// <paramref name="outcome"/> says how it ended in a word ("success", "dropped", "not_grasped"; null: not
    /// recorded), kept in the episode row's <c>outcome</c> column. The buffer is
    /// left untouched (the caller clears it). Throws <see cref="ArgumentException"/> for an empty buffer,
    /// one of other widths, or a NaN or infinite value (naming the episode, frame and feature entry: its
    /// statistics would be NaN and a policy trained on it NaN), changing nothing.
    /// </summary>
    public async Task<EpisodeRecord> SaveEpisodeAsync(EpisodeBuffer buffer, string task, bool? success = null, string? outcome = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        if (buffer.Count == 0)
        {
            throw new ArgumentException("cannot save an episode with no frames", nameof(buffer));
        }
        if (buffer.StateWidth != _spec.StateWidth || buffer.EnvironmentWidth != _spec.EnvironmentWidth || buffer.ActionWidth != _spec.ActionWidth)
        {
            throw new ArgumentException($"buffer widths {buffer.StateWidth}/{buffer.EnvironmentWidth}/{buffer.ActionWidth} differ from the dataset's {_spec.StateWidth}/{_spec.EnvironmentWidth}/{_spec.ActionWidth}", nameof(buffer));
        }
        int n = buffer.Count;
        long episode = TotalEpisodes;
        if ((NonFinite(LeRobotFormat.ObservationState, buffer.State, _spec.StateWidth, _spec.StateNames)
            ?? NonFinite(LeRobotFormat.EnvironmentState, buffer.Environment, _spec.EnvironmentWidth, _spec.EnvironmentStateNames)
            ?? NonFinite(LeRobotFormat.Action, buffer.Action, _spec.ActionWidth, _spec.ActionNames)) is { } nonFinite)
        {
            throw new ArgumentException($"episode {episode}, {nonFinite}; every value must be finite, so the episode was not saved", nameof(buffer));
        }
        bool newTask = !_taskIndex.TryGetValue(task, out long taskIndex);
        if (newTask)
        {
            taskIndex = _tasks.Count;
        }
        long from = TotalFrames;
        var timestamp = new float[n];
        var realTime = new float[n];
        var frameIndex = new long[n];
        var episodeIndex = new long[n];
        var index = new long[n];
        var taskColumn = new long[n];
        double t0 = buffer.RealTimeS[0];
        for (int i = 0; i < n; i++)
        {
            timestamp[i] = (float)((double)i / _spec.Fps);
            realTime[i] = (float)(buffer.RealTimeS[i] - t0);
            frameIndex[i] = i;
            episodeIndex[i] = episode;
            index[i] = from + i;
            taskColumn[i] = taskIndex;
        }

        var table = new ParquetTableWriter();
        var stats = new Dictionary<string, FeatureStats>(StringComparer.Ordinal);
        void Vector(string key, float[] values, int width)
        {
            table.FixedList(key, values, n, width);
            stats[key] = FeatureStats.Compute(values.AsSpan(0, n * width), n, width);
        }
        void Float(string key, float[] values)
        {
            table.Scalar(key, values);
            stats[key] = FeatureStats.Compute(values, n, 1);
        }
        void Long(string key, long[] values)
        {
            table.Scalar(key, values);
            stats[key] = FeatureStats.Compute(values);
        }
        Vector(LeRobotFormat.ObservationState, buffer.StateArray, _spec.StateWidth);
        if (_spec.EnvironmentWidth > 0)
        {
            Vector(LeRobotFormat.EnvironmentState, buffer.EnvironmentArray, _spec.EnvironmentWidth);
        }
        Vector(LeRobotFormat.Action, buffer.ActionArray, _spec.ActionWidth);
        if (_spec.RecordRealTimestamps)
        {
            Float(LeRobotFormat.RealTimestamp, realTime);
        }
        Float(LeRobotFormat.Timestamp, timestamp);
        Long(LeRobotFormat.FrameIndex, frameIndex);
        Long(LeRobotFormat.EpisodeIndex, episodeIndex);
        Long(LeRobotFormat.Index, index);
        Long(LeRobotFormat.TaskIndex, taskColumn);

        long chunk = _nextDataFile / LeRobotFormat.ChunksSize, file = _nextDataFile % LeRobotFormat.ChunksSize;
        long metaFileNumber = episode / LeRobotFormat.EpisodesPerMetaFile;
        var record = new EpisodeRecord
        {
            EpisodeIndex = episode,
            Tasks = [task],
            Length = n,
            DataChunkIndex = chunk,
            DataFileIndex = file,
            DatasetFromIndex = from,
            DatasetToIndex = from + n,
            MetaChunkIndex = metaFileNumber / LeRobotFormat.ChunksSize,
            MetaFileIndex = metaFileNumber % LeRobotFormat.ChunksSize,
            Stats = stats,
            Success = success,
            Outcome = outcome,
            Cadence = CadenceMeasure.Summarize(buffer.RealTimeS, _spec.Fps, _spec.CadenceTolerance),
        };
        // Rows of the current episodes file, this one included. Earlier files are complete and never rewritten.
        var sameFile = _allEpisodes.Where(e => e.MetaChunkIndex == record.MetaChunkIndex && e.MetaFileIndex == record.MetaFileIndex).Append(record).ToList();
        if (sameFile.Any(e => e.Outcome is null) && sameFile.Any(e => e.Outcome is not null))
        {
            // Like success: all-or-nothing within a file; an unrecorded outcome reads as "".
            sameFile = sameFile.Select(e => e with { Outcome = e.Outcome ?? "" }).ToList();
            record = sameFile[^1];
        }
        if (sameFile.Any(e => e.Success is null) && sameFile.Any(e => e.Success is not null))
        {
            // The column must be all-or-nothing within a file; unknown labels become false there.
            sameFile = sameFile.Select(e => e with { Success = e.Success ?? false }).ToList();
            record = sameFile[^1];
        }
        List<string> tasks = newTask ? [.. _tasks, task] : _tasks;
        var statsAfter = AggregateStats(_allEpisodes.Append(record).ToList());

        // The data file, the episodes row, tasks and stats.json are independent: write and fsync them in
        // parallel (the file system coalesces the flushes), then commit with info.json. A crash before the
        // commit leaves files info.json does not count; ResumeAsync removes them.
        var writes = new List<Task>
        {
            Task.Run(() => table.WriteFileAsync(Path.Combine(_root, LeRobotFormat.DataPath(chunk, file)), cancellationToken: cancellationToken), cancellationToken),
            Task.Run(() => EpisodesFile.WriteAsync(Path.Combine(_root, LeRobotFormat.EpisodesPath(record.MetaChunkIndex, record.MetaFileIndex)), sameFile,
                _features.Select(f => f.Key).ToList(), cancellationToken), cancellationToken),
            // stats.json is derived from the episode rows (resume rewrites it), so it is not fsynced; its rename
            // reaches disk with info.json's folder fsync, like tasks.parquet's.
            Task.Run(() => AtomicFile.WriteAllBytesAsync(Path.Combine(_root, LeRobotFormat.StatsPath), StatsFile.ToJsonBytes(statsAfter), syncFile: false, syncDirectory: false, cancellationToken: cancellationToken), cancellationToken),
        };
        if (newTask)
        {
            writes.Add(Task.Run(() => TasksFile.WriteAsync(Path.Combine(_root, LeRobotFormat.TasksPath), tasks, syncDirectory: false, cancellationToken: cancellationToken), cancellationToken));
        }
        await Task.WhenAll(writes).ConfigureAwait(false);

        // Commit in memory only after the files are written: an exception above leaves the writer as it was.
        if (newTask)
        {
            _tasks.Add(task);
            _taskIndex[task] = taskIndex;
        }
        for (int i = 0; i < sameFile.Count - 1; i++)
        {
            int at = (int)sameFile[i].EpisodeIndex;
            _allEpisodes[at] = sameFile[i];
        }
        _allEpisodes.Add(record);
        TotalFrames += n;
        _nextDataFile++;
        await WriteInfoAsync(cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <summary>"frame f: feature[d] (name) is NaN" for the first NaN or infinite entry of <paramref name="values"/> (frames × <paramref name="width"/>, row-major); null when all are finite.</summary>
    private static string? NonFinite(string feature, ReadOnlySpan<float> values, int width, IReadOnlyList<string> names)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                int d = i % width;
                string name = d < names.Count ? $" ({names[d]})" : "";
                return $"frame {i / width}: {feature}[{d}]{name} is {values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            }
        }
        return null;
    }

    /// <summary>Dataset statistics aggregated from the episodes' (LeRobot's aggregate_stats rule).</summary>
    public Dictionary<string, FeatureStats> AggregateStats() => AggregateStats(_allEpisodes);

    private Dictionary<string, FeatureStats> AggregateStats(List<EpisodeRecord> episodes)
    {
        var result = new Dictionary<string, FeatureStats>(StringComparer.Ordinal);
        foreach (DatasetFeature f in _features)
        {
            var parts = episodes.Where(e => e.Stats.ContainsKey(f.Key)).Select(e => e.Stats[f.Key]).ToList();
            if (parts.Count > 0)
            {
                result[f.Key] = FeatureStats.Aggregate(parts);
            }
        }
        return result;
    }

    private async Task CommitMetadataAsync(bool tasksChanged, CancellationToken cancellationToken)
    {
        if (tasksChanged)
        {
            await TasksFile.WriteAsync(Path.Combine(_root, LeRobotFormat.TasksPath), _tasks, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        await AtomicFile.WriteAllBytesAsync(Path.Combine(_root, LeRobotFormat.StatsPath), StatsFile.ToJsonBytes(AggregateStats()), cancellationToken: cancellationToken).ConfigureAwait(false);
        await WriteInfoAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteInfoAsync(CancellationToken cancellationToken)
    {
        var info = new DatasetInfo
        {
            RobotType = _spec.RobotType,
            TotalEpisodes = TotalEpisodes,
            TotalFrames = TotalFrames,
            TotalTasks = _tasks.Count,
            Fps = _spec.Fps,
            Splits = new Dictionary<string, string> { ["train"] = $"0:{TotalEpisodes}" },
            Features = _features,
        };
        // info.json last: its totals are the commit point of the episode.
        await AtomicFile.WriteAllBytesAsync(Path.Combine(_root, LeRobotFormat.InfoPath), info.ToJsonBytes(), cancellationToken: cancellationToken).ConfigureAwait(false);
        Debug.Assert(_allEpisodes.Count == TotalEpisodes);
    }
}
