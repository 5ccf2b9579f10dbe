using System.CommandLine;
using Robot.Policies.Recording;

namespace Robot.Cli.Commands.Dataset;

/// <summary>
/// <c>robot bench record [--episodes N] [--frames F] [--json]</c>: what recording costs the teleoperation
/// loop (AddFrame per frame, µs) and what saving an episode costs (ms, every file fsynced), beside
/// baselines measured in the same run (a bare copy of the frame; writing and fsyncing the same bytes).
/// </summary>
[CliVerb(Parent = "bench")]
public static class BenchRecordCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var episodes = new Option<int>("--episodes") { Description = "Episodes recorded and saved.", DefaultValueFactory = _ => 20 };
        var frames = new Option<int>("--frames") { Description = "Frames per episode (500 = 10 s at 50 fps).", DefaultValueFactory = _ => 500 };
        var state = new Option<int>("--state") { Description = "observation.state width.", DefaultValueFactory = _ => 16 };
        var env = new Option<int>("--env") { Description = "observation.environment_state width.", DefaultValueFactory = _ => 14 };
        var dir = new Option<string?>("--dir") { Description = "Keep the dataset in this folder (default: a temporary folder, deleted). Frames are added back-to-back, not paced, so its episodes are honestly flagged as off-cadence." };
        var command = new Command("record", "Recording cost: AddFrame µs (p50/p99/max) and episode save ms against targets ≤ 1 ms and ≤ 100 ms.")
        {
            episodes, frames, state, env, dir, json,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = CliOutput.From(parseResult);
            int e = parseResult.GetValue(episodes), f = parseResult.GetValue(frames), s = parseResult.GetValue(state), m = parseResult.GetValue(env);
            if (e < 1 || f < 2 || s < 1 || m < 0)
            {
                output.Error.WriteLine("robot bench record: --episodes >= 1, --frames >= 2, --state >= 1, --env >= 0");
                return 2;
            }
            RecordBenchResult result = await RecordBenchmark.RunAsync(e, f, s, m, parseResult.GetValue(dir), output.Progress, ct);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
                return 0;
            }
            var o = output.Out;
            o.WriteLine($"{result.Episodes} episodes × {result.FramesPerEpisode} frames, state {result.StateWidth}, env {result.EnvironmentWidth}, action {result.ActionWidth}");
            var table = new TextTable("measure", "p50", "p99", "max", "target");
            table.AddRow("addFrame µs", result.AddFrameUs.P50.ToString("F2"), result.AddFrameUs.P99.ToString("F2"), result.AddFrameUs.Max.ToString("F1"), $"p99 <= {RecordBenchResult.TargetAddFrameUs:F0}");
            table.AddRow("  baseline: copy µs", result.BaselineCopyUs.P50.ToString("F2"), result.BaselineCopyUs.P99.ToString("F2"), result.BaselineCopyUs.Max.ToString("F1"), "");
            table.AddRow("saveEpisode ms", result.SaveEpisodeMs.P50.ToString("F2"), result.SaveEpisodeMs.P99.ToString("F2"), result.SaveEpisodeMs.Max.ToString("F1"), $"p99 <= {RecordBenchResult.TargetSaveEpisodeMs:F0}");
            table.AddRow("  baseline: write+fsync ms", result.BaselineWriteFsyncMs.P50.ToString("F2"), result.BaselineWriteFsyncMs.P99.ToString("F2"), result.BaselineWriteFsyncMs.Max.ToString("F1"), "");
            table.WriteTo(o);
            o.WriteLine($"allocated per frame: {result.AllocatedBytesPerFrame:F1} B; data file per episode: {result.DataFileBytes} B");
            o.WriteLine($"machine: {result.Processors} processors, load average {result.LoadAverage ?? "?"} (fsync and scheduling times grow with load)");
            o.WriteLine($"addFrame: {(result.MeetsAddFrameTarget ? "met" : "NOT met")}; saveEpisode: {(result.MeetsSaveTarget ? "met" : "NOT met")}; dataset valid: {result.DatasetValid}");
            return 0;
        });
        return command;
    }
}
