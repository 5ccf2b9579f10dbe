using System.Globalization;
using System.Text;
using System.Text.Json;
using Robot.Policies.Models;

namespace Robot.Policies.Training;

/// <summary>
/// The model card beside the weights: model_card.json (machine-readable) and model_card.md (for people):
/// what the policy is, the dataset it learned from (path and SHA-256), hyper-parameters, training figures and,
/// once evaluated, the evaluation's figures.
/// </summary>
public static class ModelCard
{
    public const string JsonFile = "model_card.json";
    public const string MarkdownFile = "model_card.md";

    /// <summary>The card's content.</summary>
    public sealed record Card(string Policy, string Task, string Dataset, string DatasetHash, PolicyConfig Config, long Parameters, long Steps, int Seed,
        int TrainEpisodes, int ValidationEpisodes, int TrainFrames, double TrainingTimeS, double FinalTrainLoss, double FinalValidationL1, double BestValidationL1,
        string Library, JsonElement? Evaluation = null);

    /// <summary>Writes both files for a finished (or stopped) run.</summary>
    public static void Write(string directory, PolicyManifest manifest, TrainingReport report, string dataset)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(report);
        var card = new Card(manifest.Config.Kind.ToString().ToLowerInvariant(), "pick-task (right arm: box from shelf to tote)", dataset, report.DatasetHash,
            manifest.Config, report.Parameters, report.Steps, report.Seed, report.TrainEpisodes, report.ValidationEpisodes, report.TrainFrames,
            report.TrainingTimeS, report.FinalTrainLoss, report.FinalValidationL1, report.BestValidationL1, $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} (CPU)");
        Write(directory, card);
    }

    /// <summary>Adds (or replaces) the evaluation section of the card in <paramref name="directory"/>.</summary>
    /// <exception cref="PolicyLoadException">No card there.</exception>
    public static void AddEvaluation(string directory, JsonElement evaluation)
    {
        string path = Path.Combine(directory, JsonFile);
        Card card = File.Exists(path)
            ? JsonSerializer.Deserialize<Card>(File.ReadAllBytes(path), PolicyBundle.Json) ?? throw new PolicyLoadException($"{path}: empty")
            : throw new PolicyLoadException($"{directory}: no {JsonFile}");
        Write(directory, card with { Evaluation = evaluation.Clone() });
    }

    private static void Write(string directory, Card card)
    {
        File.WriteAllText(Path.Combine(directory, JsonFile), JsonSerializer.Serialize(card, PolicyBundle.Json));
        var md = new StringBuilder();
        CultureInfo inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# Model card: {card.Policy} pick policy");
        md.AppendLine();
        md.AppendLine(inv, $"- **Policy**: {card.Policy} ({card.Parameters:N0} parameters), {card.Library}");
        md.AppendLine(inv, $"- **Task**: {card.Task}; observations: observation.state (8) + observation.environment_state (14); actions: 8 joint/gripper targets at 50 Hz");
        md.AppendLine(inv, $"- **Dataset**: `{card.Dataset}`, SHA-256 `{card.DatasetHash}`; {card.TrainEpisodes} training episodes ({card.TrainFrames} frames), {card.ValidationEpisodes} held out for validation");
        md.AppendLine(inv, $"- **Training**: {card.Steps} AdamW steps, seed {card.Seed}, {card.TrainingTimeS:F0} s");
        md.AppendLine(inv, $"- **Losses** (normalised units): final training loss {card.FinalTrainLoss:F4}, final validation L1 {card.FinalValidationL1:F4}, best {card.BestValidationL1:F4}");
        md.AppendLine();
        md.AppendLine("## Hyper-parameters");
        md.AppendLine();
        md.AppendLine("```json");
        md.AppendLine(JsonSerializer.Serialize(card.Config, PolicyBundle.Json));
        md.AppendLine("```");
        if (card.Evaluation is JsonElement e)
        {
            md.AppendLine();
            md.AppendLine("## Evaluation (simulation, held-out seeds)");
            md.AppendLine();
            md.AppendLine("```json");
            md.AppendLine(JsonSerializer.Serialize(e, PolicyBundle.Json));
            md.AppendLine("```");
        }
        md.AppendLine();
        md.AppendLine("## Limits");
        md.AppendLine();
        md.AppendLine("Trained and evaluated in MuJoCo only (pelvis welded at standing height, ground-truth box and tote poses as input). Not validated on hardware.");
        File.WriteAllText(Path.Combine(directory, MarkdownFile), md.ToString());
    }
}
