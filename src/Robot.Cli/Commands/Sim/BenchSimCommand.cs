using System.CommandLine;
using Robot.Core.Description;
using Robot.Sim.MuJoCo;
using Robot.Sim.Scenarios;

namespace Robot.Cli.Commands.Sim;

/// <summary>
/// <c>robot bench sim [--steps N] [--rounds R] [--seed S] [--json]</c>: steps per second of the full
/// robot + warehouse model through SimHardware beside mujoco-testspeed on the same file, same run.
/// </summary>
[CliVerb(Parent = "bench")]
public static class BenchSimCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var steps = new Option<int>("--steps") { Description = "Physics steps per round and side.", DefaultValueFactory = _ => 20000 };
        var rounds = new Option<int>("--rounds") { Description = "Alternating C#/C rounds (medians reported).", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Warehouse scene seed.", DefaultValueFactory = _ => 0 };
        var command = new Command("sim", "Physics steps/s of robot+warehouse through the C# hardware layer vs MuJoCo's C mujoco-testspeed (same model, same run).")
        {
            steps, rounds, seed, json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            int n = parseResult.GetValue(steps), r = parseResult.GetValue(rounds);
            if (n < 100 || r < 1)
            {
                output.Error.WriteLine("robot bench sim: --steps must be >= 100 and --rounds >= 1");
                return 2;
            }
            SimBenchResult result;
            try
            {
                result = SimBenchmark.Run(n, r, parseResult.GetValue(seed), output.Progress);
            }
            catch (Exception e) when (e is MuJoCoException or InvalidRobotDescriptionException or InvalidOperationException)
            {
                output.Error.WriteLine($"robot bench sim: {e.Message}");
                return 1;
            }
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                var o = output.Out;
                o.WriteLine($"model {result.ModelPath}: nq {result.Nq}, nv {result.Nv}; {result.Steps} steps × {result.Rounds} rounds (medians)");
                var table = new TextTable("side", "steps/s (wall)", "steps/CPU s", "contacts/step");
                table.AddRow("C# SimHardware", result.CsharpStepsPerSecond.ToString("F0"), result.CsharpCpuStepsPerSecond.ToString("F0"), result.CsharpContactsPerStep.ToString("F2"));
                table.AddRow("C mujoco-testspeed", result.CStepsPerSecond.ToString("F0"), result.CCpuStepsPerSecond.ToString("F0"), result.CContactsPerStep.ToString("F2"));
                table.AddRow("C# holding stance", result.HoldingStepsPerSecond.ToString("F0"), "", "");
                table.WriteTo(o);
                o.WriteLine($"overhead ratio (C# / C time per step): {result.OverheadRatio:F3} wall, {result.CpuOverheadRatio:F3} CPU (target <= {SimBenchResult.TargetOverheadRatio:F2}: {(result.MeetsOverheadTarget ? "met" : "NOT met")})");
                o.WriteLine($"real-time factor: {result.RealtimeFactor:F1}× wall, {result.CpuRealtimeFactor:F1}× per CPU second (target >= {SimBenchResult.TargetRealtimeFactor:F0}×: {(result.MeetsRealtimeTarget ? "met" : "NOT met")})");
                if (result.LoadAverage > result.Cores)
                {
                    o.WriteLine($"note: load average {result.LoadAverage:F1} on {result.Cores} cores: wall-clock figures measure the contention; the CPU-time figures measure the code.");
                }
            }
            return 0;
        });
        return command;
    }
}
