namespace Robot.Policies.Datasets;

/// <summary>
/// Checks a LeRobot v3.0 dataset file by file and names every problem: missing files, wrong dtypes,
/// shapes that disagree with info.json, totals that disagree with the files, non-contiguous indices,
/// timestamps that go backwards or off the frame_index / fps grid, unknown tasks, orphan files, NaN or
/// infinite values in the frames or the statistics.
/// Errors are what would make LeRobot refuse or misread the dataset; warnings are worth knowing.
/// </summary>
public static class DatasetValidator
{
    /// <summary>Reports at most this many problems of one kind per file (the rest are counted in one line).</summary>
    public const int MaxPerKindAndFile = 5;

    public static async Task<ValidationReport> ValidateAsync(string root, CancellationToken cancellationToken = default)
    {
        var problems = new List<DatasetProblem>();
        void Add(DatasetProblemKind kind, string file, string message, DatasetProblemSeverity severity = DatasetProblemSeverity.Error) =>
            problems.Add(new DatasetProblem(kind, severity, file, message));

        if (!Directory.Exists(root))
        {
            Add(DatasetProblemKind.MissingFile, ".", $"no such folder: {root}");
            return new ValidationReport(root, 0, 0, problems);
        }
        DatasetInfo info;
        try
        {
            info = DatasetInfo.Load(root);
        }
        catch (DatasetFormatException e)
        {
            Add(e.Message.StartsWith("missing file", StringComparison.Ordinal) ? DatasetProblemKind.MissingFile : DatasetProblemKind.InvalidMetadata,
                LeRobotFormat.InfoPath, e.Message);
            return new ValidationReport(root, 0, 0, problems);
        }
        if (info.CodebaseVersion != LeRobotFormat.CodebaseVersion)
        {
            Add(DatasetProblemKind.UnsupportedVersion, LeRobotFormat.InfoPath, $"codebase_version is '{info.CodebaseVersion}', expected '{LeRobotFormat.CodebaseVersion}'");
            return new ValidationReport(root, 0, 0, problems);
        }
        if (info.Fps <= 0)
        {
            Add(DatasetProblemKind.InvalidMetadata, LeRobotFormat.InfoPath, $"fps is {info.Fps}, expected a positive number");
        }
        foreach (string required in new[] { LeRobotFormat.Timestamp, LeRobotFormat.FrameIndex, LeRobotFormat.EpisodeIndex, LeRobotFormat.Index, LeRobotFormat.TaskIndex })
        {
            if (info.Feature(required) is null)
            {
                Add(DatasetProblemKind.InvalidMetadata, LeRobotFormat.InfoPath, $"features has no '{required}'");
            }
        }
        foreach (DatasetFeature f in info.Features)
        {
            if (f.Names is not null && !f.IsVisual && f.Shape.Count == 1 && f.Names.Count != f.Shape[0])
            {
                Add(DatasetProblemKind.NamesMismatch, LeRobotFormat.InfoPath, $"features.{f.Key}: {f.Names.Count} names for shape [{f.Shape[0]}]");
            }
        }

        // Tasks.
        var tasks = new Dictionary<long, string>();
        string tasksPath = Path.Combine(root, LeRobotFormat.TasksPath);
        if (!File.Exists(tasksPath))
        {
            Add(DatasetProblemKind.MissingFile, LeRobotFormat.TasksPath, "missing file");
        }
        else
        {
            try
            {
                foreach (var (index, task) in await TasksFile.ReadAsync(tasksPath, cancellationToken).ConfigureAwait(false))
                {
                    if (!tasks.TryAdd(index, task))
                    {
                        Add(DatasetProblemKind.NonContiguousIndex, LeRobotFormat.TasksPath, $"task_index {index} appears twice");
                    }
                }
                for (long i = 0; i < tasks.Count; i++)
                {
                    if (!tasks.ContainsKey(i))
                    {
                        Add(DatasetProblemKind.NonContiguousIndex, LeRobotFormat.TasksPath, $"task_index values are not 0..{tasks.Count - 1} (missing {i})");
                        break;
                    }
                }
            }
            catch (DatasetFormatException e)
            {
                Add(DatasetProblemKind.UnreadableFile, LeRobotFormat.TasksPath, e.Message);
            }
        }
        if (tasks.Count != info.TotalTasks)
        {
            Add(DatasetProblemKind.TotalsMismatch, LeRobotFormat.InfoPath, $"total_tasks is {info.TotalTasks}, {LeRobotFormat.TasksPath} holds {tasks.Count}");
        }

        // Episodes.
        var episodes = new List<EpisodeRecord>();
        var episodeFiles = LeRobotDatasetWriter.EpisodeFiles(root).ToList();
        if (episodeFiles.Count == 0)
        {
            Add(DatasetProblemKind.MissingFile, LeRobotFormat.EpisodesPath(0, 0), info.TotalEpisodes > 0 ? $"missing file (info.json counts {info.TotalEpisodes} episodes)" : "no episodes recorded yet",
                info.TotalEpisodes > 0 ? DatasetProblemSeverity.Error : DatasetProblemSeverity.Warning);
        }
        foreach (string file in episodeFiles)
        {
            string rel = Path.GetRelativePath(root, file);
            try
            {
                episodes.AddRange(await EpisodesFile.ReadAsync(file, rel, cancellationToken).ConfigureAwait(false));
            }
            catch (DatasetFormatException e)
            {
                Add(e.Message.Contains("missing column", StringComparison.Ordinal) ? DatasetProblemKind.MissingColumn : DatasetProblemKind.UnreadableFile, rel, e.Message);
            }
        }
        episodes.Sort((a, b) => a.EpisodeIndex.CompareTo(b.EpisodeIndex));
        if (episodes.Count != info.TotalEpisodes && episodeFiles.Count > 0)
        {
            Add(DatasetProblemKind.TotalsMismatch, LeRobotFormat.InfoPath, $"total_episodes is {info.TotalEpisodes}, the episodes files hold {episodes.Count} rows");
        }
        long expectedFrom = 0;
        for (int i = 0; i < episodes.Count; i++)
        {
            EpisodeRecord e = episodes[i];
            string rel = LeRobotFormat.EpisodesPath(e.MetaChunkIndex, e.MetaFileIndex);
            if (e.EpisodeIndex != i)
            {
                Add(DatasetProblemKind.NonContiguousIndex, rel, $"episode_index {e.EpisodeIndex} at position {i}: episode indices must be 0..{episodes.Count - 1}");
            }
            if (e.DatasetFromIndex != expectedFrom)
            {
                Add(DatasetProblemKind.NonContiguousIndex, rel, $"episode {e.EpisodeIndex}: dataset_from_index is {e.DatasetFromIndex}, the previous episode ended at {expectedFrom}");
            }
            if (e.DatasetToIndex - e.DatasetFromIndex != e.Length)
            {
                Add(DatasetProblemKind.EpisodeMismatch, rel, $"episode {e.EpisodeIndex}: length {e.Length} but dataset_to_index − dataset_from_index = {e.DatasetToIndex - e.DatasetFromIndex}");
            }
            expectedFrom = e.DatasetToIndex;
            foreach (string task in e.Tasks)
            {
                if (!tasks.ContainsValue(task))
                {
                    Add(DatasetProblemKind.UnknownTask, rel, $"episode {e.EpisodeIndex}: task \"{task}\" is not in {LeRobotFormat.TasksPath}");
                }
            }
            if (e.Cadence is { Flagged: true } c)
            {
                Add(DatasetProblemKind.CadenceFlagged, rel, $"episode {e.EpisodeIndex}: recorded at {c.RealFps:F2} fps against {info.Fps} nominal, {c.DroppedFrames} dropped frames; timestamps are nominal, observation.real_timestamp holds the measured times",
                    DatasetProblemSeverity.Warning);
            }
        }
        long lengthSum = episodes.Sum(e => e.Length);
        if (episodes.Count > 0 && lengthSum != info.TotalFrames)
        {
            Add(DatasetProblemKind.TotalsMismatch, LeRobotFormat.InfoPath, $"total_frames is {info.TotalFrames}, the episode lengths add up to {lengthSum}");
        }
        if (info.Splits.TryGetValue("train", out string? train) && train != $"0:{info.TotalEpisodes}" && info.Splits.Count == 1)
        {
            Add(DatasetProblemKind.TotalsMismatch, LeRobotFormat.InfoPath, $"splits.train is \"{train}\", expected \"0:{info.TotalEpisodes}\"", DatasetProblemSeverity.Warning);
        }

        // Data files.
        long dataRows = 0;
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in episodes.GroupBy(e => LeRobotFormat.Expand(info.DataPath, e.DataChunkIndex, e.DataFileIndex)))
        {
            string rel = group.Key;
            referenced.Add(Path.GetFullPath(Path.Combine(root, rel)));
            string path = Path.Combine(root, rel);
            if (!File.Exists(path))
            {
                Add(DatasetProblemKind.MissingFile, rel, $"missing file (episodes {string.Join(", ", group.Select(e => e.EpisodeIndex))} point to it)");
                continue;
            }
            ParquetTable table;
            try
            {
                table = await ParquetTable.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (DatasetFormatException e)
            {
                Add(DatasetProblemKind.UnreadableFile, rel, e.Message);
                continue;
            }
            dataRows += table.RowCount;
            CheckDataFile(info, tasks, rel, table, group.ToList(), problems);
        }
        if (episodes.Count > 0 && dataRows != info.TotalFrames && problems.All(p => p.Kind != DatasetProblemKind.MissingFile && p.Kind != DatasetProblemKind.UnreadableFile))
        {
            Add(DatasetProblemKind.TotalsMismatch, LeRobotFormat.InfoPath, $"total_frames is {info.TotalFrames}, the data files hold {dataRows} rows");
        }
        string dataDir = Path.Combine(root, "data");
        if (Directory.Exists(dataDir))
        {
            foreach (string file in Directory.EnumerateFiles(dataDir, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                if (!referenced.Contains(Path.GetFullPath(file)))
                {
                    Add(DatasetProblemKind.OrphanFile, Path.GetRelativePath(root, file), "no episode refers to this data file, yet LeRobot loads every data file (left by an interrupted save? resuming the recording removes it)");
                }
            }
        }
        foreach (string file in Directory.EnumerateFiles(root, "*" + LeRobotFormat.TempSuffix, SearchOption.AllDirectories))
        {
            Add(DatasetProblemKind.OrphanFile, Path.GetRelativePath(root, file), "unfinished temporary file from an interrupted save (harmless; resuming removes it)", DatasetProblemSeverity.Warning);
        }

        // Statistics.
        string statsPath = Path.Combine(root, LeRobotFormat.StatsPath);
        if (!File.Exists(statsPath))
        {
            Add(DatasetProblemKind.MissingFile, LeRobotFormat.StatsPath, "missing file (normalisation needs it)", DatasetProblemSeverity.Warning);
        }
        else
        {
            try
            {
                var stats = StatsFile.Parse(await File.ReadAllBytesAsync(statsPath, cancellationToken).ConfigureAwait(false));
                foreach (DatasetFeature f in info.Features.Where(f => !f.IsVisual && f.Dtype != "string"))
                {
                    if (!stats.TryGetValue(f.Key, out FeatureStats? s))
                    {
                        if (info.TotalFrames > 0)
                        {
                            Add(DatasetProblemKind.StatsMismatch, LeRobotFormat.StatsPath, $"no statistics for feature '{f.Key}'", DatasetProblemSeverity.Warning);
                        }
                        continue;
                    }
                    if (s.Width != f.Width)
                    {
                        Add(DatasetProblemKind.ShapeMismatch, LeRobotFormat.StatsPath, $"'{f.Key}' statistics have {s.Width} entries, the feature has shape [{string.Join(",", f.Shape)}]");
                    }
                    foreach (var (part, values) in new[] { ("min", s.Min), ("max", s.Max), ("mean", s.Mean), ("std", s.Std) })
                    {
                        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
                        if (bad >= 0)
                        {
                            Add(DatasetProblemKind.NonFiniteValue, LeRobotFormat.StatsPath, $"'{f.Key}' {part}[{bad}] is {values[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)} (null in the file); normalisation needs finite statistics");
                        }
                    }
                    if (s.Count != 0 && s.Count != info.TotalFrames)
                    {
                        Add(DatasetProblemKind.StatsMismatch, LeRobotFormat.StatsPath, $"'{f.Key}' count is {s.Count}, total_frames is {info.TotalFrames}", DatasetProblemSeverity.Warning);
                    }
                }
            }
            catch (DatasetFormatException e)
            {
                Add(DatasetProblemKind.InvalidMetadata, LeRobotFormat.StatsPath, e.Message);
            }
        }
        return new ValidationReport(root, info.TotalEpisodes, info.TotalFrames, Limit(problems));
    }

    private static void CheckDataFile(DatasetInfo info, Dictionary<long, string> tasks, string rel, ParquetTable table, List<EpisodeRecord> episodes, List<DatasetProblem> problems)
    {
        void Add(DatasetProblemKind kind, string message) => problems.Add(new DatasetProblem(kind, DatasetProblemSeverity.Error, rel, message));
        foreach (DatasetFeature f in info.Features.Where(f => f.Dtype != "video"))
        {
            ParquetColumn? c = table.Column(f.Key);
            if (c is null)
            {
                if (f.Dtype != "image" || !table.Unsupported.Contains(f.Key))
                {
                    Add(DatasetProblemKind.MissingColumn, $"column '{f.Key}' (feature {f.Dtype}[{string.Join(",", f.Shape)}]) is missing");
                }
                continue;
            }
            if (f.IsVisual)
            {
                continue;
            }
            if (c.Dtype != f.Dtype)
            {
                Add(DatasetProblemKind.WrongDtype, $"column '{f.Key}' is {(c.IsList ? "list<" + c.Dtype + ">" : c.Dtype)}, info.json says {f.Dtype}");
            }
            int width = f.Width;
            for (int r = 0; r < c.Rows; r++)
            {
                int len = c.LengthOf(r);
                if (len != width)
                {
                    Add(DatasetProblemKind.ShapeMismatch, $"column '{f.Key}' row {r} has {len} values, info.json says shape [{string.Join(",", f.Shape)}]");
                    break;
                }
            }
        }
        ParquetColumn? ep = table.Column(LeRobotFormat.EpisodeIndex), fi = table.Column(LeRobotFormat.FrameIndex), ix = table.Column(LeRobotFormat.Index),
            ts = table.Column(LeRobotFormat.Timestamp), ti = table.Column(LeRobotFormat.TaskIndex);
        foreach (DatasetFeature f in info.Features.Where(f => f.Dtype is "float32" or "float64"))
        {
            if (table.Column(f.Key) is not { IsString: false } c)
            {
                continue;
            }
            for (int r = 0; r < c.Rows; r++)
            {
                ReadOnlySpan<double> row = c.Row(r);
                for (int d = 0; d < row.Length; d++)
                {
                    if (!double.IsFinite(row[d]))
                    {
                        string where = ep is not null && fi is not null && r < ep.Rows && r < fi.Rows ? $" (episode {ep.Int64At(r)}, frame {fi.Int64At(r)})" : "";
                        Add(DatasetProblemKind.NonFiniteValue, $"column '{f.Key}' row {r}{where}: [{d}] is {row[d].ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                        break;
                    }
                }
            }
        }
        if (ep is null || fi is null || ix is null || ts is null)
        {
            return;
        }
        var rowsOf = new Dictionary<long, List<int>>();
        for (int r = 0; r < table.RowCount; r++)
        {
            long e = ep.Int64At(r);
            if (!rowsOf.TryGetValue(e, out List<int>? list))
            {
                rowsOf[e] = list = [];
            }
            list.Add(r);
        }
        foreach (long e in rowsOf.Keys.Where(k => episodes.All(x => x.EpisodeIndex != k)))
        {
            Add(DatasetProblemKind.EpisodeMismatch, $"{rowsOf[e].Count} rows of episode_index {e}, which no episode row places in this file");
        }
        double fps = info.Fps > 0 ? info.Fps : 1;
        foreach (EpisodeRecord e in episodes)
        {
            List<int> rows = rowsOf.GetValueOrDefault(e.EpisodeIndex) ?? [];
            if (rows.Count != e.Length)
            {
                Add(DatasetProblemKind.EpisodeMismatch, $"episode {e.EpisodeIndex}: {rows.Count} rows, its episode row says length {e.Length}");
            }
            for (int k = 1; k < rows.Count; k++)
            {
                if (rows[k] != rows[k - 1] + 1)
                {
                    Add(DatasetProblemKind.NonContiguousIndex, $"episode {e.EpisodeIndex}: its rows are not consecutive (row {rows[k - 1]} then {rows[k]})");
                    break;
                }
            }
            bool frameBad = false, indexBad = false, monoBad = false, gridBad = false, taskBad = false;
            for (int k = 0; k < rows.Count; k++)
            {
                int r = rows[k];
                if (!frameBad && fi.Int64At(r) != k)
                {
                    Add(DatasetProblemKind.NonContiguousIndex, $"episode {e.EpisodeIndex}: frame_index is {fi.Int64At(r)} at frame {k}, expected {k} (0..{e.Length - 1})");
                    frameBad = true;
                }
                if (!indexBad && ix.Int64At(r) != e.DatasetFromIndex + k)
                {
                    Add(DatasetProblemKind.NonContiguousIndex, $"episode {e.EpisodeIndex}: index is {ix.Int64At(r)} at frame {k}, expected {e.DatasetFromIndex + k} (dataset_from_index + frame)");
                    indexBad = true;
                }
                double t = ts.Scalar(r);
                if (!monoBad && k > 0 && !(t > ts.Scalar(rows[k - 1])))
                {
                    Add(DatasetProblemKind.TimestampsNotMonotonic, $"episode {e.EpisodeIndex}: timestamp {t:R} at frame {k} does not increase (previous {ts.Scalar(rows[k - 1]):R})");
                    monoBad = true;
                }
                // float32 timestamps: allow their rounding on top of LeRobot's 1e-4 s.
                double expected = fi.Int64At(r) / fps;
                if (!gridBad && Math.Abs(t - expected) > LeRobotFormat.TimestampToleranceS + Math.Abs(expected) * 1.2e-7)
                {
                    Add(DatasetProblemKind.TimestampsOffGrid, $"episode {e.EpisodeIndex}: timestamp {t:F6} s at frame_index {fi.Int64At(r)} is not frame_index / fps = {expected:F6} s (LeRobot tolerates {LeRobotFormat.TimestampToleranceS} s)");
                    gridBad = true;
                }
                if (!taskBad && ti is not null && !tasks.ContainsKey(ti.Int64At(r)))
                {
                    Add(DatasetProblemKind.UnknownTask, $"episode {e.EpisodeIndex}: task_index {ti.Int64At(r)} at frame {k} is not in {LeRobotFormat.TasksPath}");
                    taskBad = true;
                }
            }
        }
    }

    private static List<DatasetProblem> Limit(List<DatasetProblem> problems)
    {
        var result = new List<DatasetProblem>();
        foreach (var g in problems.GroupBy(p => (p.Kind, p.File)))
        {
            result.AddRange(g.Take(MaxPerKindAndFile));
            int more = g.Count() - MaxPerKindAndFile;
            if (more > 0)
            {
                result.Add(g.First() with { Message = $"… and {more} more {g.Key.Kind} problems in this file" });
            }
        }
        return result;
    }
}
