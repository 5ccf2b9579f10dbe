using System.CommandLine;
using System.Text.Json;
using Robot.Policies.Datasets;
using Robot.Policies.Inference;
using Robot.Policies.Models;
using Robot.Policies.Training;
using Robot.Runtime.Policy;

namespace Robot.Cli.Commands.Policy;

/// <summary>
/// <c>robot policy train|eval</c>: the upper-body pick policy. <c>train</c> fits ACT or the MLP baseline to a
/// LeRobot dataset (progress on stderr, validation on held-out episodes, checkpoints, --resume, loss-curve PNG,
/// model card); <c>eval</c> rolls a trained policy out in the simulated pick task on held-out seeds.
/// </summary>
[CliVerb]
public static class PolicyCommand
{
    /// <summary>Default first evaluation seed: far from the demonstrations' (robot demos generate --seed 0 uses 0, 1, …).</summary>
    public const int DefaultEvalSeed = 100_000;

    public static Command Create()
    {
        var command = new Command("policy", "Upper-body pick policy: train ACT or the MLP baseline on demonstrations, evaluate in simulation.");
        command.Subcommands.Add(Train());
        command.Subcommands.Add(Eval());
        return command;
    }

    private static Command Train()
    {
        var dataset = new Option<string>("--dataset") { Description = "LeRobot v3.0 dataset (needs observation.state, observation.environment_state, action, meta/stats.json).", Required = true };
        var policy = new Option<string>("--policy") { Description = "Network: act or mlp.", DefaultValueFactory = _ => "act" };
        var output = new Option<string>("--out") { Description = "Output folder: policy.json, model.safetensors, checkpoint/, loss_curve.png, model_card.md/json.", Required = true };
        var steps = new Option<int?>("--steps") { Description = "Optimiser steps in total (default 4000 for act, 3000 for mlp)." };
        var seed = new Option<int>("--seed") { Description = "Seed of weights, batch order, dropout and CVAE sampling.", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads (1–2 on shared machines).", DefaultValueFactory = _ => 2 };
        var batch = new Option<int>("--batch-size") { Description = "Frames per batch (default: 64 for act, 256 for mlp).", DefaultValueFactory = _ => 0 };
        var chunk = new Option<int>("--chunk") { Description = "ACT chunk length k (default 20).", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue from --out's checkpoint (same dataset and seed)." };
        var json = CommonOptions.Json();
        var command = new Command("train", "Train a pick policy (ACT or MLP) on a demonstration dataset; writes weights (safetensors), checkpoints, loss curve and model card.")
        {
            dataset, policy, output, steps, seed, threads, batch, chunk, resume, json,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var o = CliOutput.From(parseResult);
            const string verb = "robot policy train";
            string kindText = parseResult.GetValue(policy)!;
            PolicyKind? kind = kindText switch { "act" => PolicyKind.Act, "mlp" => PolicyKind.Mlp, _ => null };
            if (kind is null)
            {
                o.Error.WriteLine($"{verb}: --policy '{kindText}': expected act or mlp");
                return 2;
            }
            int? n = parseResult.GetValue(steps);
            if (n < 1)
            {
                o.Error.WriteLine($"{verb}: --steps {n}: must be >= 1");
                return 2;
            }
            int t = parseResult.GetValue(threads);
            if (t < 1 || t > 64)
            {
                o.Error.WriteLine($"{verb}: --threads {t}: must be 1–64");
                return 2;
            }
            PolicyConfig config = PolicyConfig.ForKind(kind.Value);
            int b = parseResult.GetValue(batch);
            if (b < 0 || b > 65536)
            {
                o.Error.WriteLine($"{verb}: --batch-size {b}: must be 1–65536");
                return 2;
            }
            int k = parseResult.GetValue(chunk);
            if (k < 0 || k > 400 || (k > 1 && kind == PolicyKind.Mlp))
            {
                o.Error.WriteLine($"{verb}: --chunk {k}: must be 1–400, and only for --policy act");
                return 2;
            }
            config = config with { BatchSize = b > 0 ? b : config.BatchSize, ChunkLength = k > 0 ? k : config.ChunkLength };
            string dir = parseResult.GetValue(dataset)!;
            if (!Directory.Exists(dir))
            {
                o.Error.WriteLine($"{verb}: --dataset {dir}: no such folder");
                return 2;
            }
            var options = new TrainingOptions
            {
                Dataset = dir,
                Output = parseResult.GetValue(output)!,
                Config = config,
                Steps = n ?? (kind == PolicyKind.Act ? 4000 : 3000),
                Seed = parseResult.GetValue(seed),
                Threads = t,
                Resume = parseResult.GetValue(resume),
            };
            TrainingReport report;
            try
            {
                report = await PolicyTrainer.TrainAsync(options, o.Progress, ct);
            }
            catch (DatasetFormatException e)
            {
                o.Error.WriteLine($"{verb}: --dataset {dir}: {e.Message}");
                return 2;
            }
            catch (PolicyLoadException e)
            {
                o.Error.WriteLine($"{verb}: --resume: {e.Message}");
                return 2;
            }
            catch (TrainingDivergedException e)
            {
                o.Error.WriteLine($"{verb}: {e.Message}");
                return 1;
            }
            if (parseResult.GetValue(json))
            {
                o.WriteJson(report with { History = [] });
            }
            else
            {
                o.Out.WriteLine($"{report.Kind} ({report.Parameters:N0} parameters) trained {report.Steps} steps (seed {report.Seed}) in {report.TrainingTimeS:F0} s on {report.TrainEpisodes} episodes ({report.TrainFrames} frames); {report.ValidationEpisodes} held out");
                o.Out.WriteLine($"final training loss {report.FinalTrainLoss:F4}, validation L1 {report.FinalValidationL1:F4} (best {report.BestValidationL1:F4})");
                o.Out.WriteLine($"policy in {report.Output} (policy.json, model.safetensors, {LossCurvePlot.FileName}, {ModelCard.MarkdownFile})");
            }
            return 0;
        });
        return command;
    }

    private static Command Eval()
    {
        var policy = new Option<string>("--policy") { Description = "Trained policy folder (policy.json + model.safetensors).", Required = true };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to roll out.", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = $"First seed; episode i uses seed S + i. Keep them disjoint from the training demonstrations' seeds (default {DefaultEvalSeed}).", DefaultValueFactory = _ => DefaultEvalSeed };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads.", DefaultValueFactory = _ => 1 };
        var record = new Option<bool>("--record") { Description = "Also write evaluation.json into the policy folder and add the figures to its model card." };
        var json = CommonOptions.Json();
        var command = new Command("eval", "Roll a trained policy out in the simulated pick task: success rate with a 95 % Wilson interval, failure modes.")
        {
            policy, episodes, seed, threads, record, json,
        };
        command.SetAction((parseResult, ct) =>
        {
            var o = CliOutput.From(parseResult);
            const string verb = "robot policy eval";
            int n = parseResult.GetValue(episodes);
            if (n < 1)
            {
                o.Error.WriteLine($"{verb}: --episodes {n}: must be >= 1");
                return Task.FromResult(2);
            }
            int t = parseResult.GetValue(threads);
            if (t < 1 || t > 64)
            {
                o.Error.WriteLine($"{verb}: --threads {t}: must be 1–64");
                return Task.FromResult(2);
            }
            string dir = parseResult.GetValue(policy)!;
            ChunkedPolicy loaded;
            try
            {
                TorchSharp.torch.set_num_threads(t);
                loaded = ChunkedPolicy.Load(dir);
            }
            catch (PolicyLoadException e)
            {
                o.Error.WriteLine($"{verb}: --policy {dir}: {e.Message}");
                return Task.FromResult(2);
            }
            using (loaded)
            {
                EvaluationReport report = PolicyEvaluation.Run(loaded, dir, loaded.Config.Kind.ToString().ToLowerInvariant(), n, parseResult.GetValue(seed), o.Progress, cancellationToken: ct);
                if (parseResult.GetValue(record))
                {
                    string text = JsonSerializer.Serialize(report with { EpisodeResults = report.EpisodeResults }, s_json);
                    File.WriteAllText(Path.Combine(dir, "evaluation.json"), text);
                    using JsonDocument doc = JsonDocument.Parse(JsonSerializer.Serialize(report with { EpisodeResults = [] }, s_json));
                    ModelCard.AddEvaluation(dir, doc.RootElement);
                }
                if (parseResult.GetValue(json))
                {
                    o.WriteJson(report);
                }
                else
                {
                    o.Out.WriteLine($"{report.Kind} policy {dir}: {report.Successes}/{report.Episodes} succeeded ({100 * report.SuccessRate:F1} %, 95 % CI {100 * report.SuccessRateLow95:F1}–{100 * report.SuccessRateHigh95:F1} %), seeds {report.FirstSeed}–{report.FirstSeed + n - 1}");
                    o.Out.WriteLine($"outcomes: {string.Join(", ", report.Outcomes.Select(kv => $"{kv.Key} {kv.Value}"))}; mean steps to success {report.MeanSuccessSteps:F0}; inference {report.InferenceUsMean:F0} µs/step mean");
                }
            }
            return Task.FromResult(0);
        });
        return command;
    }

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
