using System.Diagnostics;
using Robot.Policies.Datasets;
using Robot.Policies.Recording;

namespace Robot.Cli.Commands.Dataset;

/// <summary>Percentiles of one measure.</summary>
public sealed record Percentiles(double P50, double P99, double Max, int Samples)
{
    public static Percentiles Of(List<double> values)
    {
        values.Sort();
        double At(double q) => values[Math.Clamp((int)Math.Ceiling(q * values.Count) - 1, 0, values.Count - 1)];
        return new Percentiles(At(0.5), At(0.99), values[^1], values.Count);
    }
}

public sealed record RecordBenchResult(int Episodes, int FramesPerEpisode, int StateWidth, int EnvironmentWidth, int ActionWidth,
    Percentiles AddFrameUs, Percentiles BaselineCopyUs, Percentiles SaveEpisodeMs, Percentiles BaselineWriteFsyncMs,
    double AllocatedBytesPerFrame, long DataFileBytes, bool DatasetValid, bool MeetsAddFrameTarget, bool MeetsSaveTarget, string? LoadAverage, int Processors)
{
    public const double TargetAddFrameUs = 1000;
    public const double TargetSaveEpisodeMs = 100;
}

/// <summary>Runs the recording benchmark: a realistic dataset recorded through <see cref="DemonstrationRecorder"/>.</summary>
public static class RecordBenchmark
{
    public static async Task<RecordBenchResult> RunAsync(int episodes, int frames, int stateWidth, int envWidth, string? keepDir, Action<string> progress, CancellationToken ct)
    {
        string root = keepDir ?? Path.Combine(Path.GetTempPath(), "robot-bench-record-" + Guid.NewGuid().ToString("N")[..8]);
        var spec = new DatasetSpec
        {
            RobotType = "warehouse_humanoid",
            Fps = 50,
            StateNames = Enumerable.Range(0, stateWidth).Select(i => $"joint_{i}").ToList(),
            EnvironmentStateNames = Enumerable.Range(0, envWidth).Select(i => $"object_{i}").ToList(),
            ActionNames = Enumerable.Range(0, stateWidth).Select(i => $"joint_{i}").ToList(),
        };
        try
        {
            LeRobotDatasetWriter writer = await LeRobotDatasetWriter.CreateAsync(root, spec, ct);
            var recorder = new DemonstrationRecorder(writer, new RecorderOptions { Episodes = episodes, EpisodeTimeS = frames / 50.0 + 1 });
            var s = new float[stateWidth];
            var env = new float[envWidth];
            var a = new float[stateWidth];
            var add = new List<double>(episodes * frames);
            var copy = new List<double>(episodes * frames);
            var save = new List<double>(episodes);
            var baseline = new List<double>(episodes);
            var sink = new float[(stateWidth * 2 + envWidth) * frames];
            double usPerTick = 1e6 / Stopwatch.Frequency;
            long allocated = 0;
            long fileBytes = 0;
            for (int e = 0; e < episodes; e++)
            {
                recorder.BeginEpisode();
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < frames; i++)
                {
                    for (int d = 0; d < stateWidth; d++)
                    {
                        s[d] = MathF.Sin(0.02f * i + d);
                        a[d] = MathF.Cos(0.02f * i + d);
                    }
                    for (int d = 0; d < envWidth; d++)
                    {
                        env[d] = 0.01f * i + d;
                    }
                    long t0 = Stopwatch.GetTimestamp();
                    recorder.AddFrame(s, env, a);
                    long t1 = Stopwatch.GetTimestamp();
                    // Baseline: the bare copy of the same three vectors.
                    int o = (i * (stateWidth * 2 + envWidth)) % (sink.Length - stateWidth * 2 - envWidth + 1);
                    s.CopyTo(sink, o);
                    env.CopyTo(sink, o + stateWidth);
                    a.CopyTo(sink, o + stateWidth + envWidth);
                    long t2 = Stopwatch.GetTimestamp();
                    add.Add((t1 - t0) * usPerTick);
                    copy.Add((t2 - t1) * usPerTick);
                }
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                long ts = Stopwatch.GetTimestamp();
                EpisodeRecord saved = await recorder.SaveEpisodeAsync("benchmark: pick the box and place it in the tote", success: true, cancellationToken: ct);
                save.Add(Stopwatch.GetElapsedTime(ts).TotalMilliseconds);
                string dataFile = Path.Combine(root, LeRobotFormat.DataPath(saved.DataChunkIndex, saved.DataFileIndex));
                fileBytes = new FileInfo(dataFile).Length;
                // Baseline: write and fsync the same number of bytes once (the floor of any durable save).
                byte[] bytes = await File.ReadAllBytesAsync(dataFile, ct);
                long tb = Stopwatch.GetTimestamp();
                await AtomicFile.WriteAllBytesAsync(Path.Combine(root, "baseline.bin"), bytes, cancellationToken: ct);
                baseline.Add(Stopwatch.GetElapsedTime(tb).TotalMilliseconds);
                progress($"episode {e + 1}/{episodes}: save {save[^1]:F1} ms");
            }
            File.Delete(Path.Combine(root, "baseline.bin"));
            ValidationReport report = await DatasetValidator.ValidateAsync(root, ct);
            Percentiles addP = Percentiles.Of(add), saveP = Percentiles.Of(save);
            return new RecordBenchResult(episodes, frames, stateWidth, envWidth, stateWidth, addP, Percentiles.Of(copy), saveP, Percentiles.Of(baseline),
                (double)allocated / (episodes * frames), fileBytes, report.IsValid,
                addP.P99 <= RecordBenchResult.TargetAddFrameUs, saveP.P99 <= RecordBenchResult.TargetSaveEpisodeMs,
                File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null, Environment.ProcessorCount);
        }
        finally
        {
            if (keepDir is null && Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
