using Robot.Policies.Datasets;

namespace Robot.Policies.Models;

/// <summary>
/// Mean/std normalisation of observations and actions, from a dataset's meta/stats.json: the network sees
/// (x − mean) / std and emits normalised actions, turned back with <see cref="DenormalizeAction"/>.
/// Observation order: observation.state then observation.environment_state.
/// </summary>
public sealed record PolicyNormalization
{
    /// <summary>Smallest std used, so a feature that never varied in the demonstrations (the tote's height) is not blown up by simulation noise.</summary>
    public const double MinStd = 1e-3;

    /// <summary>Observation means, length state + environment width.</summary>
    public required double[] ObservationMean { get; init; }

    /// <summary>Observation standard deviations (≥ <see cref="MinStd"/>).</summary>
    public required double[] ObservationStd { get; init; }

    /// <summary>Action means, length action width.</summary>
    public required double[] ActionMean { get; init; }

    /// <summary>Action standard deviations (≥ <see cref="MinStd"/>).</summary>
    public required double[] ActionStd { get; init; }

    /// <summary>From stats.json's observation.state, observation.environment_state and action entries.</summary>
    /// <exception cref="DatasetFormatException">A feature is missing from the statistics.</exception>
    public static PolicyNormalization FromStats(IReadOnlyDictionary<string, FeatureStats> stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        FeatureStats Require(string key) => stats.TryGetValue(key, out FeatureStats? s)
            ? s
            : throw new DatasetFormatException($"{LeRobotFormat.StatsPath}: no statistics for '{key}'");
        FeatureStats state = Require(LeRobotFormat.ObservationState), environment = Require(LeRobotFormat.EnvironmentState), action = Require(LeRobotFormat.Action);
        static double[] Floor(IEnumerable<double> std) => [.. std.Select(s => double.IsFinite(s) ? Math.Max(s, MinStd) : 1.0)];
        return new PolicyNormalization
        {
            ObservationMean = [.. state.Mean, .. environment.Mean],
            ObservationStd = Floor([.. state.Std, .. environment.Std]),
            ActionMean = [.. action.Mean],
            ActionStd = Floor(action.Std),
        };
    }

    /// <summary>Normalises one observation in place of <paramref name="into"/> (length observation width).</summary>
    public void NormalizeObservation(ReadOnlySpan<float> state, ReadOnlySpan<float> environment, Span<float> into)
    {
        for (int i = 0; i < state.Length; i++)
        {
            into[i] = (float)((state[i] - ObservationMean[i]) / ObservationStd[i]);
        }
        for (int i = 0; i < environment.Length; i++)
        {
            int j = state.Length + i;
            into[j] = (float)((environment[i] - ObservationMean[j]) / ObservationStd[j]);
        }
    }

    /// <summary>Normalises an action (entry <paramref name="index"/> of the action vector).</summary>
    public float NormalizeAction(float value, int index) => (float)((value - ActionMean[index]) / ActionStd[index]);

    /// <summary>Turns a normalised action entry back into joint units.</summary>
    public double DenormalizeAction(float value, int index) => value * ActionStd[index] + ActionMean[index];
}
