using System.CommandLine;
using Robot.Runtime.Benchmarks;

namespace Robot.Cli.Commands.Balance;

/// <summary><c>robot bench control</c>: the balance controller's step time on the real model state.</summary>
[CliVerb(Parent = "bench")]
public static class BenchControlCommand
{
    public static Command Create()
    {
        var steps = new Option<int>("--steps") { Description = "Controller steps to time (after a warm-up of at least 2 s of wall time and 500 steps, so tiered compilation has replaced the first, unoptimised code).", DefaultValueFactory = _ => 20_000 };
        var json = CommonOptions.Json();
        var command = new Command("control", "Balance controller step time (p50/p99/p99.9/max, µs) inside the real pipeline against MuJoCo with sensor noise, beside the stance-hold controller in the same run; bytes allocated per step.")
        {
            steps, json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            int n = parseResult.GetValue(steps);
            if (n < 100 || n > 10_000_000)
            {
                output.Error.WriteLine($"robot bench control: --steps {n} must be in [100, 10000000]");
                return 2;
            }
            ControlBenchmarkResult r = ControlBenchmark.Run(n);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(r);
            }
            else
            {
                var table = new TextTable("µs", "p50", "p99", "p99.9", "max");
                table.AddRow("balance controller step", $"{r.StepUs.P50:F2}", $"{r.StepUs.P99:F2}", $"{r.StepUs.P999:F2}", $"{r.StepUs.Max:F2}");
                table.AddRow($"balance controller step, stepping ({r.StepsTaken} steps)", $"{r.SteppingStepUs.P50:F2}", $"{r.SteppingStepUs.P99:F2}", $"{r.SteppingStepUs.P999:F2}", $"{r.SteppingStepUs.Max:F2}");
                table.AddRow("baseline: stance hold", $"{r.BaselineStepUs.P50:F2}", $"{r.BaselineStepUs.P99:F2}", $"{r.BaselineStepUs.P999:F2}", $"{r.BaselineStepUs.Max:F2}");
                table.WriteTo(output.Out);
                output.Out.WriteLine($"{r.Steps} steps after a {JitWarmUp.Seconds:0.#} s warm-up, {r.AllocatedBytesPerStep:F2} B allocated per tick (whole pipeline), JIT in the window {r.JitMsInWindow:F1} ms, fault {r.Fault}");
                output.Out.WriteLine($"stepping: {ControlBenchmark.SteppingTicks} ticks after a {ControlBenchmark.SteppingPushNs} N·s forward push, {r.SteppingAllocatedBytesPerStep:F2} B allocated per tick");
            }
            return r.Fault == "None" ? 0 : 1;
        });
        return command;
    }
}
