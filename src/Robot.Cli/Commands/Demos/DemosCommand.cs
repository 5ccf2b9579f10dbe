using System.CommandLine;
using Robot.Policies.Datasets;
using Robot.Policies.Recording;
using Robot.Runtime.Demonstrations;
using Robot.Sim.PickTask;

namespace Robot.Cli.Commands.Demos;

/// <summary>
/// <c>robot demos generate --episodes N --seed S --dataset DIR [--resume] [--json]</c>: scripted pick-task
/// demonstrations (IK waypoint expert in MuJoCo) written to a LeRobot v3.0 dataset, each episode labelled
/// with success and its outcome. Exit 0 when every episode was saved (whatever their outcomes).
/// </summary>
[CliVerb]
public static class DemosCommand
{
    public sealed record GenerateResult(string Dataset, int Seed, int Episodes, long FirstEpisode, long Frames, int Succeeded, double SuccessRate,
        IReadOnlyDictionary<string, int> Outcomes, long TotalEpisodes, bool DatasetValid);

    public static Command Create()
    {
        var command = new Command("demos", "Demonstrations for the upper-body policy: scripted expert in simulation.");
        command.Subcommands.Add(Generate());
        return command;
    }

    private static Command Generate()
    {
        var episodes = new Option<int>("--episodes") { Description = "Episodes to add.", DefaultValueFactory = _ => 50 };
        var seed = new Option<int>("--seed") { Description = "Base seed: episode i of the dataset is drawn from seed S + i.", DefaultValueFactory = _ => 0 };
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder (LeRobot v3.0).", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Append to the dataset in --dataset (episode indices and seeds continue)." };
        var json = CommonOptions.Json();
        var command = new Command("generate", "Record scripted pick-task demonstrations (IK waypoint expert) into a LeRobot v3.0 dataset.")
        {
            episodes, seed, dataset, resume, json,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = CliOutput.From(parseResult);
            int n = parseResult.GetValue(episodes);
            if (n < 1)
            {
                output.Error.WriteLine($"robot demos generate: --episodes {n}: must be >= 1");
                return 2;
            }
            string dir = parseResult.GetValue(dataset)!;
            bool append = parseResult.GetValue(resume);
            if (!append && File.Exists(Path.Combine(dir, LeRobotFormat.InfoPath)))
            {
                output.Error.WriteLine($"robot demos generate: --dataset {dir} already holds a dataset; pass --resume to append to it or choose another folder");
                return 2;
            }
            LeRobotDatasetWriter writer;
            try
            {
                writer = await LeRobotDatasetWriter.OpenAsync(dir, PickTaskDataset.Spec(), append, ct);
            }
            catch (DatasetFormatException e)
            {
                output.Error.WriteLine($"robot demos generate: --dataset {dir}: {e.Message}");
                return 2;
            }
            int baseSeed = parseResult.GetValue(seed);
            long first = writer.TotalEpisodes;
            var options = new PickTaskOptions();
            using var source = new ExpertDemonstrationSource(baseSeed, options);
            var recorder = new DemonstrationRecorder(writer, new RecorderOptions { Episodes = n, EpisodeTimeS = options.EpisodeTimeS + 1, Clock = RecordingClock.Simulated });
            long lastReported = -1;
            RecordingReport report = await recorder.RunAsync(source, status: s =>
            {
                if (s.Phase == "saving" && s.EpisodeIndex != lastReported)
                {
                    lastReported = s.EpisodeIndex;
                    output.Progress($"episode {s.EpisodeIndex} (seed {source.Seed}): {source.EpisodeOutcome}, {s.Frame} frames");
                }
            }, cancellationToken: ct);
            if (report.Failure is not null)
            {
                output.Error.WriteLine($"robot demos generate: stopped: {report.Failure} ({report.Saved.Count} episodes saved and intact)");
                return 1;
            }
            var outcomes = report.Saved.GroupBy(e => e.Outcome ?? "?").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            int succeeded = report.Saved.Count(e => e.Success == true);
            ValidationReport validation = await DatasetValidator.ValidateAsync(dir, ct);
            var result = new GenerateResult(dir, baseSeed, report.Saved.Count, first, report.FramesSaved, succeeded,
                report.Saved.Count == 0 ? 0 : (double)succeeded / report.Saved.Count, outcomes, writer.TotalEpisodes, validation.IsValid);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                output.Out.WriteLine($"{result.Episodes} episodes (indices {first}–{first + result.Episodes - 1}, seeds {baseSeed + first}–{baseSeed + first + result.Episodes - 1}), {result.Frames} frames at 50 fps into {dir}");
                output.Out.WriteLine($"expert success: {succeeded}/{result.Episodes} ({100 * result.SuccessRate:F1} %); outcomes: {string.Join(", ", outcomes.Select(kv => $"{kv.Key} {kv.Value}"))}");
                output.Out.WriteLine($"dataset: {writer.TotalEpisodes} episodes in total, {(validation.IsValid ? "valid" : "INVALID (run robot dataset validate)")}");
            }
            return validation.IsValid && report.Saved.Count == n ? 0 : 1;
        });
        return command;
    }
}
