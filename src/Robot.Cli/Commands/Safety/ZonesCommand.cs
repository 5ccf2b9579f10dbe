using System.CommandLine;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;

namespace Robot.Cli.Commands.Safety;

/// <summary><c>robot zones validate|apply|list|check</c>: geofence management.</summary>
[CliVerb]
public static class ZonesCommand
{
    public static Command Create()
    {
        var command = new Command("zones", "Geofences: validate a site file, apply it to the supervisor atomically, list zones, check a point.");
        command.Subcommands.Add(Validate());
        command.Subcommands.Add(Apply());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Check());
        return command;
    }

    private static Command Validate()
    {
        var file = new Argument<FileInfo>("file") { Description = "Site file (YAML)." };
        var json = CommonOptions.Json();
        var command = new Command("validate", "Validate a site file locally; every error with its line and column.") { file, json };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            FileInfo path = parseResult.GetValue(file)!;
            if (!path.Exists)
            {
                output.Error.WriteLine($"error: {path.FullName}: no such file");
                return 2;
            }
            var (model, errors) = SiteFileParser.TryParse(File.ReadAllText(path.FullName));
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new { valid = model is not null, file = path.FullName, version = model?.Version, contentHash = model?.ContentHash, zones = model?.Zones.Count, errors });
            }
            else if (model is not null)
            {
                output.Out.WriteLine($"{path.Name}: valid: site '{model.Name}' version {model.Version}, {model.Zones.Count} zones, {model.Robots.Count} robots, sha256 {model.ContentHash}");
            }
            else
            {
                foreach (SiteValidationError e in errors)
                {
                    output.Out.WriteLine($"{path.Name}:{e}");
                }
            }
            return model is not null ? 0 : 1;
        });
        return command;
    }

    private static Command Apply()
    {
        var file = new Argument<FileInfo>("file") { Description = "Site file (YAML) with a higher version than the one in force." };
        var connection = new SupervisorClientOptions();
        var role = SupervisorClientOptions.Role();
        var expected = new Option<long>("--expected-version") { Description = "Apply only if this version is in force (0: do not check)." };
        var json = CommonOptions.Json();
        var command = new Command("apply", "Apply a site file to the running supervisor: fully or not at all (needs the safety-engineer role).") { file, role, expected, json };
        connection.AddTo(command);
        command.SetAction((parseResult, ct) => SupervisorClientOptions.Call(CliOutput.From(parseResult), async () =>
        {
            var output = CliOutput.From(parseResult);
            FileInfo path = parseResult.GetValue(file)!;
            using var channel = connection.Open(parseResult);
            var client = new Zones.ZonesClient(channel);
            var request = new ApplyZonesRequest
            {
                Document = new SiteDocument { Yaml = await File.ReadAllTextAsync(path.FullName, ct), Name = path.Name },
                ExpectedVersion = parseResult.GetValue(expected),
                ClaimedRole = parseResult.GetValue(role) ?? "",
            };
            ApplyZonesReply reply = await client.ApplyAsync(request, deadline: SupervisorClientOptions.Deadline, cancellationToken: ct);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new { reply.Applied, reply.Version, reply.ContentHash, errors = reply.Errors.Select(e => new { e.Line, e.Column, e.Path, e.Message }) });
            }
            else if (reply.Applied)
            {
                output.Out.WriteLine($"applied version {reply.Version} (sha256 {reply.ContentHash})");
            }
            else
            {
                output.Out.WriteLine($"not applied; version {reply.Version} stays in force:");
                foreach (ValidationError e in reply.Errors)
                {
                    output.Out.WriteLine($"  {path.Name}:line {e.Line}, column {e.Column}: {e.Path}: {e.Message}");
                }
            }
            return reply.Applied ? 0 : 1;
        }));
        return command;
    }

    private static Command List()
    {
        var connection = new SupervisorClientOptions();
        var json = CommonOptions.Json();
        var command = new Command("list", "List the zones in force on the supervisor.") { json };
        connection.AddTo(command);
        command.SetAction((parseResult, ct) => SupervisorClientOptions.Call(CliOutput.From(parseResult), async () =>
        {
            var output = CliOutput.From(parseResult);
            using var channel = connection.Open(parseResult);
            ListZonesReply reply = await new Zones.ZonesClient(channel).ListAsync(new ListZonesRequest(), deadline: SupervisorClientOptions.Deadline, cancellationToken: ct);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new { reply.Version, reply.ContentHash, robots = reply.RobotIds, zones = reply.Zones.Select(Describe) });
                return 0;
            }
            output.Out.WriteLine($"version {reply.Version}, sha256 {reply.ContentHash}, robots {string.Join(", ", reply.RobotIds)}");
            var table = new TextTable("zone", "kind", "max speed m/s", "points", "robots");
            foreach (ZoneInfo z in reply.Zones)
            {
                table.AddRow(z.ZoneId, z.Kind, z.MaxSpeed > 0 ? z.MaxSpeed.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "-", (z.Polygon.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join(",", z.RobotIds));
            }
            table.WriteTo(output.Out);
            return 0;
        }));
        return command;
    }

    private static Command Check()
    {
        var x = new Option<double>("--x") { Description = "East, metres.", Required = true };
        var y = new Option<double>("--y") { Description = "North, metres.", Required = true };
        var connection = new SupervisorClientOptions();
        var config = new Option<FileInfo?>("--config") { Description = "Check against a site file instead of the running supervisor." };
        var json = CommonOptions.Json();
        var command = new Command("check", "Which zones contain a point.") { x, y, config, json };
        connection.AddTo(command);
        command.SetAction((parseResult, ct) => SupervisorClientOptions.Call(CliOutput.From(parseResult), async () =>
        {
            var output = CliOutput.From(parseResult);
            double px = parseResult.GetValue(x), py = parseResult.GetValue(y);
            if (!double.IsFinite(px) || !double.IsFinite(py))
            {
                output.Error.WriteLine($"error: --x and --y must be finite, got {px}, {py}");
                return 2;
            }
            object[] zones;
            if (parseResult.GetValue(config) is { } file)
            {
                zones = SiteFileParser.Load(file.FullName).ZonesAt(px, py).Select(z => (object)new { zoneId = z.Id, kind = z.Kind.ToName(), maxSpeed = double.IsFinite(z.MaxSpeed) ? z.MaxSpeed : 0 }).ToArray();
            }
            else
            {
                using var channel = connection.Open(parseResult);
                CheckPointReply reply = await new Zones.ZonesClient(channel).CheckAsync(new CheckPointRequest { Point = new Vec2 { X = px, Y = py } }, deadline: SupervisorClientOptions.Deadline, cancellationToken: ct);
                zones = reply.Zones.Select(z => (object)new { zoneId = z.ZoneId, kind = z.Kind, maxSpeed = z.MaxSpeed }).ToArray();
            }
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new { x = px, y = py, zones });
            }
            else
            {
                output.Out.WriteLine(zones.Length == 0 ? $"({px}, {py}): in no zone" : $"({px}, {py}): " + string.Join("; ", zones));
            }
            return 0;
        }));
        return command;
    }

    private static object Describe(ZoneInfo z) => new { z.ZoneId, z.Kind, z.MaxSpeed, polygon = z.Polygon.Select(p => new[] { p.X, p.Y }), robots = z.RobotIds };
}
