using Robot.Policies.Tests.Torch;
using Robot.Policies.Datasets;
using Robot.Policies.Models;
using Robot.Policies.Tests.Datasets;
using Robot.Policies.Training;

namespace Robot.Policies.Tests.Training;

[Collection(TorchGenerator.Name)]
public class PolicyTrainerTests
{
    private static TrainingOptions Options(string dataset, string output, PolicyConfig config, int steps) => new()
    {
        Dataset = dataset, Output = output, Config = config, Steps = steps, Seed = 5, Threads = 1, ValidateEvery = 10, CheckpointEvery = 10,
    };

    [Fact]
    public async Task Train_TinyAct_LossFallsAndEverythingIsWritten()
    {
        using var dir = new TempDir();
        string dataset = await PolicyDatasetFixture.CreateAsync(dir.Sub("ds"));
        TrainingReport report = await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("out"), PolicyDatasetFixture.TinyAct, 60));

        Assert.True(report.History[^1].TrainL1 < 0.7 * report.History[0].TrainL1, $"L1 went from {report.History[0].TrainL1} to {report.History[^1].TrainL1}");
        Assert.Equal(3, report.TrainEpisodes);
        Assert.Equal(1, report.ValidationEpisodes);
        Assert.True(double.IsFinite(report.FinalValidationL1));
        foreach (string file in new[] { PolicyBundle.ManifestFile, PolicyBundle.WeightsFile, LossCurvePlot.FileName, ModelCard.JsonFile, ModelCard.MarkdownFile, "checkpoint/progress.json" })
        {
            Assert.True(File.Exists(Path.Combine(dir.Sub("out"), file)), file);
        }
        Assert.Contains(report.DatasetHash, await File.ReadAllTextAsync(Path.Combine(dir.Sub("out"), ModelCard.MarkdownFile)), StringComparison.Ordinal);
        var (network, manifest) = PolicyBundle.Load(dir.Sub("out"));
        using (network)
        {
            Assert.Equal(60, manifest.TrainedSteps);
            Assert.Equal(PolicyKind.Act, manifest.Config.Kind);
        }
    }

    [Fact]
    public async Task Train_TinyMlp_LossFalls()
    {
        using var dir = new TempDir();
        string dataset = await PolicyDatasetFixture.CreateAsync(dir.Sub("ds"));
        TrainingReport report = await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("out"), PolicyDatasetFixture.TinyMlp, 60));
        Assert.True(report.History[^1].TrainL1 < 0.7 * report.History[0].TrainL1, $"L1 went from {report.History[0].TrainL1} to {report.History[^1].TrainL1}");
    }

    [Fact]
    public async Task Train_SameSeedTwice_IdenticalWeights()
    {
        using var dir = new TempDir();
        string dataset = await PolicyDatasetFixture.CreateAsync(dir.Sub("ds"));
        await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("a"), PolicyDatasetFixture.TinyAct, 20));
        await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("b"), PolicyDatasetFixture.TinyAct, 20));
        await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("c"), PolicyDatasetFixture.TinyAct, 20) with { Seed = 6 });
        // Same seed: the same batches, dropout masks and CVAE draws, so the same weights. Compared to 1e-5 rather than
        // bit for bit: libtorch's MKL kernels pick their SIMD path by buffer alignment, which moves the last bit of a sum
        // now and then (observed: one byte of one float in 230 kB under parallel test load).
        Assert.True(MaxDifference(dir.Sub("a"), dir.Sub("b")) < 1e-5, $"same seed, weights differ by {MaxDifference(dir.Sub("a"), dir.Sub("b"))}");
        Assert.True(MaxDifference(dir.Sub("a"), dir.Sub("c")) > 1e-3, "another seed gave the same weights");
    }

    private static double MaxDifference(string a, string b)
    {
        var x = SafeTensorsFile.Read(Path.Combine(a, PolicyBundle.WeightsFile)).Tensors;
        var y = SafeTensorsFile.Read(Path.Combine(b, PolicyBundle.WeightsFile)).Tensors;
        Assert.Equal(x.Keys.Order(StringComparer.Ordinal), y.Keys.Order(StringComparer.Ordinal));
        return x.Max(kv => kv.Value.Values.Zip(y[kv.Key].Values, (p, q) => (double)Math.Abs(p - q)).DefaultIfEmpty(0).Max());
    }

    [Fact]
    public async Task Resume_AfterStop_MatchesUninterruptedTraining()
    {
        using var dir = new TempDir();
        string dataset = await PolicyDatasetFixture.CreateAsync(dir.Sub("ds"));
        await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("whole"), PolicyDatasetFixture.TinyAct, 20));
        TrainingReport first = await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("split"), PolicyDatasetFixture.TinyAct, 20) with { StopAfter = 7 });
        Assert.False(first.Finished);
        TrainingReport second = await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("split"), PolicyDatasetFixture.TinyAct, 20) with { Resume = true });
        Assert.Equal(7, second.ResumedFrom);
        Assert.True(MaxDifference(dir.Sub("whole"), dir.Sub("split")) < 1e-5, $"resumed weights differ by {MaxDifference(dir.Sub("whole"), dir.Sub("split"))}");
    }

    [Fact]
    public async Task Resume_AfterStopBetweenValidationPoints_ReportsTheSameTrainingLossAsUninterrupted()
    {
        using var dir = new TempDir();
        string dataset = await PolicyDatasetFixture.CreateAsync(dir.Sub("ds"));
        TrainingReport whole = await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("whole"), PolicyDatasetFixture.TinyAct, 20));
        await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("split"), PolicyDatasetFixture.TinyAct, 20) with { StopAfter = 7 });

        TrainingReport resumed = await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("split"), PolicyDatasetFixture.TinyAct, 20) with { Resume = true });

        // The point at step 10 averages steps 1-10, seven of them trained before the stop.
        Assert.Equal(whole.History.Select(h => h.Step), resumed.History.Select(h => h.Step));
        for (int i = 0; i < whole.History.Count; i++)
        {
            Assert.Equal(whole.History[i].TrainLoss, resumed.History[i].TrainLoss, 4);
            Assert.Equal(whole.History[i].TrainL1, resumed.History[i].TrainL1, 4);
        }
    }

    [Fact]
    public async Task Resume_WithAnotherBatchSize_IsRefusedNamingTheSetting_AndTheCheckpointIsKept()
    {
        using var dir = new TempDir();
        string dataset = await PolicyDatasetFixture.CreateAsync(dir.Sub("ds"));
        await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("out"), PolicyDatasetFixture.TinyAct, 20) with { StopAfter = 7 });
        string progress = Path.Combine(dir.Sub("out"), TrainingCheckpoint.Folder, "progress.json");
        string before = await File.ReadAllTextAsync(progress);

        var e = await Assert.ThrowsAsync<PolicyLoadException>(() => PolicyTrainer.TrainAsync(
            Options(dataset, dir.Sub("out"), PolicyDatasetFixture.TinyAct with { BatchSize = 8 }, 20) with { Resume = true }));
        var f = await Assert.ThrowsAsync<PolicyLoadException>(() => PolicyTrainer.TrainAsync(
            Options(dataset, dir.Sub("out"), PolicyDatasetFixture.TinyAct, 20) with { Resume = true, ValidationFraction = 0.5 }));

        Assert.Equal($"{progress}: the checkpoint was trained with batchSize 16, this run has 8; resume with the settings it was trained with, or train afresh into another output folder", e.Message);
        Assert.StartsWith($"{progress}: the checkpoint was trained with validationFraction 0.1, this run has 0.5", f.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(progress));
    }

    [Fact]
    public async Task Resume_CorruptCheckpoint_ThrowsNamingTheFile()
    {
        using var dir = new TempDir();
        string dataset = await PolicyDatasetFixture.CreateAsync(dir.Sub("ds"));
        await PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("out"), PolicyDatasetFixture.TinyAct, 10));
        string weights = Path.Combine(dir.Sub("out"), TrainingCheckpoint.Folder, "model.safetensors");
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..100]);
        var e = await Assert.ThrowsAsync<PolicyLoadException>(() => PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("out"), PolicyDatasetFixture.TinyAct, 20) with { Resume = true }));
        Assert.Contains("model.safetensors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_MissingDataset_ThrowsNamingTheFolder()
    {
        using var dir = new TempDir();
        var e = await Assert.ThrowsAsync<DatasetFormatException>(() => PolicyTrainer.TrainAsync(Options(dir.Sub("nope"), dir.Sub("out"), PolicyDatasetFixture.TinyAct, 5)));
        Assert.Contains("nope: no such folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_DatasetWithoutEnvironmentState_ThrowsNamingTheFeature()
    {
        using var dir = new TempDir();
        string dataset = await PolicyDatasetFixture.CreateAsync(dir.Sub("ds"), withEnvironment: false);
        var e = await Assert.ThrowsAsync<DatasetFormatException>(() => PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("out"), PolicyDatasetFixture.TinyAct, 5)));
        Assert.Contains("no feature 'observation.environment_state'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_LossOverflows_StopsWithTrainingDiverged_AndWritesNoPolicy()
    {
        using var dir = new TempDir();
        string dataset = await PolicyDatasetFixture.CreateAsync(dir.Sub("ds"));
        // A KL weight beyond float32's range makes the first loss infinite (or NaN when the KL is 0).
        PolicyConfig config = PolicyDatasetFixture.TinyAct with { KlWeight = 1e39 };

        var e = await Assert.ThrowsAsync<TrainingDivergedException>(() => PolicyTrainer.TrainAsync(Options(dataset, dir.Sub("out"), config, 20)));

        Assert.Equal(1, e.Step);
        Assert.False(double.IsFinite(e.Loss));
        Assert.StartsWith("training diverged at step 1: the training loss is ", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Sub("out"), PolicyBundle.ManifestFile)));
    }
}
