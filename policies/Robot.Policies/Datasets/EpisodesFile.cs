namespace Robot.Policies.Datasets;

/// <summary>Reads and writes meta/episodes/chunk-XXX/file-XXX.parquet (one row per episode).</summary>
public static class EpisodesFile
{
    public const string Success = "success";
    public const string Outcome = "outcome";
    public const string CadenceRealFps = "cadence/real_fps";
    public const string CadenceDropped = "cadence/dropped_frames";
    public const string CadenceMaxInterval = "cadence/max_interval_s";
    public const string CadenceP99Interval = "cadence/p99_interval_s";
    public const string CadenceFlagged = "cadence/flagged";

    /// <summary>Writes <paramref name="episodes"/> (all with the same stats features) durably to <paramref name="path"/>.</summary>
    public static Task WriteAsync(string path, IReadOnlyList<EpisodeRecord> episodes, IReadOnlyList<string> statsFeatures, CancellationToken cancellationToken = default)
    {
        int n = episodes.Count;
        var t = new ParquetTableWriter()
            .Scalar(LeRobotFormat.EpisodeIndex, Map(episodes, e => e.EpisodeIndex))
            .StringLists("tasks", episodes.Select(e => e.Tasks.ToArray()).ToArray())
            .Scalar("length", Map(episodes, e => e.Length))
            .Scalar("data/chunk_index", Map(episodes, e => e.DataChunkIndex))
            .Scalar("data/file_index", Map(episodes, e => e.DataFileIndex))
            .Scalar("dataset_from_index", Map(episodes, e => e.DatasetFromIndex))
            .Scalar("dataset_to_index", Map(episodes, e => e.DatasetToIndex))
            .Scalar("meta/episodes/chunk_index", Map(episodes, e => e.MetaChunkIndex))
            .Scalar("meta/episodes/file_index", Map(episodes, e => e.MetaFileIndex));
        foreach (string feature in statsFeatures)
        {
            FeatureStats[] s = episodes.Select(e => e.Stats.TryGetValue(feature, out FeatureStats? fs) ? fs
                : throw new ArgumentException($"episode {e.EpisodeIndex} has no statistics for '{feature}'")).ToArray();
            foreach (var (stat, pick) in new (string, Func<FeatureStats, double[]>)[] { ("min", x => x.Min), ("max", x => x.Max), ("mean", x => x.Mean), ("std", x => x.Std) })
            {
                double[][] rows = s.Select(pick).ToArray();
                t.List($"stats/{feature}/{stat}", rows.SelectMany(r => r).ToArray(), Offsets(rows.Select(r => r.Length)));
            }
            t.FixedList($"stats/{feature}/count", s.Select(x => x.Count).ToArray(), n, 1);
        }
        if (episodes.All(e => e.Success.HasValue))
        {
            t.Scalar(Success, Map(episodes, e => e.Success!.Value));
        }
        if (episodes.All(e => e.Outcome is not null))
        {
            t.Strings(Outcome, Map(episodes, e => e.Outcome!));
        }
        if (episodes.All(e => e.Cadence is not null))
        {
            t.Scalar(CadenceRealFps, Map(episodes, e => e.Cadence!.RealFps))
                .Scalar(CadenceDropped, Map(episodes, e => e.Cadence!.DroppedFrames))
                .Scalar(CadenceMaxInterval, Map(episodes, e => e.Cadence!.MaxIntervalS))
                .Scalar(CadenceP99Interval, Map(episodes, e => e.Cadence!.P99IntervalS))
                .Scalar(CadenceFlagged, Map(episodes, e => e.Cadence!.Flagged));
        }
        return t.WriteFileAsync(path, cancellationToken: cancellationToken);
    }

    /// <summary>Reads every row of one episodes file.</summary>
    public static async Task<List<EpisodeRecord>> ReadAsync(string path, string relative, CancellationToken cancellationToken = default)
    {
        ParquetTable t = await ParquetTable.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        ParquetColumn ep = t.Require(LeRobotFormat.EpisodeIndex, relative);
        ParquetColumn length = t.Require("length", relative);
        ParquetColumn chunk = t.Require("data/chunk_index", relative);
        ParquetColumn file = t.Require("data/file_index", relative);
        ParquetColumn from = t.Require("dataset_from_index", relative);
        ParquetColumn to = t.Require("dataset_to_index", relative);
        ParquetColumn? tasks = t.Column("tasks");
        ParquetColumn? metaChunk = t.Column("meta/episodes/chunk_index");
        ParquetColumn? metaFile = t.Column("meta/episodes/file_index");
        ParquetColumn? success = t.Column(Success);
        ParquetColumn? realFps = t.Column(CadenceRealFps);
        ParquetColumn? outcome = t.Column(Outcome);
        var statFeatures = t.Columns.Select(c => c.Name).Where(n => n.StartsWith("stats/", StringComparison.Ordinal) && n.EndsWith("/mean", StringComparison.Ordinal))
            .Select(n => n["stats/".Length..^"/mean".Length]).ToList();
        var result = new List<EpisodeRecord>((int)t.RowCount);
        for (int r = 0; r < t.RowCount; r++)
        {
            var stats = new Dictionary<string, FeatureStats>(StringComparer.Ordinal);
            foreach (string f in statFeatures)
            {
                ParquetColumn? min = t.Column($"stats/{f}/min"), max = t.Column($"stats/{f}/max"), mean = t.Column($"stats/{f}/mean"),
                    std = t.Column($"stats/{f}/std"), count = t.Column($"stats/{f}/count");
                if (min is null || max is null || mean is null || std is null)
                {
                    continue;
                }
                stats[f] = new FeatureStats(min.Row(r).ToArray(), max.Row(r).ToArray(), mean.Row(r).ToArray(), std.Row(r).ToArray(),
                    count is null ? length.Int64At(r) : (long)count.Row(r)[0]);
            }
            result.Add(new EpisodeRecord
            {
                EpisodeIndex = ep.Int64At(r),
                Tasks = tasks is null ? [] : tasks.IsString ? tasks.Strings.AsSpan(tasks.Offsets[r], tasks.LengthOf(r)).ToArray().Select(s => s ?? "").ToList() : [],
                Length = length.Int64At(r),
                DataChunkIndex = chunk.Int64At(r),
                DataFileIndex = file.Int64At(r),
                DatasetFromIndex = from.Int64At(r),
                DatasetToIndex = to.Int64At(r),
                MetaChunkIndex = metaChunk?.Int64At(r) ?? 0,
                MetaFileIndex = metaFile?.Int64At(r) ?? 0,
                Stats = stats,
                Success = success is null ? null : success.Scalar(r) != 0,
                Outcome = outcome is { IsString: true } ? outcome.Strings[r] ?? "" : null,
                Cadence = realFps is null ? null : new CadenceSummary(realFps.Scalar(r),
                    t.Column(CadenceDropped)?.Int64At(r) ?? 0, t.Column(CadenceMaxInterval)?.Scalar(r) ?? 0,
                    t.Column(CadenceP99Interval)?.Scalar(r) ?? 0, (t.Column(CadenceFlagged)?.Scalar(r) ?? 0) != 0),
            });
        }
        return result;
    }

    private static T[] Map<T>(IReadOnlyList<EpisodeRecord> episodes, Func<EpisodeRecord, T> pick)
    {
        var a = new T[episodes.Count];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = pick(episodes[i]);
        }
        return a;
    }

    private static int[] Offsets(IEnumerable<int> lengths)
    {
        var o = new List<int> { 0 };
        foreach (int l in lengths)
        {
            o.Add(o[^1] + l);
        }
        return [.. o];
    }
}
