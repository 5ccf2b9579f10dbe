using System.Diagnostics;
using Robot.Policies.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Robot.Policies.Training;

/// <summary>
/// Trains a policy network on a demonstration dataset with AdamW.
/// <para>Reproducible for a seed: the weights are drawn after <c>manual_seed(seed)</c>, and step s reseeds torch
/// (dropout, the CVAE's z) and draws its batch from <c>Random(seed, s)</c>, so the run depends only on the seed
/// and the step — which is also why a resumed run (weights, optimiser moments and step from the checkpoint)
/// reproduces an uninterrupted one exactly.</para>
/// Writes into the output folder: the policy (<see cref="PolicyBundle"/>), checkpoint/, loss_curve.png and the model card.
/// </summary>
public static class PolicyTrainer
{
    private const int ValidationBatch = 1024;

    // Held-out frames evaluated per validation point: an even stride over them caps the time it takes.
    private const int MaxValidationFrames = 4096;

    /// <summary>Runs training. <paramref name="progress"/> receives one line per validation point.</summary>
    /// <exception cref="ArgumentException">Invalid options (every problem listed).</exception>
    /// <exception cref="Datasets.DatasetFormatException">The dataset is missing, malformed or lacks a needed feature.</exception>
    /// <exception cref="PolicyLoadException">--resume without a usable checkpoint.</exception>
    /// <exception cref="TrainingDivergedException">A step's loss was NaN or infinite; no policy was written.</exception>
    public static async Task<TrainingReport> TrainAsync(TrainingOptions options, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid training options: " + string.Join("; ", errors), nameof(options));
        }
        DemonstrationSet data = await DemonstrationSet.LoadAsync(options.Dataset, options.Config, options.ValidationFraction, cancellationToken).ConfigureAwait(false);
        // The loop runs on a thread of its own: floating-point control state (denormal handling) and libtorch's
        // grad mode are per thread, and a thread-pool thread may carry either from earlier work (suspected cause of
        // same-seed runs drifting apart under parallel tests). A fresh thread starts every run from the same state.
        return await Task.Factory.StartNew(() => Run(options, data, progress, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
    }

    private static TrainingReport Run(TrainingOptions options, DemonstrationSet data, Action<string>? progress, CancellationToken cancellationToken)
    {
        torch.set_num_threads(options.Threads);
        PolicyConfig config = options.Config;
        random.manual_seed(options.Seed);
        using IPolicyNetwork network = PolicyNetworks.Create(config);
        using var optimizer = new AdamW(network.Module, config.LearningRate, config.WeightDecay);
        long parameters = network.Module.parameters().Sum(p => p.numel());
        long start = 0;
        double timeBefore = 0;
        // Losses summed since the last history point (restored on resume, so the next point averages the same steps).
        double sumLoss = 0, sumL1 = 0;
        int summed = 0;
        var history = new List<LossPoint>();
        Directory.CreateDirectory(options.Output);
        if (options.Resume)
        {
            RunningLoss running;
            (start, timeBefore, history, running) = TrainingCheckpoint.Load(options.Output, network, optimizer, options.Seed, data.DatasetHash, config, options.ValidationFraction);
            (sumLoss, sumL1, summed) = running;
            progress?.Invoke($"resumed from step {start}");
        }
        int k = config.ChunkLength;
        using Tensor trainObservations = tensor(data.TrainObservations, [data.TrainFrames, data.ObservationWidth]);
        using Tensor trainChunks = tensor(data.TrainChunks, [data.TrainFrames, k, data.ActionWidth]);
        int[] held = ValidationSample(data.ValidationFrames);
        using Tensor validationIndex = tensor(held.Select(i => (long)i).ToArray());
        // The held-out frames in the shuffled order; the tensors they are selected from are freed too.
        using Tensor? heldObservations = data.ValidationFrames == 0 ? null : tensor(data.ValidationObservations, [data.ValidationFrames, data.ObservationWidth]);
        using Tensor? heldChunks = data.ValidationFrames == 0 ? null : tensor(data.ValidationChunks, [data.ValidationFrames, k, data.ActionWidth]);
        using Tensor validationObservations = heldObservations?.index_select(0, validationIndex) ?? zeros(0);
        using Tensor validationChunks = heldChunks?.index_select(0, validationIndex) ?? zeros(0);
        var stopwatch = Stopwatch.StartNew();
        long step = start;
        long? checkpointed = options.Resume ? start : null;
        var indices = new long[config.BatchSize];
        bool stopped = false;
        void Checkpoint(double trainingTimeS) => TrainingCheckpoint.Save(options.Output, network, optimizer, step, options.Seed, data.DatasetHash, trainingTimeS, history,
            config, options.ValidationFraction, new RunningLoss(sumLoss, sumL1, summed));
        while (step < options.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (options.StopAfter is int stopAfter && step - start >= stopAfter)
            {
                stopped = true;
                break;
            }
            using (var scope = NewDisposeScope())
            {
                network.Module.train();
                int stepSeed = StepSeed(options.Seed, step);
                random.manual_seed(stepSeed);
                var batchOrder = new Random(stepSeed);
                for (int i = 0; i < indices.Length; i++)
                {
                    indices[i] = batchOrder.Next(data.TrainFrames);
                }
                Tensor index = tensor(indices);
                optimizer.ZeroGrad();
                var (loss, l1, _) = network.ComputeLoss(trainObservations.index_select(0, index), trainChunks.index_select(0, index));
                float lossValue = loss.item<float>();
                if (!float.IsFinite(lossValue))
                {
                    // Stepping on it would make every weight NaN, and the run would still "finish".
                    throw new TrainingDivergedException(step + 1, lossValue, checkpointed);
                }
                loss.backward();
                optimizer.Step();
                sumLoss += lossValue;
                sumL1 += l1.item<float>();
                summed++;
            }
            step++;
            if (step % options.ValidateEvery == 0 || step == options.Steps)
            {
                double validation = ValidationL1(network, validationObservations, validationChunks);
                double elapsed = timeBefore + stopwatch.Elapsed.TotalSeconds;
                var point = new LossPoint(step, sumLoss / summed, sumL1 / summed, validation, elapsed);
                history.Add(point);
                sumLoss = sumL1 = 0;
                summed = 0;
                double rate = (step - start) / Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-9);
                progress?.Invoke($"step {step}/{options.Steps}: train loss {point.TrainLoss:F4} (L1 {point.TrainL1:F4}), validation L1 {validation:F4}, {rate:F1} steps/s, {elapsed:F0} s");
            }
            if (step % options.CheckpointEvery == 0 || step == options.Steps)
            {
                Checkpoint(timeBefore + stopwatch.Elapsed.TotalSeconds);
                checkpointed = step;
            }
        }
        double trainingTime = timeBefore + stopwatch.Elapsed.TotalSeconds;
        if (stopped)
        {
            Checkpoint(trainingTime);
        }
        var manifest = new PolicyManifest
        {
            Config = config,
            Normalization = data.Normalization,
            DatasetHash = data.DatasetHash,
            TrainedSteps = step,
            Seed = options.Seed,
        };
        PolicyBundle.Save(options.Output, manifest, network);
        double finalValidation = history.Count > 0 ? history[^1].ValidationL1 : double.NaN;
        double best = history.Select(h => h.ValidationL1).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
        var report = new TrainingReport(options.Output, config.Kind, step, start, options.Seed, data.DatasetHash, data.TrainEpisodes, data.ValidationEpisodes,
            data.TrainFrames, data.ValidationFrames, parameters, history.Count > 0 ? history[^1].TrainLoss : double.NaN, finalValidation, best, trainingTime, history, !stopped);
        if (history.Count > 0)
        {
            LossCurvePlot.Save(Path.Combine(options.Output, LossCurvePlot.FileName), history, $"{config.Kind.ToString().ToLowerInvariant()} training, seed {options.Seed}");
        }
        ModelCard.Write(options.Output, manifest, report, options.Dataset);
        return report;
    }

    /// <summary>The seed of step <paramref name="step"/>: a fixed mix of the run's seed and the step.</summary>
    public static int StepSeed(int seed, long step) => unchecked((int)((seed * 1_000_003L) ^ (step * 2_654_435_761L) ^ (step >> 16)));

    private static int[] ValidationSample(int frames)
    {
        if (frames <= MaxValidationFrames)
        {
            return [.. Enumerable.Range(0, frames)];
        }
        return [.. Enumerable.Range(0, MaxValidationFrames).Select(i => (int)((long)i * frames / MaxValidationFrames))];
    }

    /// <summary>L1 between the predicted chunk (eval mode, z = 0) and the demonstrated one on the held-out frames (normalised units).</summary>
    public static double ValidationL1(IPolicyNetwork network, Tensor observations, Tensor chunks)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(chunks);
        if (observations.numel() == 0)
        {
            return double.NaN;
        }
        network.Module.eval();
        using var guard = no_grad();
        double sum = 0;
        long n = observations.shape[0], count = 0;
        int k = network.Config.ChunkLength;
        for (long from = 0; from < n; from += ValidationBatch)
        {
            using var scope = NewDisposeScope();
            long to = Math.Min(n, from + ValidationBatch);
            Tensor predicted = network.PredictChunk(observations.narrow(0, from, to - from));
            Tensor error = (predicted - chunks.narrow(0, from, to - from).narrow(1, 0, k)).abs();
            sum += error.sum().item<float>();
            count += error.numel();
        }
        network.Module.train();
        return sum / count;
    }
}
