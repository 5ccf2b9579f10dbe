using System.Diagnostics;
using Robot.Policies.Inference;
using Robot.Policies.Models;
using TorchSharp;

namespace Robot.Runtime.Benchmarks;

/// <summary>Inference latency of one policy: microseconds per 50 Hz step (normalise, forward, ensemble, denormalise).</summary>
public sealed record PolicyLatency(string Policy, string Source, long Parameters, int ChunkLength, int Steps, double InferenceUsP50, double InferenceUsP99, double InferenceUsMax, double InferenceUsMean);

/// <summary>What <c>robot bench policy</c> reports: ACT and the MLP baseline measured in the same run, on one CPU thread.</summary>
public sealed record PolicyBenchResult(int Threads, IReadOnlyList<PolicyLatency> Policies, double TargetP99Us, bool ActMeetsTarget);

/// <summary>
/// Times <see cref="ChunkedPolicy.Act"/> per step, as the runner calls it, on one torch thread. Latency does not
/// depend on the weights' values, so a policy folder is optional: without one a freshly initialised network of the
/// default configuration is timed. Observations are seeded random draws around the normalisation means.
/// </summary>
public static class PolicyBenchmark
{
    /// <summary>The target for ACT's per-step p99, µs.</summary>
    public const double TargetP99Us = 2000;

    public static PolicyBenchResult Run(string? actFolder, string? mlpFolder, int steps, Action<string>? progress = null)
    {
        torch.set_num_threads(1);
        var results = new List<PolicyLatency>
        {
            Measure(PolicyKind.Act, actFolder, steps, progress),
            Measure(PolicyKind.Mlp, mlpFolder, steps, progress),
        };
        return new PolicyBenchResult(torch.get_num_threads(), results, TargetP99Us, results[0].InferenceUsP99 <= TargetP99Us);
    }

    private static PolicyLatency Measure(PolicyKind kind, string? folder, int steps, Action<string>? progress)
    {
        ChunkedPolicy policy;
        string source;
        if (folder is not null)
        {
            policy = ChunkedPolicy.Load(folder);
            source = folder;
        }
        else
        {
            torch.random.manual_seed(0);
            PolicyConfig config = PolicyConfig.ForKind(kind);
            var identity = new PolicyNormalization
            {
                ObservationMean = new double[config.ObservationWidth],
                ObservationStd = [.. Enumerable.Repeat(1.0, config.ObservationWidth)],
                ActionMean = new double[config.ActionWidth],
                ActionStd = [.. Enumerable.Repeat(1.0, config.ActionWidth)],
            };
            policy = new ChunkedPolicy(PolicyNetworks.Create(config), new PolicyManifest { Config = config, Normalization = identity });
            source = "fresh network, default configuration";
        }
        using (policy)
        {
            PolicyConfig c = policy.Config;
            long parameters = 0;
            var random = new Random(1);
            var state = new double[c.StateWidth];
            var environment = new double[c.EnvironmentWidth];
            var action = new double[c.ActionWidth];
            var samples = new double[steps];
            policy.Reset();
            for (int i = -Math.Min(200, steps); i < steps; i++)
            {
                for (int j = 0; j < state.Length; j++)
                {
                    state[j] = policy.Manifest.Normalization.ObservationMean[j] + 0.5 * policy.Manifest.Normalization.ObservationStd[j] * (random.NextDouble() - 0.5);
                }
                for (int j = 0; j < environment.Length; j++)
                {
                    int o = c.StateWidth + j;
                    environment[j] = policy.Manifest.Normalization.ObservationMean[o] + 0.5 * policy.Manifest.Normalization.ObservationStd[o] * (random.NextDouble() - 0.5);
                }
                long t0 = Stopwatch.GetTimestamp();
                policy.Act(state, environment, action);
                long t1 = Stopwatch.GetTimestamp();
                if (i >= 0)
                {
                    samples[i] = (t1 - t0) * 1e6 / Stopwatch.Frequency;
                }
            }
            parameters = policy.ParameterCount;
            Array.Sort(samples);
            double Percentile(double p) => samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(p * samples.Length) - 1)];
            var result = new PolicyLatency(kind.ToString().ToLowerInvariant(), source, parameters, c.ChunkLength, steps, Percentile(0.5), Percentile(0.99), samples[^1], samples.Average());
            progress?.Invoke($"{result.Policy}: p50 {result.InferenceUsP50:F0} µs, p99 {result.InferenceUsP99:F0} µs over {steps} steps");
            return result;
        }
    }
}
