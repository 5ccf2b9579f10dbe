using System.CommandLine;
using Robot.Policies.Models;
using Robot.Runtime.Benchmarks;

namespace Robot.Cli.Commands.Policy;

/// <summary>
/// <c>robot bench policy [--act DIR] [--mlp DIR] [--steps N] [--json]</c>: per-step inference latency
/// (<c>inferenceUs</c> p50/p99) of ACT and of the MLP baseline on one CPU thread, in the same run.
/// </summary>
[CliVerb(Parent = "bench")]
public static class BenchPolicyCommand
{
    public static Command Create()
    {
        var act = new Option<string?>("--act") { Description = "Trained ACT policy folder (default: a fresh network of the default configuration; latency does not depend on weight values)." };
        var mlp = new Option<string?>("--mlp") { Description = "Trained MLP policy folder (default: a fresh network)." };
        var steps = new Option<int>("--steps") { Description = "Timed steps per policy.", DefaultValueFactory = _ => 2000 };
        var json = CommonOptions.Json();
        var command = new Command("policy", "Inference latency per 50 Hz step of ACT and the MLP baseline on one CPU thread (p50/p99 µs, same run).")
        {
            act, mlp, steps, json,
        };
        command.SetAction(parseResult =>
        {
            var o = CliOutput.From(parseResult);
            int n = parseResult.GetValue(steps);
            if (n < 100)
            {
                o.Error.WriteLine($"robot bench policy: --steps {n}: must be >= 100");
                return 2;
            }
            PolicyBenchResult result;
            try
            {
                result = PolicyBenchmark.Run(parseResult.GetValue(act), parseResult.GetValue(mlp), n, o.Progress);
            }
            catch (PolicyLoadException e)
            {
                o.Error.WriteLine($"robot bench policy: {e.Message}");
                return 2;
            }
            if (parseResult.GetValue(json))
            {
                o.WriteJson(result);
            }
            else
            {
                var table = new TextTable("policy", "parameters", "chunk", "p50 µs", "p99 µs", "max µs", "source");
                foreach (PolicyLatency p in result.Policies)
                {
                    table.AddRow(p.Policy, p.Parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), p.ChunkLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        p.InferenceUsP50.ToString("F0", System.Globalization.CultureInfo.InvariantCulture), p.InferenceUsP99.ToString("F0", System.Globalization.CultureInfo.InvariantCulture),
                        p.InferenceUsMax.ToString("F0", System.Globalization.CultureInfo.InvariantCulture), p.Source);
                }
                table.WriteTo(o.Out);
                o.Out.WriteLine($"ACT p99 target <= {result.TargetP99Us:F0} µs on {result.Threads} thread: {(result.ActMeetsTarget ? "met" : "NOT met")}");
            }
            return 0;
        });
        return command;
    }
}
