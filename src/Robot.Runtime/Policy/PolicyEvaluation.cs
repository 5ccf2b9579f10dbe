using System.Diagnostics;
using Robot.Policies.Inference;
using Robot.Sim.PickTask;

namespace Robot.Runtime.Policy;

/// <summary>One evaluated episode.</summary>
/// <param name="Seed">The PickTaskEnvironment seed.</param>
/// <param name="Outcome">The environment's outcome label, or "policy_fault" when the policy emitted a non-finite action.</param>
/// <param name="Steps">50 Hz steps taken.</param>
public sealed record EvaluatedEpisode(int Seed, string Outcome, int Steps);

/// <summary>What <c>robot policy eval</c> reports.</summary>
public sealed record EvaluationReport(string Policy, string Kind, int Episodes, int FirstSeed, int Successes, double SuccessRate, double SuccessRateLow95,
    double SuccessRateHigh95, IReadOnlyDictionary<string, int> Outcomes, double MeanSuccessSteps, double InferenceUsMean, double WallTimeS,
    IReadOnlyList<EvaluatedEpisode> EpisodeResults);

/// <summary>
/// Rolls a policy out in <see cref="PickTaskEnvironment"/> on seeds <c>firstSeed … firstSeed + episodes − 1</c>
/// (choose them disjoint from the training demonstrations' seeds) and counts outcomes. Deterministic for a
/// policy and seeds: the environment and the network's inference are.
/// </summary>
public static class PolicyEvaluation
{
    /// <summary>Outcome label when the policy emitted NaN or ±∞ (the episode stops; nothing is commanded).</summary>
    public const string PolicyFault = "policy_fault";

    /// <summary>Runs the rollouts; <paramref name="progress"/> gets one line per episode. <paramref name="kind"/> labels the report ("act", "mlp").</summary>
    public static EvaluationReport Run(IStepPolicy policy, string policyName, string kind, int episodes, int firstSeed, Action<string>? progress = null,
        PickTaskOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        using var environment = new PickTaskEnvironment(options);
        var state = new double[PickTaskEnvironment.StateWidth];
        var env = new double[PickTaskEnvironment.EnvironmentWidth];
        var action = new double[PickTaskEnvironment.StateWidth];
        var results = new List<EvaluatedEpisode>(episodes);
        var wall = Stopwatch.StartNew();
        long inferenceTicks = 0, inferences = 0;
        for (int i = 0; i < episodes; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int seed = unchecked(firstSeed + i);
            environment.Reset(seed);
            policy.Reset();
            string outcome = PolicyFault;
            while (true)
            {
                environment.Observe(state, env);
                long t0 = Stopwatch.GetTimestamp();
                policy.Act(state, env, action);
                inferenceTicks += Stopwatch.GetTimestamp() - t0;
                inferences++;
                if (!AllFinite(action))
                {
                    break;
                }
                environment.Step(action);
                if (environment.Done)
                {
                    outcome = environment.Outcome.Label();
                    break;
                }
            }
            results.Add(new EvaluatedEpisode(seed, outcome, environment.StepCount));
            int ok = results.Count(r => r.Outcome == "success");
            progress?.Invoke($"episode {i + 1}/{episodes} (seed {seed}): {outcome} after {environment.StepCount} steps; {ok}/{results.Count} succeeded");
        }
        int successes = results.Count(r => r.Outcome == "success");
        var (low, high) = WilsonInterval.Of(successes, episodes);
        var outcomes = results.GroupBy(r => r.Outcome).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        double meanSteps = successes == 0 ? double.NaN : results.Where(r => r.Outcome == "success").Average(r => r.Steps);
        double inferenceUs = inferences == 0 ? 0 : inferenceTicks * 1e6 / Stopwatch.Frequency / inferences;
        return new EvaluationReport(policyName, kind, episodes, firstSeed, successes, (double)successes / episodes,
            low, high, outcomes, meanSteps, inferenceUs, wall.Elapsed.TotalSeconds, results);
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }
        return true;
    }
}
