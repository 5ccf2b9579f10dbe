using System.CommandLine;
using Robot.Policies.Datasets;

namespace Robot.Cli.Commands.Dataset;

/// <summary>
/// <c>robot dataset info|validate|stats DIR [--json]</c>: look into a LeRobot v3.0 dataset (ours or one
/// LeRobot wrote). <c>validate</c> names every problem and exits 1 when any is an error.
/// </summary>
[CliVerb]
public static class DatasetCommand
{
    public sealed record FeatureInfo(string Key, string Dtype, IReadOnlyList<int> Shape, IReadOnlyList<string>? Names);

    public sealed record EpisodeInfo(long EpisodeIndex, long Length, string Tasks, bool? Success, string? Outcome, double? RealFps, long? DroppedFrames, bool? CadenceFlagged);

    public sealed record InfoResult(string Root, string CodebaseVersion, string? RobotType, int Fps, long TotalEpisodes, long TotalFrames, long TotalTasks,
        double DurationS, IReadOnlyList<string> Tasks, IReadOnlyList<FeatureInfo> Features, IReadOnlyList<EpisodeInfo> Episodes, long FlaggedEpisodes);

    public sealed record StatsEntry(string Feature, IReadOnlyList<string>? Names, double[] Min, double[] Max, double[] Mean, double[] Std, long Count);

    public sealed record StatsResult(string Root, IReadOnlyList<StatsEntry> Features);

    public static Command Create()
    {
        var command = new Command("dataset", "LeRobot v3.0 datasets: show, validate, statistics.");
        command.Subcommands.Add(Info());
        command.Subcommands.Add(Validate());
        command.Subcommands.Add(Stats());
        return command;
    }

    private static Argument<string> DirArgument() => new("DIR") { Description = "Dataset root (the folder holding meta/ and data/)." };

    private static Command Info()
    {
        var dir = DirArgument();
        var json = CommonOptions.Json();
        var command = new Command("info", "Show a dataset: robot, fps, totals, tasks, features, episodes with success and cadence.") { dir, json };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = CliOutput.From(parseResult);
            LeRobotDataset ds;
            try
            {
                ds = await LeRobotDataset.OpenAsync(parseResult.GetValue(dir)!, ct);
            }
            catch (DatasetFormatException e)
            {
                output.Error.WriteLine($"robot dataset info: {e.Message} (run `robot dataset validate` for every problem)");
                return 1;
            }
            var info = ds.Info;
            var result = new InfoResult(ds.Root, info.CodebaseVersion, info.RobotType, info.Fps, info.TotalEpisodes, info.TotalFrames, info.TotalTasks,
                info.Fps > 0 ? (double)info.TotalFrames / info.Fps : 0, ds.Tasks.Select(t => t.Task).ToList(),
                info.Features.Select(f => new FeatureInfo(f.Key, f.Dtype, f.Shape, f.Names)).ToList(),
                ds.Episodes.Select(e => new EpisodeInfo(e.EpisodeIndex, e.Length, string.Join(" | ", e.Tasks), e.Success, e.Outcome, e.Cadence?.RealFps, e.Cadence?.DroppedFrames, e.Cadence?.Flagged)).ToList(),
                ds.Episodes.Count(e => e.Cadence?.Flagged == true));
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
                return 0;
            }
            var o = output.Out;
            o.WriteLine($"{result.Root}: LeRobot {result.CodebaseVersion}, robot {result.RobotType ?? "(none)"}, {result.Fps} fps");
            o.WriteLine($"{result.TotalEpisodes} episodes, {result.TotalFrames} frames ({result.DurationS:F1} s), {result.TotalTasks} tasks");
            foreach (var (t, i) in result.Tasks.Select((t, i) => (t, i)))
            {
                o.WriteLine($"  task {i}: {t}");
            }
            var features = new TextTable("feature", "dtype", "shape", "names");
            foreach (FeatureInfo f in result.Features)
            {
                features.AddRow(f.Key, f.Dtype, "[" + string.Join(",", f.Shape) + "]", f.Names is null ? "" : Abbreviate(f.Names));
            }
            features.WriteTo(o);
            var episodes = new TextTable("episode", "frames", "success", "outcome", "real fps", "dropped", "cadence", "task");
            foreach (EpisodeInfo e in result.Episodes)
            {
                episodes.AddRow(e.EpisodeIndex.ToString(), e.Length.ToString(), e.Success?.ToString().ToLowerInvariant() ?? "?", e.Outcome ?? "?",
                    e.RealFps?.ToString("F2") ?? "?", e.DroppedFrames?.ToString() ?? "?", e.CadenceFlagged switch { true => "FLAGGED", false => "ok", null => "?" }, e.Tasks);
            }
            episodes.WriteTo(o);
            if (result.FlaggedEpisodes > 0)
            {
                o.WriteLine($"{result.FlaggedEpisodes} episodes recorded off their nominal cadence: their timestamps are nominal, observation.real_timestamp holds the measured times");
            }
            return 0;
        });
        return command;
    }

    private static string Abbreviate(IReadOnlyList<string> names) =>
        names.Count <= 4 ? string.Join(", ", names) : $"{names[0]}, {names[1]}, …, {names[^1]} ({names.Count})";

    private static Command Validate()
    {
        var dir = DirArgument();
        var json = CommonOptions.Json();
        var command = new Command("validate", "Check every file of a dataset and name each exact problem; exit 1 when any is an error.") { dir, json };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = CliOutput.From(parseResult);
            ValidationReport report = await DatasetValidator.ValidateAsync(parseResult.GetValue(dir)!, ct);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new
                {
                    report.Root,
                    report.IsValid,
                    report.Episodes,
                    report.Frames,
                    report.Errors,
                    report.Warnings,
                    Problems = report.Problems.Select(p => new { Kind = p.Kind.ToString(), Severity = p.Severity.ToString().ToLowerInvariant(), p.File, p.Message }),
                });
            }
            else
            {
                foreach (DatasetProblem p in report.Problems)
                {
                    output.Out.WriteLine(p.ToString());
                }
                output.Out.WriteLine(report.IsValid
                    ? $"valid: {report.Episodes} episodes, {report.Frames} frames ({report.Warnings} warnings)"
                    : $"INVALID: {report.Errors} errors, {report.Warnings} warnings");
            }
            return report.IsValid ? 0 : 1;
        });
        return command;
    }

    private static Command Stats()
    {
        var dir = DirArgument();
        var json = CommonOptions.Json();
        var command = new Command("stats", "Per-feature min, max, mean, std and count from meta/stats.json.") { dir, json };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = CliOutput.From(parseResult);
            LeRobotDataset ds;
            try
            {
                ds = await LeRobotDataset.OpenAsync(parseResult.GetValue(dir)!, ct);
            }
            catch (DatasetFormatException e)
            {
                output.Error.WriteLine($"robot dataset stats: {e.Message}");
                return 1;
            }
            if (ds.Stats is null)
            {
                output.Error.WriteLine($"robot dataset stats: missing file: {LeRobotFormat.StatsPath}");
                return 1;
            }
            var result = new StatsResult(ds.Root, ds.Stats.Select(kv => new StatsEntry(kv.Key, ds.Info.Feature(kv.Key)?.Names, kv.Value.Min, kv.Value.Max, kv.Value.Mean, kv.Value.Std, kv.Value.Count)).ToList());
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
                return 0;
            }
            var table = new TextTable("feature", "entry", "min", "max", "mean", "std", "count");
            foreach (StatsEntry s in result.Features)
            {
                for (int d = 0; d < s.Mean.Length; d++)
                {
                    string entry = s.Names is not null && d < s.Names.Count ? s.Names[d] : d.ToString();
                    table.AddRow(d == 0 ? s.Feature : "", entry, s.Min[d].ToString("G6"), s.Max[d].ToString("G6"), s.Mean[d].ToString("G6"), s.Std[d].ToString("G6"), d == 0 ? s.Count.ToString() : "");
                }
            }
            table.WriteTo(output.Out);
            return 0;
        });
        return command;
    }
}
