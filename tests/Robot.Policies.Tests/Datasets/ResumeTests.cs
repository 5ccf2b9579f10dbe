using Robot.Policies.Datasets;

namespace Robot.Policies.Tests.Datasets;

public class ResumeTests
{
    [Fact]
    public async Task Resume_ContinuesIndicesStatisticsAndTotals()
    {
        using var dir = new TempDir();
        LeRobotDatasetWriter first = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        await first.SaveEpisodeAsync(DatasetFixture.Episode(first, 0, 30), DatasetFixture.PickTask, true);
        await first.SaveEpisodeAsync(DatasetFixture.Episode(first, 1, 20), DatasetFixture.PickTask, false);

        LeRobotDatasetWriter resumed = await LeRobotDatasetWriter.ResumeAsync(dir.Path, DatasetFixture.Spec());
        Assert.Equal(2, resumed.TotalEpisodes);
        Assert.Equal(50, resumed.TotalFrames);
        EpisodeRecord third = await resumed.SaveEpisodeAsync(DatasetFixture.Episode(resumed, 2, 25), DatasetFixture.OtherTask, true);
        Assert.Equal(2, third.EpisodeIndex);
        Assert.Equal(50, third.DatasetFromIndex);
        Assert.Equal(75, third.DatasetToIndex);
        Assert.Equal(2, third.DataFileIndex);

        LeRobotDataset ds = await LeRobotDataset.OpenAsync(dir.Path);
        Assert.Equal(3, ds.Info.TotalEpisodes);
        Assert.Equal(75, ds.Info.TotalFrames);
        Assert.Equal(2, ds.Info.TotalTasks);
        Assert.Equal("0:3", ds.Info.Splits["train"]);
        Assert.Equal([true, false, true], ds.Episodes.Select(e => e.Success!.Value));
        EpisodeFrames frames = await ds.ReadEpisodeAsync(2);
        Assert.Equal(Enumerable.Range(50, 25).Select(i => (double)i), frames.Scalars(LeRobotFormat.Index));
        Assert.All(frames.Scalars(LeRobotFormat.TaskIndex), v => Assert.Equal(1, v));
        Assert.Equal(75, ds.Stats![LeRobotFormat.ObservationState].Count);
        Assert.Equal(74, ds.Stats[LeRobotFormat.Index].Max[0]);
        Assert.Equal(37, ds.Stats[LeRobotFormat.Index].Mean[0], 9);

        ValidationReport report = await DatasetValidator.ValidateAsync(dir.Path);
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
        Assert.Empty(report.Problems);
    }

    /// <summary>
    /// Two saved episodes of 30 frames and a crash inside the third save, after the data, episodes and stats
    /// files, before info.json: the files of a 3-episode dataset with the info.json of the 2-episode one.
    /// </summary>
    private static async Task InterruptedThirdSaveAsync(TempDir dir)
    {
        LeRobotDatasetWriter writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        await writer.SaveEpisodeAsync(DatasetFixture.Episode(writer, 0, 30), DatasetFixture.PickTask, true);
        await writer.SaveEpisodeAsync(DatasetFixture.Episode(writer, 1, 30), DatasetFixture.PickTask, true);
        byte[] info2 = File.ReadAllBytes(Path.Combine(dir.Path, LeRobotFormat.InfoPath));
        await writer.SaveEpisodeAsync(DatasetFixture.Episode(writer, 2, 30), DatasetFixture.PickTask, true);
        File.WriteAllBytes(Path.Combine(dir.Path, LeRobotFormat.InfoPath), info2);
        File.WriteAllText(Path.Combine(dir.Path, "data/chunk-000/file-003.parquet.partial"), "torn");
    }

    [Fact]
    public async Task Open_AfterInterruptedSave_ReadsOnlyTheEpisodesInfoJsonCommitted_AndTheirStatistics()
    {
        using var dir = new TempDir();
        await InterruptedThirdSaveAsync(dir);

        LeRobotDataset ds = await LeRobotDataset.OpenAsync(dir.Path);

        Assert.Equal([0L, 1L], ds.Episodes.Select(e => e.EpisodeIndex));
        Assert.Equal(1, ds.UncommittedEpisodes);
        // stats.json was rewritten by the interrupted save (90 frames); the statistics are the committed 60.
        Assert.Equal(60, ds.Stats![LeRobotFormat.Action].Count);
        Assert.Equal(59, ds.Stats[LeRobotFormat.Index].Max[0]);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ds.ReadEpisodeAsync(2));
    }

    [Fact]
    public async Task Resume_AfterInterruptedSave_DropsUncommittedFilesAndRows()
    {
        using var dir = new TempDir();
        await InterruptedThirdSaveAsync(dir);

        ValidationReport before = await DatasetValidator.ValidateAsync(dir.Path);
        Assert.Contains(before.Problems, p => p.Kind == DatasetProblemKind.TotalsMismatch && p.Message == "total_episodes is 2, the episodes files hold 3 rows");
        Assert.Contains(before.Problems, p => p.Kind == DatasetProblemKind.OrphanFile && p.File == "data/chunk-000/file-003.parquet.partial");

        LeRobotDatasetWriter resumed = await LeRobotDatasetWriter.ResumeAsync(dir.Path, DatasetFixture.Spec());
        Assert.Equal(2, resumed.TotalEpisodes);
        Assert.False(File.Exists(Path.Combine(dir.Path, "data/chunk-000/file-002.parquet")));
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.partial", SearchOption.AllDirectories));
        ValidationReport after = await DatasetValidator.ValidateAsync(dir.Path);
        Assert.True(after.IsValid, string.Join("\n", after.Problems));

        EpisodeRecord again = await resumed.SaveEpisodeAsync(DatasetFixture.Episode(resumed, 2, 10), DatasetFixture.PickTask, true);
        Assert.Equal((2L, 60L, 70L), (again.EpisodeIndex, again.DatasetFromIndex, again.DatasetToIndex));
        Assert.True((await DatasetValidator.ValidateAsync(dir.Path)).IsValid);
    }

    [Fact]
    public async Task Resume_WithOtherFeatures_RefusesNamingTheFeature()
    {
        using var dir = new TempDir();
        await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        DatasetSpec other = DatasetFixture.Spec() with { ActionNames = DatasetFixture.Names("arm", 7) };
        var e = await Assert.ThrowsAsync<DatasetFormatException>(() => LeRobotDatasetWriter.ResumeAsync(dir.Path, other));
        Assert.Equal("cannot resume: feature 'action' is float32[16] in the dataset, float32[7] in this recording", e.Message);
        var f = await Assert.ThrowsAsync<DatasetFormatException>(() => LeRobotDatasetWriter.ResumeAsync(dir.Path, DatasetFixture.Spec(30)));
        Assert.Equal("cannot resume: dataset fps is 50, recording fps is 30", f.Message);
    }
}
