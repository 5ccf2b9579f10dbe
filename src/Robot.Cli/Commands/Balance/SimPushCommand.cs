using System.CommandLine;
using Robot.Runtime.Scenarios;

namespace Robot.Cli.Commands.Balance;

/// <summary><c>robot sim push --directions N [--resolution R] [--domain-seed S] [--json] [--plot push.png]</c>: the largest push recovered per direction, against the capturability bounds.</summary>
[CliVerb(Parent = "sim")]
public static class SimPushCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var directions = new Option<int>("--directions") { Description = "Push directions, evenly spread (0° = forward, 90° = left), 1–36.", DefaultValueFactory = _ => 8 };
        var resolution = new Option<double>("--resolution") { Description = $"Grid step of the sweep, N·s, {PushScenario.MinResolution}–{PushScenario.MaxResolution}.", DefaultValueFactory = _ => PushScenario.DefaultResolution };
        var domainSeed = new Option<int?>("--domain-seed")
        {
            Description = "Perturb the simulated model first (every geom's friction × 0.7–1.3, every body's mass × 0.9–1.1, drawn from this seed, ≥ 0); the controller keeps the nominal model. Default: the nominal model.",
        };
        var plotFile = new Option<FileInfo?>("--plot") { Description = "Write a polar chart (recovered impulse against the 0-step, 1-step and reachable 1-step bounds) as PNG." };
        var command = new Command("push", "Push the standing humanoid at the pelvis in each direction with growing impulses; report the largest one below which every push was recovered (stepping when standing is not enough); compare with the 0- and 1-step capturability bounds.")
        {
            directions, resolution, domainSeed, json, plotFile,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            int n = parseResult.GetValue(directions);
            double r = parseResult.GetValue(resolution);
            var errors = new List<string>();
            if (n is < 1 or > 36)
            {
                errors.Add($"--directions {n} must be in [1, 36]");
            }
            if (!(r >= PushScenario.MinResolution && r <= PushScenario.MaxResolution))
            {
                errors.Add($"--resolution {r} must be in [{PushScenario.MinResolution}, {PushScenario.MaxResolution}] N·s");
            }
            int? seed = parseResult.GetValue(domainSeed);
            if (seed is < 0)
            {
                errors.Add($"--domain-seed {seed} must be ≥ 0");
            }
            FileInfo? png = parseResult.GetValue(plotFile);
            // Checked before the sweep, which takes minutes: a plot that cannot be written would lose it.
            if (png is not null && !(png.Directory?.Exists ?? false))
            {
                errors.Add($"--plot {png.FullName}: the folder {png.DirectoryName} does not exist");
            }
            if (errors.Count > 0)
            {
                output.Error.WriteLine("robot sim push: " + string.Join("; ", errors));
                return 2;
            }
            PushResult result = PushScenario.Run(n, r, output.Progress, seed);
            string model = seed is null ? "" : $", model perturbed with seed {seed}";
            if (png is not null)
            {
                PushPlot.Save(png.FullName, result, $"push recovery from standing ({n} directions, {r} N·s grid{model})");
            }
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
                return 0;
            }
            var table = new TextTable("direction", "recovered N·s", "fell at N·s", "0-step N·s", "1-step N·s", "reachable 1-step N·s", "× 0-step", "× 1-step", "× reachable 1-step", "longest step m");
            foreach (PushDirectionResult d in result.Directions)
            {
                table.AddRow($"{d.DirectionDeg:F0}°", d.RecoveredImpulseNs.ToString("F1"), (d.FailedImpulseNs?.ToString("F1") ?? "—"), d.ZeroStepBoundNs.ToString("F1"),
                    d.OneStepBoundNs.ToString("F1"), d.ReachableOneStepBoundNs.ToString("F1"), d.RatioToZeroStep.ToString("F2"), d.RatioToOneStep.ToString("F2"),
                    d.RatioToReachableOneStep.ToString("F2"), d.LongestStepM.ToString("F2"));
            }
            table.WriteTo(output.Out);
            output.Out.WriteLine($"controller: {result.Controller}; pushes last {result.PushDurationS * 1000:F0} ms{model}");
            output.Out.WriteLine($"the bounds assume steps of at most {result.Directions[0].BoundStepLengthM:F2} m; longest step: the soles' largest distance apart in the push recovered");
            output.Out.WriteLine($"0-step bound recovered in every direction: {(result.MeetsZeroStepBound ? "yes" : "no")}; ≥ {PushResult.TargetRatioToOneStep:F1} × 1-step bound: {(result.MeetsOneStepTarget ? "yes" : "no")}; ≥ {PushResult.TargetRatioToOneStep:F1} × reachable 1-step bound: {(result.MeetsReachableOneStepTarget ? "yes" : "no")}");
            return 0;
        });
        return command;
    }
}
