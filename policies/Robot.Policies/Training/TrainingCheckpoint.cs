using System.Text.Json;
using Robot.Policies.Models;

namespace Robot.Policies.Training;

/// <summary>
/// A resumable training state in <c>OUT/checkpoint/</c>: weights (model.safetensors), the optimiser's moments and
/// step count (optimizer.safetensors) and progress.json: the loss history, the losses summed since its last point,
/// and the settings the run trains with (the network and optimiser config, the validation fraction), which a resume
/// must repeat. Written files first, progress last, so a run killed mid-write leaves the previous checkpoint
/// readable only if progress still matches its step.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>Sub-folder of the output.</summary>
    public const string Folder = "checkpoint";

    // Inference only: a resumed run may change it.
    private const string EnsembleDecaySetting = "ensembleDecay";

    // Config, ValidationFraction and Running are null in checkpoints written before they were kept.
    private sealed record Progress(long Step, int Seed, string DatasetHash, double TrainingTimeS, IReadOnlyList<LossPoint> History,
        PolicyConfig? Config = null, double? ValidationFraction = null, RunningLoss? Running = null);

    /// <summary>Saves the state after <paramref name="step"/> steps.</summary>
    /// <param name="output">The training output folder.</param>
    /// <param name="network">The network whose weights are saved.</param>
    /// <param name="optimizer">The optimiser whose state is saved.</param>
    /// <param name="step">Steps taken.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="datasetHash">The dataset's hash (<see cref="DemonstrationSet.Hash"/>).</param>
    /// <param name="trainingTimeS">Training wall time so far, s.</param>
    /// <param name="history">The loss history so far.</param>
    /// <param name="config">The config the run trains with.</param>
    /// <param name="validationFraction">The fraction of episodes held out.</param>
    /// <param name="running">Losses summed since the last history point.</param>
    public static void Save(string output, IPolicyNetwork network, AdamW optimizer, long step, int seed, string datasetHash, double trainingTimeS, IReadOnlyList<LossPoint> history,
        PolicyConfig config, double validationFraction, RunningLoss running)
    {
        string dir = Path.Combine(output, Folder);
        Directory.CreateDirectory(dir);
        var stepTag = new Dictionary<string, string>(StringComparer.Ordinal) { ["step"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        SafeTensorsFile.Write(Path.Combine(dir, "model.safetensors"), PolicyNetworks.ExportWeights(network.Module), stepTag);
        SafeTensorsFile.Write(Path.Combine(dir, "optimizer.safetensors"), optimizer.ExportState(), stepTag);
        string temp = Path.Combine(dir, "progress.json.partial");
        File.WriteAllText(temp, JsonSerializer.Serialize(new Progress(step, seed, datasetHash, trainingTimeS, history, config, validationFraction, running), PolicyBundle.Json));
        File.Move(temp, Path.Combine(dir, "progress.json"), overwrite: true);
    }

    /// <summary>Restores weights and optimiser state; returns the step, elapsed time, history and the losses summed since its last point.</summary>
    /// <param name="output">The training output folder.</param>
    /// <param name="network">The network to load the weights into.</param>
    /// <param name="optimizer">The optimiser to load the state into.</param>
    /// <param name="seed">This run's seed; must be the checkpoint's.</param>
    /// <param name="datasetHash">This run's dataset hash; must be the checkpoint's.</param>
    /// <param name="config">This run's config; must be the checkpoint's (the ensemble decay aside, which only inference uses).</param>
    /// <param name="validationFraction">This run's held-out fraction; must be the checkpoint's.</param>
    /// <exception cref="PolicyLoadException">No checkpoint, a corrupt file, or one of another network, seed, dataset or setting (named).</exception>
    public static (long Step, double TrainingTimeS, List<LossPoint> History, RunningLoss Running) Load(string output, IPolicyNetwork network, AdamW optimizer, int seed, string datasetHash,
        PolicyConfig config, double validationFraction)
    {
        string dir = Path.Combine(output, Folder);
        string progressPath = Path.Combine(dir, "progress.json");
        if (!File.Exists(progressPath))
        {
            throw new PolicyLoadException($"{dir}: no checkpoint to resume from (progress.json missing)");
        }
        Progress progress;
        try
        {
            progress = JsonSerializer.Deserialize<Progress>(File.ReadAllBytes(progressPath), PolicyBundle.Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new PolicyLoadException($"{progressPath}: corrupt ({e.Message})");
        }
        if (progress.Seed != seed)
        {
            throw new PolicyLoadException($"{progressPath}: the checkpoint was trained with seed {progress.Seed}, not {seed}");
        }
        if (progress.DatasetHash != datasetHash)
        {
            throw new PolicyLoadException($"{progressPath}: the checkpoint was trained on another dataset ({progress.DatasetHash[..12]}…, this one is {datasetHash[..12]}…)");
        }
        if (SettingChanged(progress, config, validationFraction) is { } changed)
        {
            throw new PolicyLoadException($"{progressPath}: the checkpoint was trained with {changed.Name} {changed.Trained}, this run has {changed.Now}; " +
                "resume with the settings it was trained with, or train afresh into another output folder");
        }
        try
        {
            var model = SafeTensorsFile.Read(Path.Combine(dir, "model.safetensors"));
            var state = SafeTensorsFile.Read(Path.Combine(dir, "optimizer.safetensors"));
            foreach (var (file, metadata) in new[] { ("model", model.Metadata), ("optimizer", state.Metadata) })
            {
                if (!metadata.TryGetValue("step", out string? s) || s != progress.Step.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    throw new PolicyLoadException($"{dir}: {file}.safetensors is not from step {progress.Step} (an interrupted checkpoint)");
                }
            }
            PolicyNetworks.ImportWeights(network.Module, model.Tensors, Path.Combine(dir, "model.safetensors"));
            optimizer.ImportState(state.Tensors, Path.Combine(dir, "optimizer.safetensors"));
        }
        catch (Exception e) when (e is SafeTensorsFormatException or FileNotFoundException)
        {
            throw new PolicyLoadException(e.Message);
        }
        return (progress.Step, progress.TrainingTimeS, [.. progress.History], progress.Running ?? default);
    }

    /// <summary>The first training setting (JSON name, as trained, as now) that differs from the checkpoint's; null when none does.</summary>
    private static (string Name, string Trained, string Now)? SettingChanged(Progress progress, PolicyConfig config, double validationFraction)
    {
        if (progress.Config is { } trainedConfig)
        {
            JsonElement trained = JsonSerializer.SerializeToElement(trainedConfig, PolicyBundle.Json);
            JsonElement now = JsonSerializer.SerializeToElement(config, PolicyBundle.Json);
            foreach (JsonProperty setting in trained.EnumerateObject())
            {
                string nowText = now.TryGetProperty(setting.Name, out JsonElement value) ? value.GetRawText() : "none";
                if (setting.Name != EnsembleDecaySetting && setting.Value.GetRawText() != nowText)
                {
                    return (setting.Name, setting.Value.GetRawText(), nowText);
                }
            }
        }
        if (progress.ValidationFraction is { } fraction && fraction != validationFraction)
        {
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            return ("validationFraction", fraction.ToString(invariant), validationFraction.ToString(invariant));
        }
        return null;
    }
}
