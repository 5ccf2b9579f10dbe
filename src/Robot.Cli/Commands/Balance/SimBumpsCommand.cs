using System.CommandLine;
using Robot.Runtime.Scenarios;

namespace Robot.Cli.Commands.Balance;

/// <summary>
/// <c>robot sim bumps [--count N] [--interval S] [--min-impulse J] [--max-impulse J] [--seed K] [--domain-seed S] [--no-squaring] [--json]</c>:
/// the standing humanoid pushed again and again in random directions; how many pushes it stood through.
/// </summary>
[CliVerb(Parent = "sim")]
public static class SimBumpsCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = $"Number of pushes, 1–{BumpScenario.MaxCount}.", DefaultValueFactory = _ => 40 };
        var interval = new Option<double>("--interval") { Description = $"Seconds between pushes, {BumpScenario.MinInterval}–{BumpScenario.MaxInterval}.", DefaultValueFactory = _ => 2.5 };
        var minImpulse = new Option<double>("--min-impulse") { Description = "Smallest impulse, N·s (> 0).", DefaultValueFactory = _ => 10 };
        var maxImpulse = new Option<double>("--max-impulse") { Description = $"Largest impulse, N·s (≥ --min-impulse, ≤ {BumpScenario.MaxImpulse}). Default 13.5: below the sideways limit of 15.", DefaultValueFactory = _ => 13.5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the pushes' directions and impulses (≥ 0): the same seed gives the same run.", DefaultValueFactory = _ => 1 };
        var domainSeed = new Option<int?>("--domain-seed")
        {
            Description = "Perturb the simulated model first (every geom's friction × 0.7–1.3, every body's mass × 0.9–1.1, drawn from this seed, ≥ 0); the controller keeps the nominal model. Default: the nominal model.",
        };
        var noSquaring = new Option<bool>("--no-squaring")
        {
            Description = "Leave the stance as the pushes leave it (feet slid together, a wide closing step) instead of stepping it back to the first stance's width once the robot stands still.",
        };
        var json = CommonOptions.Json();
        var command = new Command("bumps", "Push the standing humanoid at the pelvis again and again, each time in a random direction with a random impulse; report how many pushes it stood through (stepping when standing is not enough). Exit 1 when it fell or faulted.")
        {
            count, interval, minImpulse, maxImpulse, seed, domainSeed, noSquaring, json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            int n = parseResult.GetValue(count), k = parseResult.GetValue(seed);
            double gap = parseResult.GetValue(interval), low = parseResult.GetValue(minImpulse), high = parseResult.GetValue(maxImpulse);
            int? perturbation = parseResult.GetValue(domainSeed);
            var errors = new List<string>();
            if (n is < 1 or > BumpScenario.MaxCount)
            {
                errors.Add($"--count {n} must be in [1, {BumpScenario.MaxCount}]");
            }
            if (!(gap >= BumpScenario.MinInterval && gap <= BumpScenario.MaxInterval))
            {
                errors.Add($"--interval {gap} must be in [{BumpScenario.MinInterval}, {BumpScenario.MaxInterval}] s");
            }
            if (!(low > 0 && low <= BumpScenario.MaxImpulse))
            {
                errors.Add($"--min-impulse {low} must be in (0, {BumpScenario.MaxImpulse}] N·s");
            }
            if (!(high >= low && high <= BumpScenario.MaxImpulse))
            {
                errors.Add($"--max-impulse {high} must be at least --min-impulse ({low}) and at most {BumpScenario.MaxImpulse} N·s");
            }
            if (k < 0)
            {
                errors.Add($"--seed {k} must be ≥ 0");
            }
            if (perturbation is < 0)
            {
                errors.Add($"--domain-seed {perturbation} must be ≥ 0");
            }
            if (errors.Count > 0)
            {
                output.Error.WriteLine("robot sim bumps: " + string.Join("; ", errors));
                return 2;
            }
            BumpResult result = BumpScenario.Run(n, gap, low, high, k, perturbation, output.Progress, squaring: !parseResult.GetValue(noSquaring));
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                var table = new TextTable("push", "at s", "direction", "N·s", "steps", "squaring");
                foreach (Bump b in result.Bumps)
                {
                    table.AddRow(b.Index.ToString(), b.TimeS.ToString("F1"), $"{b.DirectionDeg:F0}°", b.ImpulseNs.ToString("F1"), b.Steps.ToString(), b.SquaringSteps.ToString());
                }
                table.WriteTo(output.Out);
                string model = perturbation is null ? "" : $", model perturbed with seed {perturbation}";
                string end = result.Fell ? $"FELL at t = {result.EndedAtS:F2} s" : result.Fault != "None" ? $"FAULT {result.Fault} ({result.ControllerStatus}) at t = {result.EndedAtS:F2} s" : "no fall";
                double dropMm = result.PelvisDropM * 1000;
                string height = Math.Abs(dropMm) < 0.5 ? "pelvis at the height it first stood at"
                    : $"pelvis {Math.Abs(dropMm):F0} mm {(dropMm > 0 ? "below" : "above")} where it first stood";
                output.Out.WriteLine($"stood through {result.Survived} of {n} pushes ({low:F1}–{high:F1} N·s every {gap:F1} s, seed {k}{model}); {end}; {height}; "
                    + $"soles {result.EndSoleDistanceM * 1000:F0} mm apart ({result.StartSoleDistanceM * 1000:F0} mm at the start{(result.Squaring ? "" : ", not squared up")})");
            }
            return result.SurvivedAll ? 0 : 1;
        });
        return command;
    }
}
