namespace Robot.Policies.Datasets;

/// <summary>The frames of one episode read back from its data file: vectors row-major, scalars one per frame.</summary>
public sealed class EpisodeFrames
{
    private readonly ParquetTable _table;
    private readonly int _start;

    internal EpisodeFrames(long episodeIndex, ParquetTable table, int start, int length)
    {
        EpisodeIndex = episodeIndex;
        _table = table;
        _start = start;
        Length = length;
    }

    public long EpisodeIndex { get; }

    public int Length { get; }

    public bool Has(string key) => _table.Column(key) is not null;

    /// <summary>A vector feature as float32, row-major (Length × width); <paramref name="width"/> is the per-frame length.</summary>
    public float[] Vector(string key, out int width)
    {
        ParquetColumn c = _table.Require(key, "data");
        width = Length == 0 ? 0 : c.LengthOf(_start);
        var result = new float[Length * width];
        for (int r = 0; r < Length; r++)
        {
            ReadOnlySpan<double> row = c.Row(_start + r);
            for (int d = 0; d < width && d < row.Length; d++)
            {
                result[r * width + d] = (float)row[d];
            }
        }
        return result;
    }

    /// <summary>A scalar column, one value per frame.</summary>
    public double[] Scalars(string key)
    {
        ParquetColumn c = _table.Require(key, "data");
        var result = new double[Length];
        for (int r = 0; r < Length; r++)
        {
            result[r] = c.Scalar(_start + r);
        }
        return result;
    }
}

/// <summary>
/// A LeRobot v3.0 dataset opened for reading: ours, or one LeRobot wrote (many episodes per data file,
/// names as lists or <c>{"motors": [...]}</c>, extra columns such as next.done). Metadata is loaded on
/// open; frames are read per episode (the last data file read is cached).
/// </summary>
public sealed class LeRobotDataset
{
    private string? _cachedPath;
    private ParquetTable? _cached;

    private LeRobotDataset(string root, DatasetInfo info, IReadOnlyList<(long TaskIndex, string Task)> tasks, IReadOnlyList<EpisodeRecord> episodes,
        IReadOnlyDictionary<string, FeatureStats>? stats)
    {
        Root = root;
        Info = info;
        Tasks = tasks;
        Episodes = episodes;
        Stats = stats;
    }

    public string Root { get; }

    public DatasetInfo Info { get; }

    public IReadOnlyList<(long TaskIndex, string Task)> Tasks { get; }

    /// <summary>Episode rows ordered by episode_index.</summary>
    public IReadOnlyList<EpisodeRecord> Episodes { get; }

    /// <summary>stats.json, or null when the file is absent.</summary>
    public IReadOnlyDictionary<string, FeatureStats>? Stats { get; }

    /// <summary>Episode rows an interrupted save wrote beyond info.json's total_episodes; not part of the dataset (see <see cref="OpenAsync"/>).</summary>
    public int UncommittedEpisodes { get; private init; }

    /// <summary>
    /// Opens the dataset's metadata; throws <see cref="DatasetFormatException"/> naming the first missing or malformed file.
    /// info.json's total_episodes is the commit point (the writer saves it last): episode rows at or beyond it, left by
    /// an interrupted save, are left out (<see cref="UncommittedEpisodes"/> counts them; resuming the recording deletes
    /// them), and because that save had rewritten stats.json too, <see cref="Stats"/> is then aggregated from the
    /// committed episodes' rows.
    /// </summary>
    public static async Task<LeRobotDataset> OpenAsync(string root, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root))
        {
            throw new DatasetFormatException($"{root}: no such folder");
        }
        DatasetInfo info = DatasetInfo.Load(root);
        if (info.CodebaseVersion != LeRobotFormat.CodebaseVersion)
        {
            throw new DatasetFormatException($"{LeRobotFormat.InfoPath}: codebase_version is '{info.CodebaseVersion}', this reader reads '{LeRobotFormat.CodebaseVersion}' only");
        }
        string tasksPath = Path.Combine(root, LeRobotFormat.TasksPath);
        if (!File.Exists(tasksPath))
        {
            throw new DatasetFormatException($"missing file: {LeRobotFormat.TasksPath}");
        }
        var tasks = await TasksFile.ReadAsync(tasksPath, cancellationToken).ConfigureAwait(false);
        var episodes = new List<EpisodeRecord>();
        foreach (string file in LeRobotDatasetWriter.EpisodeFiles(root))
        {
            episodes.AddRange(await EpisodesFile.ReadAsync(file, Path.GetRelativePath(root, file), cancellationToken).ConfigureAwait(false));
        }
        if (episodes.Count == 0 && info.TotalEpisodes > 0)
        {
            throw new DatasetFormatException($"missing file: meta/episodes/chunk-000/file-000.parquet (info.json counts {info.TotalEpisodes} episodes)");
        }
        int uncommitted = episodes.RemoveAll(e => e.EpisodeIndex >= info.TotalEpisodes);
        episodes.Sort((a, b) => a.EpisodeIndex.CompareTo(b.EpisodeIndex));
        string statsPath = Path.Combine(root, LeRobotFormat.StatsPath);
        Dictionary<string, FeatureStats>? stats = File.Exists(statsPath) ? StatsFile.Parse(await File.ReadAllBytesAsync(statsPath, cancellationToken).ConfigureAwait(false)) : null;
        if (uncommitted > 0 && stats is not null && episodes.Count > 0)
        {
            foreach (string key in stats.Keys.Where(k => episodes.All(e => e.Stats.ContainsKey(k))).ToList())
            {
                stats[key] = FeatureStats.Aggregate(episodes.Select(e => e.Stats[key]).ToList());
            }
        }
        return new LeRobotDataset(root, info, tasks, episodes, stats) { UncommittedEpisodes = uncommitted };
    }

    /// <summary>The task text of <paramref name="taskIndex"/>, or null.</summary>
    public string? Task(long taskIndex) => Tasks.FirstOrDefault(t => t.TaskIndex == taskIndex).Task;

    /// <summary>Relative path of an episode's data file.</summary>
    public string DataFileOf(EpisodeRecord e) => LeRobotFormat.Expand(Info.DataPath, e.DataChunkIndex, e.DataFileIndex);

    /// <summary>Reads the frames of episode <paramref name="episodeIndex"/> from its data file.</summary>
    public async Task<EpisodeFrames> ReadEpisodeAsync(long episodeIndex, CancellationToken cancellationToken = default)
    {
        EpisodeRecord e = Episodes.FirstOrDefault(x => x.EpisodeIndex == episodeIndex)
            ?? throw new ArgumentOutOfRangeException(nameof(episodeIndex), episodeIndex, $"the dataset has episodes 0..{Episodes.Count - 1}");
        ParquetTable table = await DataTableAsync(DataFileOf(e), cancellationToken).ConfigureAwait(false);
        ParquetColumn ep = table.Require(LeRobotFormat.EpisodeIndex, DataFileOf(e));
        int start = -1, length = 0;
        for (int r = 0; r < table.RowCount; r++)
        {
            if (ep.Int64At(r) == episodeIndex)
            {
                if (start < 0)
                {
                    start = r;
                }
                length++;
            }
        }
        return new EpisodeFrames(episodeIndex, table, Math.Max(start, 0), length);
    }

    internal async Task<ParquetTable> DataTableAsync(string relative, CancellationToken cancellationToken)
    {
        if (_cachedPath != relative || _cached is null)
        {
            string path = Path.Combine(Root, relative);
            if (!File.Exists(path))
            {
                throw new DatasetFormatException($"missing file: {relative}");
            }
            _cached = await ParquetTable.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            _cachedPath = relative;
        }
        return _cached;
    }
}
