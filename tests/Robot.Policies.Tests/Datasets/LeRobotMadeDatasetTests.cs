using System.Text;
using Robot.Policies.Datasets;

namespace Robot.Policies.Tests.Datasets;

/// <summary>
/// A state-only dataset laid out the way LeRobot writes one (Push-T-like: two episodes in one data
/// file, names as {"motors": [...]}, tasks indexed by pandas' unnamed index, extra next.* columns,
/// no success or cadence columns) is read and validates.
/// </summary>
public class LeRobotMadeDatasetTests
{
    private static async Task WriteAsync(string root)
    {
        const string info = """
            {
                "codebase_version": "v3.0", "robot_type": null, "total_episodes": 2, "total_frames": 7, "total_tasks": 1,
                "chunks_size": 1000, "data_files_size_in_mb": 100, "video_files_size_in_mb": 500, "fps": 10,
                "splits": {"train": "0:2"},
                "data_path": "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet",
                "video_path": "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4",
                "features": {
                    "observation.state": {"dtype": "float32", "shape": [2], "names": {"motors": ["motor_0", "motor_1"]}},
                    "action": {"dtype": "float32", "shape": [2], "names": {"motors": ["motor_0", "motor_1"]}},
                    "episode_index": {"dtype": "int64", "shape": [1], "names": null},
                    "frame_index": {"dtype": "int64", "shape": [1], "names": null},
                    "timestamp": {"dtype": "float32", "shape": [1], "names": null},
                    "next.reward": {"dtype": "float32", "shape": [1], "names": null},
                    "next.done": {"dtype": "bool", "shape": [1], "names": null},
                    "index": {"dtype": "int64", "shape": [1], "names": null},
                    "task_index": {"dtype": "int64", "shape": [1], "names": null}
                }
            }
            """;
        Directory.CreateDirectory(Path.Combine(root, "meta"));
        await File.WriteAllTextAsync(Path.Combine(root, LeRobotFormat.InfoPath), info, Encoding.UTF8);
        await new ParquetTableWriter().Scalar("task_index", new long[] { 0 }).Strings("__index_level_0__", ["Push the T-shaped block onto the T-shaped target."])
            .WriteFileAsync(Path.Combine(root, LeRobotFormat.TasksPath));
        int[] lengths = [4, 3];
        int n = 7;
        var state = new float[n * 2];
        var action = new float[n * 2];
        for (int i = 0; i < state.Length; i++)
        {
            state[i] = 100 + i;
            action[i] = 200 + i;
        }
        long[] ep = [0, 0, 0, 0, 1, 1, 1];
        long[] fi = [0, 1, 2, 3, 0, 1, 2];
        await new ParquetTableWriter()
            .FixedList("observation.state", state, n, 2)
            .FixedList("action", action, n, 2)
            .Scalar("episode_index", ep)
            .Scalar("frame_index", fi)
            .Scalar("timestamp", fi.Select(f => (float)(f / 10.0)).ToArray())
            .Scalar("next.reward", new float[n])
            .Scalar("next.done", new[] { false, false, false, true, false, false, true })
            .Scalar("index", Enumerable.Range(0, n).Select(i => (long)i).ToArray())
            .Scalar("task_index", new long[n])
            .WriteFileAsync(Path.Combine(root, LeRobotFormat.DataPath(0, 0)));
        var rows = new List<EpisodeRecord>();
        long from = 0;
        for (int e = 0; e < 2; e++)
        {
            var st = new Dictionary<string, FeatureStats>
            {
                ["observation.state"] = new([0, 0], [1, 1], [0.5, 0.5], [0.1, 0.1], lengths[e]),
            };
            rows.Add(new EpisodeRecord { EpisodeIndex = e, Tasks = ["Push the T-shaped block onto the T-shaped target."], Length = lengths[e], DataChunkIndex = 0, DataFileIndex = 0, DatasetFromIndex = from, DatasetToIndex = from + lengths[e], Stats = st });
            from += lengths[e];
        }
        await EpisodesFile.WriteAsync(Path.Combine(root, LeRobotFormat.EpisodesPath(0, 0)), rows, ["observation.state"]);
        await File.WriteAllTextAsync(Path.Combine(root, LeRobotFormat.StatsPath), """
            {"observation.state": {"min": [100, 101], "max": [112, 113], "mean": [106, 107], "std": [4, 4], "count": [7]},
             "action": {"min": [200, 201], "max": [212, 213], "mean": [206, 207], "std": [4, 4], "count": [7]}}
            """);
    }

    [Fact]
    public async Task LeRobotLayout_IsReadAndValidates()
    {
        using var dir = new TempDir();
        await WriteAsync(dir.Path);

        LeRobotDataset ds = await LeRobotDataset.OpenAsync(dir.Path);
        Assert.Equal(10, ds.Info.Fps);
        Assert.Null(ds.Info.RobotType);
        Assert.Equal(["motor_0", "motor_1"], ds.Info.Feature("observation.state")!.Names);
        Assert.Equal("Push the T-shaped block onto the T-shaped target.", ds.Task(0));
        Assert.Null(ds.Episodes[0].Success);
        Assert.Null(ds.Episodes[0].Cadence);

        EpisodeFrames second = await ds.ReadEpisodeAsync(1);
        Assert.Equal(3, second.Length);
        Assert.Equal(new float[] { 108, 109, 110, 111, 112, 113 }, second.Vector("observation.state", out int width));
        Assert.Equal(2, width);
        Assert.Equal([0, 0, 1], second.Scalars("next.done"));
        Assert.Equal([4, 5, 6], second.Scalars("index"));

        ValidationReport report = await DatasetValidator.ValidateAsync(dir.Path);
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }
}
