using System.CommandLine;
using Robot.Runtime.Scenarios;

namespace Robot.Cli.Commands.Balance;

/// <summary><c>robot sim capturability</c>: the largest recoverable pushes for 0, 1, 3 and ∞ steps.</summary>
[CliVerb(Parent = "sim")]
public static class SimCapturabilityCommand
{
    public static Command Create()
    {
        var directions = new Option<int>("--directions") { Description = "Number of push directions, evenly spread (0° = forward, 90° = left).", DefaultValueFactory = _ => 8 };
        var step = new Option<double>("--max-step") { Description = "Longest step ℓ_max, m (also caps the reachable landings).", DefaultValueFactory = _ => CapturabilityReport.DefaultMaxStepLength };
        var time = new Option<double>("--min-step-time") { Description = "Shortest step time Δt_s, s.", DefaultValueFactory = _ => CapturabilityReport.DefaultMinStepTime };
        var json = CommonOptions.Json();
        var command = new Command("capturability", "Largest recoverable CoM velocity and impulse from rest for 0, 1, 3 and ∞ steps in each direction (LIPM with finite feet, Koolen et al. 2012), from the model and the stepping limits; and the 1-step bound for a step our legs can take from double support (the CoP on the stance sole during the swing, landings the leg IK reaches within the joint limits and the longest step, no crossover), and the same with crossover steps counted (the joint limits alone, the legs' collision ignored).")
        {
            directions, step, time, json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            int n = parseResult.GetValue(directions);
            double l = parseResult.GetValue(step), t = parseResult.GetValue(time);
            var errors = new List<string>();
            if (n < 1 || n > 360)
            {
                errors.Add($"--directions {n} must be in [1, 360]");
            }
            if (!(l > 0) || l > 2)
            {
                errors.Add($"--max-step {l} m must be in (0, 2]");
            }
            if (!(t > 0) || t > 5)
            {
                errors.Add($"--min-step-time {t} s must be in (0, 5]");
            }
            if (errors.Count > 0)
            {
                output.Error.WriteLine("robot sim capturability: " + string.Join("; ", errors));
                return 2;
            }
            CapturabilityResult r = CapturabilityReport.Compute(n, l, t);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(r);
                return 0;
            }
            output.Out.WriteLine($"mass {r.MassKg:F1} kg, CoM height {r.ComHeightM:F3} m, ω {r.OmegaPerS:F2} 1/s, ℓ_max {r.MaxStepLengthM} m, Δt_s {r.MinStepTimeS} s");
            var table = new TextTable("direction °", "r_max m", "0-step N·s", "1-step N·s", "3-step N·s", "∞-step N·s", "1-step m/s", "reachable 1-step N·s", "with crossover N·s");
            foreach (CapturabilityDirection d in r.Directions)
            {
                table.AddRow($"{d.DirectionDeg:F0}", $"{d.SupportEdgeM:F3}", $"{d.ZeroStepImpulseNs:F1}", $"{d.OneStepImpulseNs:F1}",
                    $"{d.ThreeStepImpulseNs:F1}", $"{d.InfiniteStepImpulseNs:F1}", $"{d.OneStepVelocityMps:F2}", $"{d.ReachableOneStepImpulseNs:F1}", $"{d.CrossoverOneStepImpulseNs:F1}");
            }
            table.WriteTo(output.Out);
            return 0;
        });
        return command;
    }
}
