using System.CommandLine;
using System.Globalization;
using Robot.Control.Locomotion;
using Robot.Runtime.Scenarios;
using Robot.Safety.Geofence;

namespace Robot.Cli.Commands.Locomotion;

/// <summary>
/// <c>robot sim walk --to X,Y,YAWDEG [--trace FILE] [--json]</c> or <c>robot sim walk --random-goals N [--seed S] [--json]</c>:
/// walk to a goal pose (or to N seeded random goals, each from a fresh start) in MuJoCo with ZMP preview control.
/// </summary>
[CliVerb(Parent = "sim")]
public static class SimWalkCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var to = new Option<string>("--to") { Description = "Goal pose X,Y,YAWDEG in the start's frame (m, m, degrees), e.g. 5,0,0." };
        var trace = new Option<FileInfo?>("--trace") { Description = "Write CoM, DCM and ZMP samples every 10 ms as CSV (ground frame of the start)." };
        var randomGoals = new Option<int?>("--random-goals") { Description = "Walk to N seeded random goals within a 6 m square (each from a fresh start) instead of --to." };
        var payload = new Option<double>("--payload") { Description = "Payload held in both hands, kg (0–10).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of --random-goals.", DefaultValueFactory = _ => 1 };
        var plotFile = new Option<FileInfo?>("--plot") { Description = "Write a top view (footsteps, ZMP reference, CoM and DCM paths, keep-out zones) as PNG." };
        var site = new Option<FileInfo?>("--site") { Description = "Site file (the supervisor's YAML): its keep_out zones are avoided; --from and --to are then site coordinates." };
        var from = new Option<string?>("--from") { Description = "With --site: the robot's start pose X,Y,YAWDEG in the site frame (default 0,0,0)." };
        var command = new Command("walk", "Walk to a goal pose in simulation (footstep plan, ZMP preview control, DCM feedback) and report how close it got.")
        {
            to, trace, plotFile, randomGoals, seed, payload, site, from, json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            double kg = parseResult.GetValue(payload);
            if (!(kg >= 0 && kg <= 10))
            {
                output.Error.WriteLine($"robot sim walk: --payload must be 0–10 kg, got {kg}");
                return 2;
            }
            // Checked before the walk: both are written only after it, and a path that fails then loses the run.
            if ((OutputFileArgument.Problem("--trace", parseResult.GetValue(trace), "a CSV file path")
                ?? OutputFileArgument.Problem("--plot", parseResult.GetValue(plotFile), "a PNG file path")) is { } outputProblem)
            {
                output.Error.WriteLine("robot sim walk: " + outputProblem);
                return 2;
            }
            if (parseResult.GetValue(randomGoals) is { } count)
            {
                if (count is < 1 or > 1000 || parseResult.GetValue(to) is not null)
                {
                    output.Error.WriteLine($"robot sim walk: --random-goals must be 1–1000 and cannot be combined with --to, got {count}");
                    return 2;
                }
                return RandomGoals(output, count, parseResult.GetValue(seed), kg, parseResult.GetValue(json));
            }
            string? text = parseResult.GetValue(to);
            if (text is null || !TryParsePose(text, out Pose2 goal))
            {
                output.Error.WriteLine($"robot sim walk: --to must be X,Y,YAWDEG with finite numbers (m, m, degrees), got '{text}'");
                return 2;
            }
            Pose2 start = default;
            if (parseResult.GetValue(from) is { } fromText && (parseResult.GetValue(site) is null || !TryParsePose(fromText, out start)))
            {
                output.Error.WriteLine($"robot sim walk: --from needs --site and must be X,Y,YAWDEG with finite numbers, got '{fromText}'");
                return 2;
            }
            List<KeepOutZone> zones = [];
            if (parseResult.GetValue(site) is { } siteFile)
            {
                if (SiteFileArgument.Load(output, "sim walk", siteFile) is not { } siteModel)
                {
                    return 2;
                }
                zones = [.. KeepOutZonesSeenFrom(siteModel, start)];
                var (forward, left) = start.Local(goal);
                goal = new Pose2(forward, left, start.TurnTo(goal));
            }
            output.Progress($"sim walk: to ({goal.X:F2}, {goal.Y:F2}, {goal.Yaw * 180 / Math.PI:F0}°) from the start, {zones.Count} keep-out zones");
            var samples = new List<WalkSample>();
            var planned = new List<Footstep>();
            WalkResult result = WalkScenario.Run(goal, keepOut: zones, samples: samples, plannedSteps: planned, payloadKg: kg);
            if (parseResult.GetValue(plotFile) is { } png)
            {
                WalkPlot.Save(png.FullName, planned, samples, zones,
                    $"walk to ({goal.X:F2}, {goal.Y:F2}, {goal.Yaw * 180 / Math.PI:F0}°): {(result.Reached ? "reached" : result.Fell ? "fell" : "not reached")}, error {result.FinalErrorM * 1000:F0} mm");
            }
            if (parseResult.GetValue(trace) is { } file)
            {
                using var writer = new StreamWriter(file.FullName);
                writer.WriteLine("t,com_x,com_y,dcm_x,dcm_y,zmp_ref_x,zmp_ref_y,com_ref_x,com_ref_y,true_com_x,true_com_y,true_yaw");
                foreach (WalkSample w in samples)
                {
                    writer.WriteLine(string.Join(',', new[] { w.Time, w.ComX, w.ComY, w.DcmX, w.DcmY, w.ZmpRefX, w.ZmpRefY, w.ComRefX, w.ComRefY, w.TrueComX, w.TrueComY, w.TrueYaw }
                        .Select(v => v.ToString("F4", CultureInfo.InvariantCulture))));
                }
            }
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                var o = output.Out;
                if (!result.Planned)
                {
                    o.WriteLine($"no path: {result.NoPathReason}");
                    return 1;
                }
                o.WriteLine(result.Reached ? "reached" : result.Fell ? $"FELL at {result.FellAtSeconds:F2} s" : "NOT reached");
                o.WriteLine($"final ({result.FinalX:F3}, {result.FinalY:F3}, {result.FinalYawDeg:F1}°): error {result.FinalErrorM * 1000:F0} mm, {result.FinalErrorDeg:F1}°");
                o.WriteLine($"payload {result.PayloadKg:F1} kg; corrective re-plans {result.Corrections}");
                o.WriteLine($"{result.Steps} steps in {result.WalkSeconds:F1} s (corrections included), mean speed of the planned walk {result.MeanSpeedMps:F2} m/s; status {result.Status}, fault {result.Fault}");
            }
            return result.Reached ? 0 : 1;
        });
        return command;
    }

    /// <summary>Outcome of a run over random goals.</summary>
    public sealed record RandomGoalsResult(int Goals, int Reached, bool EverFell, double MaxErrorM, double MaxErrorDeg, IReadOnlyList<WalkResult> Walks);

    private static int RandomGoals(CliOutput output, int count, int seed, double payloadKg, bool json)
    {
        var random = new Random(seed);
        var walks = new List<WalkResult>();
        for (int i = 0; i < count; i++)
        {
            var goal = new Pose2(random.NextDouble() * 6 - 3, random.NextDouble() * 6 - 3, Pose2.WrapAngle((random.NextDouble() * 2 - 1) * Math.PI));
            WalkResult walk = WalkScenario.Run(goal, payloadKg: payloadKg);
            walks.Add(walk);
            output.Progress($"sim walk: goal {i + 1}/{count} ({goal.X:F2}, {goal.Y:F2}, {goal.Yaw * 180 / Math.PI:F0}°): {(walk.Reached ? "reached" : walk.Fell ? "FELL" : "not reached")}, error {walk.FinalErrorM * 1000:F0} mm {walk.FinalErrorDeg:F1}°");
        }
        var result = new RandomGoalsResult(count, walks.Count(w => w.Reached), walks.Any(w => w.Fell),
            walks.Max(w => w.FinalErrorM), walks.Max(w => w.FinalErrorDeg), walks);
        if (json)
        {
            output.WriteJson(result);
        }
        else
        {
            output.Out.WriteLine($"{result.Reached} of {result.Goals} goals reached; {(result.EverFell ? "fell at least once" : "never fell")}; largest error {result.MaxErrorM * 1000:F0} mm, {result.MaxErrorDeg:F1}°");
        }
        return result.Reached == result.Goals ? 0 : 1;
    }

    /// <summary>The site's keep-out zones in the frame of a robot standing at <paramref name="start"/> (site frame).</summary>
    public static IEnumerable<KeepOutZone> KeepOutZonesSeenFrom(SiteModel model, Pose2 start) =>
        model.Zones.Where(z => z.Kind == ZoneKind.KeepOut).Select(z => new KeepOutZone(z.Id,
            [.. z.Ring.Take(z.Ring.Length - 1).Select(c => start.Local(new Pose2(c.X, c.Y, 0)))]));

    /// <summary>Parses "X,Y,YAWDEG" (invariant culture) into a pose with the heading in radians.</summary>
    public static bool TryParsePose(string text, out Pose2 pose)
    {
        pose = default;
        string[] parts = text.Split(',');
        if (parts.Length != 3)
        {
            return false;
        }
        var values = new double[3];
        for (int i = 0; i < 3; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                return false;
            }
        }
        pose = new Pose2(values[0], values[1], Pose2.WrapAngle(values[2] * Math.PI / 180));
        return true;
    }
}
