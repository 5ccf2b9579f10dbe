using System.Text.Json;
using System.Text.Json.Serialization;

namespace Robot.Policies.Models;

/// <summary>
/// A trained policy on disk: <c>policy.json</c> (<see cref="PolicyManifest"/>: config, normalisation, provenance)
/// and <c>model.safetensors</c> (the weights, float32). Everything inference needs, nothing training needs.
/// </summary>
public static class PolicyBundle
{
    /// <summary>Manifest file name.</summary>
    public const string ManifestFile = "policy.json";

    /// <summary>Weights file name.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>Manifest format tag; a manifest with another is refused.</summary>
    public const string Format = "robot-policy/1";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the manifest and the network's weights into <paramref name="directory"/> (created).</summary>
    public static void Save(string directory, PolicyManifest manifest, IPolicyNetwork network)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(network);
        Directory.CreateDirectory(directory);
        SafeTensorsFile.Write(Path.Combine(directory, WeightsFile), PolicyNetworks.ExportWeights(network.Module),
            new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt", ["policy"] = manifest.Config.Kind.ToString().ToLowerInvariant() });
        string temp = Path.Combine(directory, ManifestFile + ".partial");
        File.WriteAllText(temp, JsonSerializer.Serialize(manifest, Json));
        File.Move(temp, Path.Combine(directory, ManifestFile), overwrite: true);
    }

    /// <summary>Reads the manifest of the policy in <paramref name="directory"/>.</summary>
    /// <exception cref="PolicyLoadException">Missing or malformed manifest.</exception>
    public static PolicyManifest ReadManifest(string directory)
    {
        string path = Path.Combine(directory, ManifestFile);
        if (!File.Exists(path))
        {
            throw new PolicyLoadException($"{directory}: no {ManifestFile} (not a trained policy folder)");
        }
        PolicyManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PolicyManifest>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new PolicyLoadException($"{path}: not a valid policy manifest ({e.Message})");
        }
        if (manifest is null || manifest.Format != Format)
        {
            throw new PolicyLoadException($"{path}: format is '{manifest?.Format}', expected '{Format}'");
        }
        IReadOnlyList<string> errors = manifest.Config.Validate();
        if (errors.Count > 0)
        {
            throw new PolicyLoadException($"{path}: invalid config: {string.Join("; ", errors)}");
        }
        if (NormalizationProblem(manifest) is { } problem)
        {
            throw new PolicyLoadException($"{path}: {problem}");
        }
        return manifest;
    }

    /// <summary>
    /// What is wrong with the manifest's normalisation against its config, or null: an array of another width
    /// would throw IndexOutOfRange at the first action, a non-finite entry would make every action NaN.
    /// </summary>
    private static string? NormalizationProblem(PolicyManifest manifest)
    {
        PolicyConfig c = manifest.Config;
        PolicyNormalization? n = manifest.Normalization;
        if (n is null)
        {
            return "no normalization";
        }
        string observation = $"the observation width (state {c.StateWidth} + environment {c.EnvironmentWidth}) is {c.ObservationWidth}";
        string action = $"the action width is {c.ActionWidth}";
        foreach (var (name, values, width, what) in new[]
        {
            ("observationMean", n.ObservationMean, c.ObservationWidth, observation),
            ("observationStd", n.ObservationStd, c.ObservationWidth, observation),
            ("actionMean", n.ActionMean, c.ActionWidth, action),
            ("actionStd", n.ActionStd, c.ActionWidth, action),
        })
        {
            if (values is null || values.Length != width)
            {
                return $"normalization.{name} has {values?.Length ?? 0} entries, {what}";
            }
            int bad = Array.FindIndex(values, v => !double.IsFinite(v) || (name.EndsWith("Std", StringComparison.Ordinal) && v <= 0));
            if (bad >= 0)
            {
                return $"normalization.{name}[{bad}] is {values[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)}; it must be finite{(name.EndsWith("Std", StringComparison.Ordinal) ? " and positive" : "")}";
            }
        }
        return null;
    }

    /// <summary>Loads the policy in <paramref name="directory"/>: a network in eval mode with its weights, and the manifest.</summary>
    /// <exception cref="PolicyLoadException">A file is missing, truncated, or belongs to another network.</exception>
    public static (IPolicyNetwork Network, PolicyManifest Manifest) Load(string directory)
    {
        PolicyManifest manifest = ReadManifest(directory);
        string weights = Path.Combine(directory, WeightsFile);
        if (!File.Exists(weights))
        {
            throw new PolicyLoadException($"{directory}: no {WeightsFile}");
        }
        IPolicyNetwork network = PolicyNetworks.Create(manifest.Config);
        try
        {
            PolicyNetworks.ImportWeights(network.Module, SafeTensorsFile.Read(weights).Tensors, weights);
        }
        catch (SafeTensorsFormatException e)
        {
            network.Dispose();
            throw new PolicyLoadException(e.Message);
        }
        network.Module.eval();
        return (network, manifest);
    }
}

/// <summary>Thrown when a policy folder cannot be loaded; the message names the file and the problem.</summary>
public sealed class PolicyLoadException(string message) : Exception(message);

/// <summary>policy.json: what a trained policy is and where it came from.</summary>
public sealed record PolicyManifest
{
    /// <summary><see cref="PolicyBundle.Format"/>.</summary>
    public string Format { get; init; } = PolicyBundle.Format;

    public required PolicyConfig Config { get; init; }

    public required PolicyNormalization Normalization { get; init; }

    /// <summary>SHA-256 of the training dataset (<see cref="Training.DemonstrationSet.Hash"/>).</summary>
    public string? DatasetHash { get; init; }

    /// <summary>Optimiser steps the weights have seen.</summary>
    public long TrainedSteps { get; init; }

    /// <summary>Training seed.</summary>
    public int Seed { get; init; }
}
