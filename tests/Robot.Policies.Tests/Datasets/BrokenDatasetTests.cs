using System.Text.Json.Nodes;
using Robot.Policies.Datasets;

namespace Robot.Policies.Tests.Datasets;

/// <summary>Every kind of broken dataset gives a problem that names it, the file and the values.</summary>
public class BrokenDatasetTests
{
    private static async Task<string> GoodDatasetAsync(TempDir dir, int episodes = 3)
    {
        LeRobotDatasetWriter writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        for (int e = 0; e < episodes; e++)
        {
            await writer.SaveEpisodeAsync(DatasetFixture.Episode(writer, e, 40 + e), DatasetFixture.PickTask, true);
        }
        return dir.Path;
    }

    private static void EditInfo(string root, Action<JsonObject> edit)
    {
        string path = Path.Combine(root, LeRobotFormat.InfoPath);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    /// <summary>Rewrites episode 1's data file with <paramref name="edit"/> applied to its columns.</summary>
    private static async Task EditDataAsync(string root, Func<ParquetTable, ParquetTableWriter> rebuild, int file = 1)
    {
        string path = Path.Combine(root, LeRobotFormat.DataPath(0, file));
        ParquetTable t = await ParquetTable.ReadAsync(path);
        await rebuild(t).WriteFileAsync(path);
    }

    private static float[] Floats(ParquetColumn c) => c.Numbers.Select(v => (float)v).ToArray();

    private static long[] Longs(ParquetColumn c) => c.Numbers.Select(v => (long)v).ToArray();

    /// <summary>The columns of a data file as our writer lays them out, with optional replacements.</summary>
    private static ParquetTableWriter Rebuild(ParquetTable t, string? replace = null, Action<ParquetTableWriter>? with = null)
    {
        var w = new ParquetTableWriter();
        foreach (ParquetColumn c in t.Columns)
        {
            if (c.Name == replace)
            {
                with!(w);
                continue;
            }
            if (c.IsList)
            {
                w.List(c.Name, Floats(c), c.Offsets);
            }
            else if (c.ElementType == typeof(float))
            {
                w.Scalar(c.Name, Floats(c));
            }
            else
            {
                w.Scalar(c.Name, Longs(c));
            }
        }
        return w;
    }

    private static async Task<DatasetProblem> SingleErrorAsync(string root, DatasetProblemKind kind)
    {
        ValidationReport report = await DatasetValidator.ValidateAsync(root);
        Assert.False(report.IsValid, "expected the dataset to be invalid");
        DatasetProblem? p = report.Problems.FirstOrDefault(x => x.Kind == kind && x.Severity == DatasetProblemSeverity.Error);
        Assert.True(p is not null, $"expected a {kind} error, got:\n{string.Join("\n", report.Problems)}");
        return p!;
    }

    [Fact]
    public async Task MissingDataFile_IsNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        File.Delete(Path.Combine(root, "data/chunk-000/file-001.parquet"));
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.MissingFile);
        Assert.Equal("data/chunk-000/file-001.parquet", p.File);
        Assert.Contains("episodes 1 point to it", p.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("meta/info.json")]
    [InlineData("meta/tasks.parquet")]
    [InlineData("meta/episodes/chunk-000/file-000.parquet")]
    public async Task MissingMetadataFile_IsNamed(string file)
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        File.Delete(Path.Combine(root, file));
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.MissingFile);
        Assert.Equal(file, p.File);
        await Assert.ThrowsAsync<DatasetFormatException>(() => LeRobotDataset.OpenAsync(root));
    }

    [Fact]
    public async Task WrongDtype_NamesColumnAndBothTypes()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        await EditDataAsync(root, t => Rebuild(t, LeRobotFormat.Timestamp, w => w.Scalar(LeRobotFormat.Timestamp, t.Column(LeRobotFormat.Timestamp)!.Numbers)));
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.WrongDtype);
        Assert.Equal("data/chunk-000/file-001.parquet", p.File);
        Assert.Equal("column 'timestamp' is float64, info.json says float32", p.Message);
    }

    [Fact]
    public async Task ShapeMismatch_NamesFeatureAndShape()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        EditInfo(root, info =>
        {
            var f = info["features"]!["action"]!.AsObject();
            f["shape"] = new JsonArray(17);
            f["names"] = null;
        });
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.ShapeMismatch);
        Assert.Equal("column 'action' row 0 has 16 values, info.json says shape [17]", p.Message);
    }

    [Fact]
    public async Task NamesOfWrongLength_AreNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        EditInfo(root, info => info["features"]!["action"]!["names"] = new JsonArray("a", "b"));
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.NamesMismatch);
        Assert.Equal("features.action: 2 names for shape [16]", p.Message);
    }

    [Theory]
    [InlineData("total_frames", 999, "total_frames is 999, the episode lengths add up to 123")]
    [InlineData("total_episodes", 4, "total_episodes is 4, the episodes files hold 3 rows")]
    [InlineData("total_tasks", 2, "total_tasks is 2, meta/tasks.parquet holds 1")]
    public async Task TotalsThatDisagree_AreNamed(string key, int value, string message)
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        EditInfo(root, info => info[key] = value);
        ValidationReport report = await DatasetValidator.ValidateAsync(root);
        Assert.Contains(report.Problems, p => p.Kind == DatasetProblemKind.TotalsMismatch && p.Message == message && p.File == "meta/info.json");
        Assert.False(report.IsValid);
    }

    [Fact]
    public async Task NonContiguousIndex_IsNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        await EditDataAsync(root, t => Rebuild(t, LeRobotFormat.Index, w =>
        {
            long[] index = Longs(t.Column(LeRobotFormat.Index)!);
            index[10] += 1;
            w.Scalar(LeRobotFormat.Index, index);
        }));
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.NonContiguousIndex);
        Assert.Equal("episode 1: index is 51 at frame 10, expected 50 (dataset_from_index + frame)", p.Message);
    }

    [Fact]
    public async Task FrameIndexGap_IsNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        await EditDataAsync(root, t => Rebuild(t, LeRobotFormat.FrameIndex, w =>
        {
            long[] fi = Longs(t.Column(LeRobotFormat.FrameIndex)!);
            fi[5] = 6;
            w.Scalar(LeRobotFormat.FrameIndex, fi);
        }));
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.NonContiguousIndex);
        Assert.StartsWith("episode 1: frame_index is 6 at frame 5, expected 5", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimestampsNotMonotonic_AreNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        await EditDataAsync(root, t => Rebuild(t, LeRobotFormat.Timestamp, w =>
        {
            float[] ts = Floats(t.Column(LeRobotFormat.Timestamp)!);
            (ts[7], ts[8]) = (ts[8], ts[7]);
            w.Scalar(LeRobotFormat.Timestamp, ts);
        }));
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.TimestampsNotMonotonic);
        Assert.StartsWith("episode 1: timestamp", p.Message, StringComparison.Ordinal);
        Assert.Contains("at frame 8 does not increase", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimestampsOffTheFpsGrid_AreNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        await EditDataAsync(root, t => Rebuild(t, LeRobotFormat.Timestamp, w =>
            w.Scalar(LeRobotFormat.Timestamp, Floats(t.Column(LeRobotFormat.Timestamp)!).Select(v => v * 1.1f).ToArray())));
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.TimestampsOffGrid);
        Assert.Contains("is not frame_index / fps", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownTaskIndex_IsNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        await EditDataAsync(root, t => Rebuild(t, LeRobotFormat.TaskIndex, w => w.Scalar(LeRobotFormat.TaskIndex, Enumerable.Repeat(7L, (int)t.RowCount).ToArray())));
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.UnknownTask);
        Assert.Equal("episode 1: task_index 7 at frame 0 is not in meta/tasks.parquet", p.Message);
    }

    [Fact]
    public async Task MissingColumn_IsNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        await EditDataAsync(root, t => Rebuild(t, LeRobotFormat.EnvironmentState, _ => { }));
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.MissingColumn);
        Assert.Equal("column 'observation.environment_state' (feature float32[14]) is missing", p.Message);
    }

    [Fact]
    public async Task OrphanDataFile_IsNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        File.Copy(Path.Combine(root, "data/chunk-000/file-000.parquet"), Path.Combine(root, "data/chunk-000/file-009.parquet"));
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.OrphanFile);
        Assert.Equal("data/chunk-000/file-009.parquet", p.File);
    }

    [Fact]
    public async Task CorruptParquet_IsNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        File.WriteAllText(Path.Combine(root, "data/chunk-000/file-002.parquet"), "not parquet at all");
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.UnreadableFile);
        Assert.Equal("data/chunk-000/file-002.parquet", p.File);
    }

    [Fact]
    public async Task WrongVersionOrBadJson_IsNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        EditInfo(root, info => info["codebase_version"] = "v2.1");
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.UnsupportedVersion);
        Assert.Equal("codebase_version is 'v2.1', expected 'v3.0'", p.Message);
        File.WriteAllText(Path.Combine(root, LeRobotFormat.InfoPath), "{ not json");
        p = await SingleErrorAsync(root, DatasetProblemKind.InvalidMetadata);
        Assert.StartsWith("meta/info.json: not valid JSON", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EpisodeLengthThatDisagreesWithData_IsNamed()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        await EditDataAsync(root, t =>
        {
            // Drop the last frame of episode 1.
            int keep = (int)t.RowCount - 1;
            var w = new ParquetTableWriter();
            foreach (ParquetColumn c in t.Columns)
            {
                if (c.IsList)
                {
                    w.List(c.Name, Floats(c), c.Offsets[..(keep + 1)]);
                }
                else if (c.ElementType == typeof(float))
                {
                    w.Scalar(c.Name, Floats(c)[..keep]);
                }
                else
                {
                    w.Scalar(c.Name, Longs(c)[..keep]);
                }
            }
            return w;
        });
        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.EpisodeMismatch);
        Assert.Equal("episode 1: 40 rows, its episode row says length 41", p.Message);
    }

    [Fact]
    public async Task NaNInTheFrames_IsNamedWithColumnEpisodeFrameAndEntry()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        await EditDataAsync(root, t =>
        {
            ParquetColumn action = t.Column(LeRobotFormat.Action)!;
            float[] values = Floats(action);
            values[action.Offsets[5] + 2] = float.NaN;
            return Rebuild(t, LeRobotFormat.Action, w => w.List(LeRobotFormat.Action, values, action.Offsets));
        });

        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.NonFiniteValue);

        Assert.Equal("data/chunk-000/file-001.parquet", p.File);
        Assert.Equal("column 'action' row 5 (episode 1, frame 5): [2] is NaN", p.Message);
    }

    [Fact]
    public async Task NullInTheStatistics_IsNamedWithFeatureAndEntry()
    {
        using var dir = new TempDir();
        string root = await GoodDatasetAsync(dir);
        string path = Path.Combine(root, LeRobotFormat.StatsPath);
        var stats = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        stats[LeRobotFormat.ObservationState]!["mean"]![4] = null;
        File.WriteAllText(path, stats.ToJsonString());

        DatasetProblem p = await SingleErrorAsync(root, DatasetProblemKind.NonFiniteValue);

        Assert.Equal(LeRobotFormat.StatsPath, p.File);
        Assert.Equal("'observation.state' mean[4] is NaN (null in the file); normalisation needs finite statistics", p.Message);
    }
}
