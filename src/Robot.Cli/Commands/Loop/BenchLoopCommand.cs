using System.CommandLine;
using Robot.Runtime.Benchmarks;
using Robot.Runtime.Loop;

namespace Robot.Cli.Commands.Loop;

/// <summary><c>robot bench loop</c>: period error and compute time of the real pipeline against MuJoCo, with same-run baselines.</summary>
[CliVerb(Parent = "bench")]
public static class BenchLoopCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "Seconds to run each of the three loops (pipeline, empty, C).", DefaultValueFactory = _ => 10 };
        var rate = new Option<double>("--rate") { Description = "Loop rate, Hz.", DefaultValueFactory = _ => 1000 };
        var json = CommonOptions.Json();
        var command = new Command("loop", "Wall-clock control loop against the simulation: period error and compute time (p50/p99/p99.9/max), misses, allocations and GCs, beside an empty loop and a C clock_nanosleep loop measured in the same run.")
        {
            seconds, rate, json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            double s = parseResult.GetValue(seconds), hz = parseResult.GetValue(rate);
            if (!(s > 0) || s > 3600)
            {
                output.Error.WriteLine($"robot bench loop: --seconds {s} must be in (0, 3600]");
                return 2;
            }
            var options = new ControlLoopOptions { RateHz = hz };
            if (options.Validate() is { Count: > 0 } errors)
            {
                output.Error.WriteLine($"robot bench loop: --rate {hz}: {string.Join("; ", errors)}");
                return 2;
            }
            LoopBenchmarkResult r = LoopBenchmark.Run(s, hz, output.Progress);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(r);
            }
            else
            {
                var table = new TextTable("µs", "p50", "p99", "p99.9", "max");
                void Row(string name, Percentiles? p)
                {
                    if (p is not null)
                    {
                        table.AddRow(name, $"{p.P50:F1}", $"{p.P99:F1}", $"{p.P999:F1}", $"{p.Max:F1}");
                    }
                }
                Row("period error (pipeline)", r.PeriodErrorUs);
                Row("period error (empty loop)", r.BaselinePeriodErrorUs);
                Row("period error (C nanosleep)", r.CBaselinePeriodErrorUs);
                Row("compute (pipeline)", r.ComputeUs);
                table.WriteTo(output.Out);
                output.Out.WriteLine($"ticks {r.Ticks}, missed deadlines {r.MissedDeadlines}, overruns {r.Overruns}, allocated {r.AllocatedBytesPerTick:F2} B/tick, GCs {r.GcCount}, fault {r.Fault}");
                output.Out.WriteLine($"p99.9 period error vs empty loop: {r.P999ToBaselineRatio:F2}×; vs C: {(r.P999ToCBaselineRatio is double c ? $"{c:F2}×" : "n/a")}");
                foreach (string line in r.Realtime)
                {
                    output.Out.WriteLine(line);
                }
                if (r.CBaselineNote is not null)
                {
                    output.Out.WriteLine(r.CBaselineNote);
                }
            }
            return r.Fault == "None" ? 0 : 1;
        });
        return command;
    }
}
