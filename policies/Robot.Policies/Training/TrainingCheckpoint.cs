using System.Text.Json;
using Robot.Policies.Models;

namespace Robot.Policies.Training;

/// <summary>
/// A resumable training state in <c>OUT/checkpoint/</c>: weights (model.safetensors), the optimiser's moments and
/// step count (optimizer.safetensors) and the loss history (progress.json). Written files first, progress last, so
/// a run killed mid-write leaves the previous checkpoint readable only if progress still matches its step.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>Sub-folder of the output.</summary>
    public const string Folder = "checkpoint";

    private sealed record Progress(long Step, int Seed, string DatasetHash, double TrainingTimeS, IReadOnlyList<LossPoint> History);

    /// <summary>Saves the state after <paramref name="step"/> steps.</summary>
    public static void Save(string output, IPolicyNetwork network, AdamW optimizer, long step, int seed, string datasetHash, double trainingTimeS, IReadOnlyList<LossPoint> history)
    {
        string dir = Path.Combine(output, Folder);
        Directory.CreateDirectory(dir);
        var stepTag = new Dictionary<string, string>(StringComparer.Ordinal) { ["step"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        SafeTensorsFile.Write(Path.Combine(dir, "model.safetensors"), PolicyNetworks.ExportWeights(network.Module), stepTag);
        SafeTensorsFile.Write(Path.Combine(dir, "optimizer.safetensors"), optimizer.ExportState(), stepTag);
        string temp = Path.Combine(dir, "progress.json.partial");
        File.WriteAllText(temp, JsonSerializer.Serialize(new Progress(step, seed, datasetHash, trainingTimeS, history), PolicyBundle.Json));
        File.Move(temp, Path.Combine(dir, "progress.json"), overwrite: true);
    }

    /// <summary>Restores weights and optimiser state; returns the step, elapsed time and history.</summary>
    /// <exception cref="PolicyLoadException">No checkpoint, a corrupt file, or one of another network, seed or dataset.</exception>
    public static (long Step, double TrainingTimeS, List<LossPoint> History) Load(string output, IPolicyNetwork network, AdamW optimizer, int seed, string datasetHash)
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
        return (progress.Step, progress.TrainingTimeS, [.. progress.History]);
    }
}
