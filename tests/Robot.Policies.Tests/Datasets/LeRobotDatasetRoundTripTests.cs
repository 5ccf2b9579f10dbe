using System.Text.Json;
using Robot.Policies.Datasets;

namespace Robot.Policies.Tests.Datasets;

public class LeRobotDatasetRoundTripTests
{
    [Fact]
    public async Task WriteThenRead_ReturnsEveryFrameIndexAndStatistic()
    {
        using var dir = new TempDir();
        DatasetSpec spec = DatasetFixture.Spec();
        LeRobotDatasetWriter writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, spec);
        int[] lengths = [120, 75, 200];
        for (int e = 0; e < lengths.Length; e++)
        {
            await writer.SaveEpisodeAsync(DatasetFixture.Episode(writer, e, lengths[e]), e == 1 ? DatasetFixture.OtherTask : DatasetFixture.PickTask, success: e != 2);
        }

        LeRobotDataset ds = await LeRobotDataset.OpenAsync(dir.Path);
        Assert.Equal("v3.0", ds.Info.CodebaseVersion);
        Assert.Equal(3, ds.Info.TotalEpisodes);
        Assert.Equal(395, ds.Info.TotalFrames);
        Assert.Equal(2, ds.Info.TotalTasks);
        Assert.Equal(50, ds.Info.Fps);
        Assert.Equal("0:3", ds.Info.Splits["train"]);
        Assert.Equal(spec.StateNames, ds.Info.Feature(LeRobotFormat.ObservationState)!.Names);
        Assert.Equal([16], ds.Info.Feature(LeRobotFormat.ObservationState)!.Shape);
        Assert.Equal([14], ds.Info.Feature(LeRobotFormat.EnvironmentState)!.Shape);
        Assert.Equal(DatasetFixture.PickTask, ds.Task(0));
        Assert.Equal(DatasetFixture.OtherTask, ds.Task(1));

        long index = 0;
        for (int e = 0; e < lengths.Length; e++)
        {
            EpisodeRecord row = ds.Episodes[e];
            Assert.Equal(e, row.EpisodeIndex);
            Assert.Equal(lengths[e], row.Length);
            Assert.Equal(index, row.DatasetFromIndex);
            Assert.Equal(index + lengths[e], row.DatasetToIndex);
            Assert.Equal(e != 2, row.Success);
            Assert.False(row.Cadence!.Flagged);

            EpisodeFrames frames = await ds.ReadEpisodeAsync(e);
            Assert.Equal(lengths[e], frames.Length);
            float[] state = frames.Vector(LeRobotFormat.ObservationState, out int sw);
            float[] env = frames.Vector(LeRobotFormat.EnvironmentState, out int ew);
            float[] action = frames.Vector(LeRobotFormat.Action, out int aw);
            Assert.Equal((16, 14, 16), (sw, ew, aw));
            var s = new float[16];
            var en = new float[14];
            var a = new float[16];
            for (int i = 0; i < lengths[e]; i++)
            {
                DatasetFixture.Fill(e, i, s, en, a);
                Assert.Equal(s, state.AsSpan(i * 16, 16).ToArray());
                Assert.Equal(en, env.AsSpan(i * 14, 14).ToArray());
                Assert.Equal(a, action.AsSpan(i * 16, 16).ToArray());
            }
            double[] ts = frames.Scalars(LeRobotFormat.Timestamp);
            double[] fi = frames.Scalars(LeRobotFormat.FrameIndex);
            double[] gi = frames.Scalars(LeRobotFormat.Index);
            double[] real = frames.Scalars(LeRobotFormat.RealTimestamp);
            for (int i = 0; i < lengths[e]; i++)
            {
                Assert.Equal(i, fi[i]);
                Assert.Equal(index + i, gi[i]);
                Assert.Equal((float)(i / 50.0), (float)ts[i]);
                Assert.Equal(i / 50.0, real[i], 4);
            }
            Assert.All(frames.Scalars(LeRobotFormat.EpisodeIndex), v => Assert.Equal(e, v));
            Assert.All(frames.Scalars(LeRobotFormat.TaskIndex), v => Assert.Equal(e == 1 ? 1 : 0, v));

            // Per-episode statistics match the frames.
            FeatureStats st = row.Stats[LeRobotFormat.ObservationState];
            Assert.Equal(lengths[e], st.Count);
            Assert.Equal(state.Where((_, k) => k % 16 == 3).Max(), st.Max[3], 6);
            Assert.Equal(state.Where((_, k) => k % 16 == 3).Average(v => (double)v), st.Mean[3], 9);
            index += lengths[e];
        }

        // Dataset statistics equal statistics over all frames at once.
        var all = new List<float>();
        for (int e = 0; e < lengths.Length; e++)
        {
            all.AddRange((await ds.ReadEpisodeAsync(e)).Vector(LeRobotFormat.Action, out _));
        }
        FeatureStats direct = FeatureStats.Compute(all.ToArray(), all.Count / 16, 16);
        FeatureStats stored = ds.Stats![LeRobotFormat.Action];
        Assert.Equal(395, stored.Count);
        for (int d = 0; d < 16; d++)
        {
            Assert.Equal(direct.Mean[d], stored.Mean[d], 9);
            Assert.Equal(direct.Std[d], stored.Std[d], 9);
            Assert.Equal(direct.Min[d], stored.Min[d], 9);
            Assert.Equal(direct.Max[d], stored.Max[d], 9);
        }

        ValidationReport report = await DatasetValidator.ValidateAsync(dir.Path);
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
        Assert.Empty(report.Problems);
    }

    [Fact]
    public async Task InfoJson_HasLeRobotKeysAndValues()
    {
        using var dir = new TempDir();
        LeRobotDatasetWriter writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        await writer.SaveEpisodeAsync(DatasetFixture.Episode(writer, 0, 10), DatasetFixture.PickTask);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir.Path, "meta/info.json")));
        JsonElement r = doc.RootElement;
        Assert.Equal("v3.0", r.GetProperty("codebase_version").GetString());
        Assert.Equal("warehouse_humanoid", r.GetProperty("robot_type").GetString());
        Assert.Equal(1000, r.GetProperty("chunks_size").GetInt32());
        Assert.Equal(100, r.GetProperty("data_files_size_in_mb").GetInt32());
        Assert.Equal("data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet", r.GetProperty("data_path").GetString());
        Assert.Equal("0:1", r.GetProperty("splits").GetProperty("train").GetString());
        JsonElement state = r.GetProperty("features").GetProperty("observation.state");
        Assert.Equal("float32", state.GetProperty("dtype").GetString());
        Assert.Equal(16, state.GetProperty("shape")[0].GetInt32());
        Assert.Equal("arm_0", state.GetProperty("names")[0].GetString());
        Assert.Equal("int64", r.GetProperty("features").GetProperty("index").GetProperty("dtype").GetString());
        Assert.True(File.Exists(Path.Combine(dir.Path, "data/chunk-000/file-000.parquet")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "meta/episodes/chunk-000/file-000.parquet")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "meta/tasks.parquet")));
        using JsonDocument stats = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir.Path, "meta/stats.json")));
        Assert.Equal(10, stats.RootElement.GetProperty("action").GetProperty("count")[0].GetInt64());
        Assert.Equal(16, stats.RootElement.GetProperty("action").GetProperty("mean").GetArrayLength());
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task NamesAsMotorsObject_AreRead()
    {
        DatasetInfo info = DatasetInfo.Parse("""
            {"codebase_version":"v3.0","robot_type":"so100","total_episodes":0,"total_frames":0,"total_tasks":0,"fps":30,
             "splits":{},"data_path":"data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet",
             "features":{"observation.state":{"dtype":"float32","shape":[2],"names":{"motors":["x","y"]}},
                         "action":{"dtype":"float32","shape":[2],"names":["x","y"]},
                         "timestamp":{"dtype":"float32","shape":[1],"names":null}}}
            """u8);
        Assert.Equal(["x", "y"], info.Feature("observation.state")!.Names);
        Assert.Equal(FeatureNamesStyle.Keyed, info.Feature("observation.state")!.NamesStyle);
        Assert.Equal(["x", "y"], info.Feature("action")!.Names);
        Assert.Null(info.Feature("timestamp")!.Names);
        Assert.Contains("\"motors\"", new DatasetInfo { Features = info.Features }.ToString(), StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Create_OnExistingDataset_Refuses()
    {
        using var dir = new TempDir();
        await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        var e = await Assert.ThrowsAsync<DatasetFormatException>(() => LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec()));
        Assert.Contains("already holds a dataset", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveEpisode_NaNInTheFrames_IsRefusedNamingEpisodeFrameAndFeature_AndSavesNothing()
    {
        using var dir = new TempDir();
        LeRobotDatasetWriter writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        await writer.SaveEpisodeAsync(DatasetFixture.Episode(writer, 0, 10), DatasetFixture.PickTask, true);
        EpisodeBuffer buffer = writer.NewBuffer(10);
        var s = new float[buffer.StateWidth];
        var env = new float[buffer.EnvironmentWidth];
        var a = new float[buffer.ActionWidth];
        for (int i = 0; i < 10; i++)
        {
            DatasetFixture.Fill(1, i, s, env, a);
            if (i == 7)
            {
                a[3] = float.NaN;
            }
            buffer.AddFrame(s, env, a, 1000.0 + i / 50.0);
        }

        var e = await Assert.ThrowsAsync<ArgumentException>(() => writer.SaveEpisodeAsync(buffer, DatasetFixture.PickTask, true));

        Assert.StartsWith("episode 1, frame 7: action[3] (arm_3) is NaN; every value must be finite, so the episode was not saved", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, writer.TotalEpisodes);
        Assert.Equal(10, buffer.Count);
        LeRobotDataset reopened = await LeRobotDataset.OpenAsync(dir.Path);
        Assert.Single(reopened.Episodes);
        Assert.True((await DatasetValidator.ValidateAsync(dir.Path)).IsValid);
    }
}
