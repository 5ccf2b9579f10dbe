using Robot.Policies.Datasets;

namespace Robot.Policies.Tests.Datasets;

public class EpisodesFileRolloverTests
{
    [Fact]
    public async Task EpisodeRows_RollToANewMetaFile_AndEverythingStillReads()
    {
        using var dir = new TempDir();
        LeRobotDatasetWriter writer = await LeRobotDatasetWriter.CreateAsync(dir.Path, DatasetFixture.Spec());
        int n = LeRobotFormat.EpisodesPerMetaFile + 2;
        for (int e = 0; e < n; e++)
        {
            await writer.SaveEpisodeAsync(DatasetFixture.Episode(writer, e, 3), DatasetFixture.PickTask, true);
        }
        Assert.True(File.Exists(Path.Combine(dir.Path, LeRobotFormat.EpisodesPath(0, 1))));
        LeRobotDataset ds = await LeRobotDataset.OpenAsync(dir.Path);
        Assert.Equal(n, ds.Episodes.Count);
        Assert.Equal(Enumerable.Range(0, n).Select(i => (long)i), ds.Episodes.Select(e => e.EpisodeIndex));
        Assert.Equal(1, ds.Episodes[^1].MetaFileIndex);
        ValidationReport report = await DatasetValidator.ValidateAsync(dir.Path);
        Assert.True(report.IsValid, string.Join("\n", report.Problems));

        LeRobotDatasetWriter resumed = await LeRobotDatasetWriter.ResumeAsync(dir.Path, DatasetFixture.Spec());
        Assert.Equal(n, resumed.TotalEpisodes);
        Assert.Equal(3L * n, resumed.TotalFrames);
    }
}
