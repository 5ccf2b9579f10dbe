using System.Security.Cryptography;
using Robot.Policies.Datasets;
using Robot.Policies.Models;

namespace Robot.Policies.Training;

/// <summary>
/// The demonstrations of a LeRobot v3.0 dataset as training samples: per frame, the normalised observation
/// (state then environment state) and the normalised chunk of the next k actions (the episode's last action
/// repeats past its end: the arm holds still there). Episodes are split once: the last
/// <see cref="ValidationEpisodes"/> are held out for the validation loss.
/// </summary>
public sealed class DemonstrationSet
{
    private DemonstrationSet(string datasetHash, PolicyNormalization normalization, int observationWidth, int actionWidth, int chunkLength,
        float[] trainObservations, float[] trainChunks, float[] validationObservations, float[] validationChunks, int trainEpisodes, int validationEpisodes,
        IReadOnlyList<long> validationEpisodeIndices, int totalEpisodes)
    {
        DatasetHash = datasetHash;
        Normalization = normalization;
        ObservationWidth = observationWidth;
        ActionWidth = actionWidth;
        ChunkLength = chunkLength;
        TrainObservations = trainObservations;
        TrainChunks = trainChunks;
        ValidationObservations = validationObservations;
        ValidationChunks = validationChunks;
        TrainEpisodes = trainEpisodes;
        ValidationEpisodes = validationEpisodes;
        ValidationEpisodeIndices = validationEpisodeIndices;
        TotalEpisodes = totalEpisodes;
    }

    /// <summary>SHA-256 (hex) over meta/ and data/ files, path and content, in path order: identifies the dataset in model cards.</summary>
    public string DatasetHash { get; }

    /// <summary>Normalisation from the dataset's stats.json.</summary>
    public PolicyNormalization Normalization { get; }

    public int ObservationWidth { get; }

    public int ActionWidth { get; }

    /// <summary>Actions per chunk sample, k.</summary>
    public int ChunkLength { get; }

    /// <summary>Training observations, row-major (frames × observation width), normalised.</summary>
    public float[] TrainObservations { get; }

    /// <summary>Training action chunks, row-major (frames × k × action width), normalised.</summary>
    public float[] TrainChunks { get; }

    public float[] ValidationObservations { get; }

    public float[] ValidationChunks { get; }

    public int TrainFrames => TrainObservations.Length / ObservationWidth;

    public int ValidationFrames => ValidationObservations.Length / ObservationWidth;

    public int TrainEpisodes { get; }

    public int ValidationEpisodes { get; }

    /// <summary>Episode indices held out for validation.</summary>
    public IReadOnlyList<long> ValidationEpisodeIndices { get; }

    public int TotalEpisodes { get; }

    /// <summary>
    /// Loads <paramref name="root"/>. <paramref name="validationFraction"/> of the episodes (at least one when there
    /// are two or more) are held out, taken from the end of the dataset.
    /// </summary>
    /// <exception cref="DatasetFormatException">The folder is not a dataset, or lacks a needed feature or its statistics; the message names it.</exception>
    public static async Task<DemonstrationSet> LoadAsync(string root, PolicyConfig config, double validationFraction = 0.1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        LeRobotDataset dataset = await LeRobotDataset.OpenAsync(root, cancellationToken).ConfigureAwait(false);
        foreach (var (key, width) in new[] { (LeRobotFormat.ObservationState, config.StateWidth), (LeRobotFormat.EnvironmentState, config.EnvironmentWidth), (LeRobotFormat.Action, config.ActionWidth) })
        {
            DatasetFeature? feature = dataset.Info.Feature(key);
            if (feature is null)
            {
                throw new DatasetFormatException($"{LeRobotFormat.InfoPath}: the dataset has no feature '{key}' (the policy needs observation.state, observation.environment_state and action)");
            }
            if (feature.Width != width)
            {
                throw new DatasetFormatException($"{LeRobotFormat.InfoPath}: feature '{key}' has width {feature.Width}, the policy expects {width}");
            }
        }
        if (dataset.Stats is null)
        {
            throw new DatasetFormatException($"missing file: {LeRobotFormat.StatsPath} (normalisation comes from the dataset's statistics)");
        }
        if (dataset.Episodes.Count == 0)
        {
            throw new DatasetFormatException($"{root}: the dataset holds no episodes");
        }
        PolicyNormalization normalization = PolicyNormalization.FromStats(dataset.Stats);
        int episodes = dataset.Episodes.Count;
        int validation = episodes < 2 ? 0 : Math.Max(1, (int)Math.Round(episodes * validationFraction));
        var train = (Obs: new List<float>(), Chunks: new List<float>());
        var held = (Obs: new List<float>(), Chunks: new List<float>());
        var heldIndices = new List<long>();
        int k = config.ChunkLength, obsWidth = config.ObservationWidth, actWidth = config.ActionWidth;
        var normalized = new float[obsWidth];
        for (int e = 0; e < episodes; e++)
        {
            long index = dataset.Episodes[e].EpisodeIndex;
            EpisodeFrames frames = await dataset.ReadEpisodeAsync(index, cancellationToken).ConfigureAwait(false);
            float[] state = frames.Vector(LeRobotFormat.ObservationState, out _);
            float[] environment = frames.Vector(LeRobotFormat.EnvironmentState, out _);
            float[] action = frames.Vector(LeRobotFormat.Action, out _);
            bool isValidation = e >= episodes - validation;
            var target = isValidation ? held : train;
            if (isValidation)
            {
                heldIndices.Add(index);
            }
            int n = frames.Length;
            for (int t = 0; t < n; t++)
            {
                normalization.NormalizeObservation(state.AsSpan(t * config.StateWidth, config.StateWidth), environment.AsSpan(t * config.EnvironmentWidth, config.EnvironmentWidth), normalized);
                target.Obs.AddRange(normalized);
                for (int j = 0; j < k; j++)
                {
                    int source = Math.Min(t + j, n - 1);
                    for (int a = 0; a < actWidth; a++)
                    {
                        target.Chunks.Add(normalization.NormalizeAction(action[source * actWidth + a], a));
                    }
                }
            }
        }
        if (train.Obs.Count == 0)
        {
            throw new DatasetFormatException($"{root}: no training frames (every episode is empty or held out)");
        }
        return new DemonstrationSet(Hash(root), normalization, obsWidth, actWidth, k, [.. train.Obs], [.. train.Chunks], [.. held.Obs], [.. held.Chunks],
            episodes - validation, validation, heldIndices, episodes);
    }

    private static readonly string[] s_hashedFolders = ["meta", "data"];

    /// <summary>SHA-256 over the dataset's meta/ and data/ files (relative path, then bytes), in ordinal path order.</summary>
    public static string Hash(string root)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        IEnumerable<string> files = s_hashedFolders
            .Select(d => Path.Combine(root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => !f.EndsWith(LeRobotFormat.TempSuffix, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal);
        foreach (string relative in files)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(relative + "\n"));
            sha.AppendData(File.ReadAllBytes(Path.Combine(root, relative)));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
