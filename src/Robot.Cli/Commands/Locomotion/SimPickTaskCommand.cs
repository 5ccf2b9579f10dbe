using System.CommandLine;
using System.Diagnostics;
using Robot.Control.Locomotion;
using Robot.Runtime.Execution;
using Robot.Runtime.Policy;
using Robot.Safety.Geofence;

namespace Robot.Cli.Commands.Locomotion;

/// <summary>
/// <c>robot sim pick-task --site FILE --source SLOT --destination TOTE [--from X,Y,YAWDEG] [--policy DIR|scripted]</c>:
/// one pick task on the simulated humanoid at the site, without supervisor or task service.
/// </summary>
[CliVerb(Parent = "sim")]
public static class SimPickTaskCommand
{
    /// <summary>What one task did.</summary>
    public sealed record PickTaskRun(string Source, string Destination, string Picker, string Result, string Reason, bool Fell,
        double SimulatedSeconds, double WallSeconds, IReadOnlyList<string> Stages);

    public static Command Create()
    {
        var site = new Option<FileInfo>("--site") { Description = "Site file (zones and locations).", Required = true };
        var source = new Option<string>("--source") { Description = "Slot to pick from (a location id of kind slot).", Required = true };
        var destination = new Option<string>("--destination") { Description = "Tote to place into (a location id of kind tote).", Required = true };
        var from = new Option<string>("--from") { Description = "Start pose X,Y,YAWDEG, site frame.", DefaultValueFactory = _ => "1.5,2,0" };
        var policy = PickerArgument.Create();
        var attempts = new Option<int>("--attempts") { Description = "Pick attempts before the task fails (1–10).", DefaultValueFactory = _ => 2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the boxes' sizes, masses and poses.", DefaultValueFactory = _ => 1 };
        var trace = new Option<FileInfo?>("--trace") { Description = "Write the robot's path, activity and safety state every 100 ms as CSV (site frame)." };
        var json = CommonOptions.Json();
        var command = new Command("pick-task", "Run one pick task on the simulated humanoid at a site: walk, pick, carry, place, check.")
        {
            site, source, destination, from, policy, attempts, seed, trace, json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            FileInfo siteFile = parseResult.GetValue(site)!;
            if (SiteFileArgument.Load(output, "sim pick-task", siteFile) is not { } model)
            {
                return 2;
            }
            if (!SimWalkCommand.TryParsePose(parseResult.GetValue(from)!, out Pose2 start))
            {
                output.Error.WriteLine($"robot sim pick-task: --from must be X,Y,YAWDEG with finite numbers, got '{parseResult.GetValue(from)}'");
                return 2;
            }
            string? problem = LocationProblem(model, parseResult.GetValue(source)!, SiteLocationKind.Slot, "--source")
                ?? LocationProblem(model, parseResult.GetValue(destination)!, SiteLocationKind.Tote, "--destination");
            int tries = parseResult.GetValue(attempts);
            if (problem is null && tries is < 1 or > 10)
            {
                problem = $"--attempts {tries}: expected 1–10";
            }
            (string? policyDir, string? policyProblem) = PickerArgument.Resolve(parseResult.GetValue(policy)!);
            problem ??= policyProblem;
            // The trace is written after the task, which takes minutes: a path that fails then loses it.
            problem ??= OutputFileArgument.Problem("--trace", parseResult.GetValue(trace), "a CSV file path");
            if (problem is not null)
            {
                output.Error.WriteLine("robot sim pick-task: " + problem);
                return 2;
            }
            SiteLocation slot = model.Locations[parseResult.GetValue(source)!], tote = model.Locations[parseResult.GetValue(destination)!];
            var wall = Stopwatch.StartNew();
            using var robot = new SimSiteRobot(model, new SimSiteRobotOptions
            {
                Start = (start.X, start.Y, start.Yaw * 180 / Math.PI),
                Seed = parseResult.GetValue(seed),
                PolicyDirectory = policyDir,
            });
            string? infeasible = robot.CheckFeasible(slot, tote);
            if (infeasible is not null)
            {
                output.Error.WriteLine("robot sim pick-task: " + infeasible);
                return 1;
            }
            var stages = new List<string>();
            var (result, reason) = PickSequence.Run(robot, slot, tote, tries, (s, detail) =>
            {
                stages.Add($"{robot.Time:0.0}s {s} {detail}");
                output.Progress($"  {robot.Time,6:0.0} s  {s,-10} {detail}{(robot.GraspHeld() ? " (holding)" : "")}");
            }, CancellationToken.None, CancellationToken.None);
            if (parseResult.GetValue(trace) is { } csv)
            {
                SiteTraceCsv.Write(csv.FullName, robot.Trace);
            }
            var run = new PickTaskRun(slot.Id, tote.Id, robot.Picker, result.ToString(), reason, robot.Fell, robot.Time, wall.Elapsed.TotalSeconds, stages);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(run);
            }
            else
            {
                output.Out.WriteLine($"{result}: {reason}");
                output.Out.WriteLine($"picker {run.Picker}; fell {run.Fell}; {run.SimulatedSeconds:0.0} s simulated in {run.WallSeconds:0.0} s");
            }
            return result == SimSiteRobot.SkillResult.Done ? 0 : 1;
        });
        return command;
    }

    /// <summary>Why <paramref name="id"/> is not a usable location of <paramref name="kind"/>, or null.</summary>
    internal static string? LocationProblem(SiteModel site, string id, SiteLocationKind kind, string flag)
    {
        if (!site.Locations.TryGetValue(id, out SiteLocation? location))
        {
            string known = string.Join(", ", site.Locations.Values.Where(l => l.Kind == kind).Select(l => l.Id).Order(StringComparer.Ordinal));
            return $"{flag} {id}: the site has no such location (its {kind.ToString().ToLowerInvariant()}s: {known})";
        }
        return location.Kind != kind ? $"{flag} {id}: is a {location.Kind.ToString().ToLowerInvariant()}, expected a {kind.ToString().ToLowerInvariant()}" : null;
    }
}
