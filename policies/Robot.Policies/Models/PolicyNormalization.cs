using Robot.Policies.Datasets;

namespace Robot.Policies.Models;

/// <summary>
/// Mean/std normalisation of observations and actions, from a dataset's meta/stats.json: the network sees
/// (x − mean) / std and emits normalised actions, turned back with <see cref="DenormalizeAction"/>.
/// Observation order: observation.state then observation.environment_state.
/// </summary>
public sealed record PolicyNormalization
{
    /// <summary>
    /// Smallest std used. An observation feature whose demonstrations varied less than this (the tote's
    /// height and tilt at the pick station) is constant to the policy: it is normalised to 0 whatever its
    /// value (see <see cref="NormalizeObservation"/>).
    /// </summary>
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
    /// <exception cref="DatasetFormatException">A feature is missing from the statistics, or its mean or std holds a NaN or infinite value.</exception>
    public static PolicyNormalization FromStats(IReadOnlyDictionary<string, FeatureStats> stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        FeatureStats Require(string key) => stats.TryGetValue(key, out FeatureStats? s)
            ? s
            : throw new DatasetFormatException($"{LeRobotFormat.StatsPath}: no statistics for '{key}'");
        FeatureStats state = Require(LeRobotFormat.ObservationState), environment = Require(LeRobotFormat.EnvironmentState), action = Require(LeRobotFormat.Action);
        // A NaN mean normalises its column to NaN for every frame, and the trained weights become NaN.
        foreach (var (key, s) in new[] { (LeRobotFormat.ObservationState, state), (LeRobotFormat.EnvironmentState, environment), (LeRobotFormat.Action, action) })
        {
            foreach (var (part, values) in new[] { ("mean", s.Mean), ("std", s.Std) })
            {
                int bad = Array.FindIndex(values, v => !double.IsFinite(v));
                if (bad >= 0)
                {
                    throw new DatasetFormatException($"{LeRobotFormat.StatsPath}: '{key}' {part}[{bad}] is {values[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)}; " +
                        "normalisation needs finite statistics (a NaN or infinite value in the frames? robot dataset validate names it)");
                }
            }
        }
        static double[] Floor(IEnumerable<double> std) => [.. std.Select(s => Math.Max(s, MinStd))];
        return new PolicyNormalization
        {
            ObservationMean = [.. state.Mean, .. environment.Mean],
            ObservationStd = Floor([.. state.Std, .. environment.Std]),
            ActionMean = [.. action.Mean],
            ActionStd = Floor(action.Std),
        };
    }

    /// <summary>
    /// Normalises one observation in place of <paramref name="into"/> (length observation width). A feature
    /// the demonstrations held constant (std at the <see cref="MinStd"/> floor) is normalised to 0: the
    /// network never saw it vary, so any deviation is an input it never learned. Why it matters: a robot
    /// that reports the tote 1.2 mm higher than the station's settled tote (1.2 floored stds) made the
    /// shipped ACT policy reach 2 cm off and close its jaw on the box's top edge.
    /// </summary>
    public void NormalizeObservation(ReadOnlySpan<float> state, ReadOnlySpan<float> environment, Span<float> into)
    {
        for (int i = 0; i < state.Length; i++)
        {
            into[i] = Normalize(state[i], i);
        }
        for (int i = 0; i < environment.Length; i++)
        {
            into[state.Length + i] = Normalize(environment[i], state.Length + i);
        }
    }

    private float Normalize(float value, int index) =>
        ObservationStd[index] <= MinStd ? 0f : (float)((value - ObservationMean[index]) / ObservationStd[index]);

    /// <summary>Normalises an action (entry <paramref name="index"/> of the action vector).</summary>
    public float NormalizeAction(float value, int index) => (float)((value - ActionMean[index]) / ActionStd[index]);

    /// <summary>Turns a normalised action entry back into joint units.</summary>
    public double DenormalizeAction(float value, int index) => value * ActionStd[index] + ActionMean[index];
}
