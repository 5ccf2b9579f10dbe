using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Robot.Safety.Geofence;

/// <summary>
/// Reads and validates a YAML site file (format: safety/config/site.example.yaml). Every error is
/// collected with its line and column; a file with any error produces no model at all, so a
/// zone update applies fully or not at all. Unknown keys are errors: a typo in a safety file
/// must not silently drop a zone property.
/// </summary>
public static class SiteFileParser
{
    private static readonly GeometryFactory s_geometry = new(new PrecisionModel(), 0);

    /// <summary>Parses and validates <paramref name="yaml"/>; throws <see cref="SiteValidationException"/> with every error.</summary>
    public static SiteModel Parse(string yaml, string sourceName = "site")
    {
        var (model, errors) = TryParse(yaml);
        return model ?? throw new SiteValidationException(sourceName, errors);
    }

    /// <summary>Reads the file at <paramref name="path"/> (see <see cref="Parse"/>).</summary>
    public static SiteModel Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses and validates; returns the model, or null and every error.</summary>
    public static (SiteModel? Model, IReadOnlyList<SiteValidationError> Errors) TryParse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var errors = new List<SiteValidationError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            errors.Add(new SiteValidationError((int)e.Start.Line, (int)e.Start.Column, "$", "not valid YAML: " + e.Message));
            return (null, errors);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add(new SiteValidationError(1, 1, "$", "expected one YAML document whose top level is a mapping (site, version, defaults, robots, zones)"));
            return (null, errors);
        }
        var reader = new Reader(errors);
        reader.CheckKeys(root, "$", "site", "version", "defaults", "robots", "zones", "locations");
        string name = reader.RequiredString(root, "site", "$") ?? "";
        long version = reader.RequiredLong(root, "version", "$", min: 1) ?? 0;
        SiteDefaults defaults = ReadDefaults(reader, root);
        var robots = ReadRobots(reader, root);
        var zones = ReadZones(reader, root, defaults);
        var locations = ReadLocations(reader, root, zones);
        CheckContradictions(errors, robots, zones, defaults);
        if (errors.Count > 0)
        {
            return (null, errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToArray());
        }
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)));
        var built = zones.Select(z => new Zone(z.Id, z.Kind, z.Polygon!, z.MaxSpeed, z.Separation, robots.Where(r => r.WorkArea == z.Id).Select(r => r.Id).ToArray(), z.Line)).ToArray();
        var model = new SiteModel(name, version, hash, defaults, built, robots.Select(r => new SiteRobot(r.Id, r.WorkArea)).ToArray(), locations);
        return (model, []);
    }

    private static SiteDefaults ReadDefaults(Reader reader, YamlMappingNode root)
    {
        if (!reader.TryGetMapping(root, "defaults", "$", out YamlMappingNode? node))
        {
            return SiteDefaults.Default;
        }
        const string path = "defaults";
        reader.CheckKeys(node, path, "max_speed", "heartbeat_timeout", "person_track_timeout", "separation");
        double maxSpeed = reader.OptionalDouble(node, "max_speed", path, SiteDefaults.DefaultMaxSpeed, positive: true);
        double heartbeat = reader.OptionalDouble(node, "heartbeat_timeout", path, SiteDefaults.DefaultHeartbeatTimeout.TotalSeconds, positive: true);
        double track = reader.OptionalDouble(node, "person_track_timeout", path, SiteDefaults.DefaultPersonTrackTimeout.TotalSeconds, positive: true);
        SeparationParameters separation = reader.TryGetMapping(node, "separation", path, out YamlMappingNode? sep)
            ? ReadSeparation(reader, sep, path + ".separation", SeparationParameters.Default)
            : SeparationParameters.Default;
        return new SiteDefaults(maxSpeed, TimeSpan.FromSeconds(heartbeat), TimeSpan.FromSeconds(track), separation);
    }

    private static SeparationParameters ReadSeparation(Reader reader, YamlMappingNode node, string path, SeparationParameters fallback)
    {
        reader.CheckKeys(node, path, "person_speed", "intrusion_allowance", "sensing_uncertainty", "robot_uncertainty", "sensing_latency");
        return new SeparationParameters(
            reader.OptionalDouble(node, "person_speed", path, fallback.PersonSpeed, positive: true),
            reader.OptionalDouble(node, "intrusion_allowance", path, fallback.IntrusionAllowance, positive: false),
            reader.OptionalDouble(node, "sensing_uncertainty", path, fallback.SensingUncertainty, positive: false),
            reader.OptionalDouble(node, "robot_uncertainty", path, fallback.RobotUncertainty, positive: false),
            reader.OptionalDouble(node, "sensing_latency", path, fallback.SensingLatency, positive: false));
    }

    private sealed record RobotEntry(string Id, string? WorkArea, int Line, int Column);

    private static List<RobotEntry> ReadRobots(Reader reader, YamlMappingNode root)
    {
        var list = new List<RobotEntry>();
        if (!reader.TryGetSequence(root, "robots", "$", required: true, out YamlSequenceNode? robots))
        {
            return list;
        }
        for (int i = 0; i < robots.Children.Count; i++)
        {
            string path = $"robots[{i}]";
            if (robots.Children[i] is not YamlMappingNode node)
            {
                reader.Error(robots.Children[i], path, "expected a mapping with id and optional work_area");
                continue;
            }
            reader.CheckKeys(node, path, "id", "work_area");
            string? id = reader.RequiredString(node, "id", path);
            string? workArea = reader.OptionalString(node, "work_area", path);
            if (id is null)
            {
                continue;
            }
            if (list.Any(r => r.Id == id))
            {
                reader.Error(node, path + ".id", $"duplicate robot id '{id}'");
                continue;
            }
            list.Add(new RobotEntry(id, workArea, (int)node.Start.Line, (int)node.Start.Column));
        }
        return list;
    }

    private sealed record ZoneEntry(string Id, ZoneKind Kind, Polygon? Polygon, double MaxSpeed, SeparationParameters? Separation, int Line, int Column, string Path);

    private static List<ZoneEntry> ReadZones(Reader reader, YamlMappingNode root, SiteDefaults defaults)
    {
        var list = new List<ZoneEntry>();
        if (!reader.TryGetSequence(root, "zones", "$", required: true, out YamlSequenceNode? zones))
        {
            return list;
        }
        for (int i = 0; i < zones.Children.Count; i++)
        {
            string path = $"zones[{i}]";
            if (zones.Children[i] is not YamlMappingNode node)
            {
                reader.Error(zones.Children[i], path, "expected a mapping with id, kind and polygon");
                continue;
            }
            reader.CheckKeys(node, path, "id", "kind", "polygon", "max_speed", "separation");
            string? id = reader.RequiredString(node, "id", path);
            if (id is not null)
            {
                path = $"zones[{i}] ({id})";
            }
            string? kindName = reader.RequiredString(node, "kind", path);
            ZoneKind kind = default;
            bool kindOk = kindName is not null && ZoneKindNames.TryParse(kindName, out kind);
            if (kindName is not null && !kindOk)
            {
                reader.Error(node.Children[new YamlScalarNode("kind")], path + ".kind",
                    $"unknown kind '{kindName}'; expected {ZoneKindNames.KeepOut}, {ZoneKindNames.SpeedLimit}, {ZoneKindNames.Shared} or {ZoneKindNames.WorkArea}");
            }
            Polygon? polygon = ReadPolygon(reader, node, path);
            double maxSpeed = double.PositiveInfinity;
            bool hasSpeed = node.Children.ContainsKey(new YamlScalarNode("max_speed"));
            if (hasSpeed)
            {
                maxSpeed = reader.OptionalDouble(node, "max_speed", path, double.PositiveInfinity, positive: true);
            }
            SeparationParameters? separation = null;
            bool hasSeparation = reader.TryGetMapping(node, "separation", path, out YamlMappingNode? sep);
            if (kindOk)
            {
                var at = node.Children.TryGetValue(new YamlScalarNode("max_speed"), out YamlNode? speedNode) ? speedNode : node;
                switch (kind)
                {
                    case ZoneKind.SpeedLimit when !hasSpeed:
                        reader.Error(node, path, "a speed_limit zone needs max_speed (m/s)");
                        break;
                    case ZoneKind.KeepOut or ZoneKind.WorkArea when hasSpeed:
                        reader.Error(at, path + ".max_speed", $"a {kind.ToName()} zone cannot have max_speed (contradiction: nothing moves in a keep-out zone, and a work area's speed comes from the zones inside it)");
                        break;
                }
                if (hasSpeed && maxSpeed > defaults.MaxSpeed && double.IsFinite(maxSpeed))
                {
                    reader.Error(at, path + ".max_speed", $"max_speed {Fmt(maxSpeed)} m/s exceeds the site's max_speed {Fmt(defaults.MaxSpeed)} m/s (contradiction: a zone can only lower the limit)");
                }
                if (hasSeparation && kind != ZoneKind.Shared)
                {
                    reader.Error(node.Children[new YamlScalarNode("separation")], path + ".separation", $"only a shared zone has separation parameters, this one is {kind.ToName()}");
                }
                if (kind == ZoneKind.Shared)
                {
                    separation = hasSeparation ? ReadSeparation(reader, sep!, path + ".separation", defaults.Separation) : defaults.Separation;
                }
            }
            if (id is null || !kindOk)
            {
                continue;
            }
            if (list.Any(z => z.Id == id))
            {
                reader.Error(node, path + ".id", $"duplicate zone id '{id}'");
                continue;
            }
            list.Add(new ZoneEntry(id, kind, polygon, maxSpeed, separation, (int)node.Start.Line, (int)node.Start.Column, path));
        }
        return list;
    }

    private static Polygon? ReadPolygon(Reader reader, YamlMappingNode node, string path)
    {
        if (!reader.TryGetSequence(node, "polygon", path, required: true, out YamlSequenceNode? points))
        {
            return null;
        }
        path += ".polygon";
        var coordinates = new List<Coordinate>();
        bool ok = true;
        for (int i = 0; i < points.Children.Count; i++)
        {
            if (points.Children[i] is not YamlSequenceNode pair || pair.Children.Count != 2
                || !reader.TryDouble(pair.Children[0], $"{path}[{i}][0]", out double x)
                || !reader.TryDouble(pair.Children[1], $"{path}[{i}][1]", out double y))
            {
                if (points.Children[i] is not YamlSequenceNode { Children.Count: 2 })
                {
                    reader.Error(points.Children[i], $"{path}[{i}]", "expected a point [x, y] in metres");
                }
                ok = false;
                continue;
            }
            coordinates.Add(new Coordinate(x, y));
        }
        if (!ok)
        {
            return null;
        }
        if (coordinates.Count > 1 && coordinates[0].Equals2D(coordinates[^1]))
        {
            coordinates.RemoveAt(coordinates.Count - 1);
        }
        int distinct = coordinates.Select(c => (c.X, c.Y)).Distinct().Count();
        if (distinct < 3)
        {
            reader.Error(points, path, $"a polygon needs at least 3 distinct points, this one has {distinct}");
            return null;
        }
        coordinates.Add(coordinates[0].Copy());
        Polygon polygon = s_geometry.CreatePolygon(coordinates.ToArray());
        var validity = new IsValidOp(polygon);
        if (!validity.IsValid)
        {
            TopologyValidationError? e = validity.ValidationError;
            string where = e?.Coordinate is { } c ? $" at ({Fmt(c.X)}, {Fmt(c.Y)})" : "";
            reader.Error(points, path, $"invalid polygon: {e?.Message ?? "invalid"}{where} (points must trace a simple, non-self-intersecting outline)");
            return null;
        }
        if (polygon.Area <= 0)
        {
            reader.Error(points, path, "polygon has zero area");
            return null;
        }
        return polygon;
    }

    private static void CheckContradictions(List<SiteValidationError> errors, List<RobotEntry> robots, List<ZoneEntry> zones, SiteDefaults defaults)
    {
        var byId = zones.ToDictionary(z => z.Id, StringComparer.Ordinal);
        foreach (RobotEntry robot in robots)
        {
            if (robot.WorkArea is null)
            {
                continue;
            }
            if (!byId.TryGetValue(robot.WorkArea, out ZoneEntry? area))
            {
                errors.Add(new SiteValidationError(robot.Line, robot.Column, $"robots ({robot.Id}).work_area", $"unknown zone '{robot.WorkArea}'"));
            }
            else if (area.Kind != ZoneKind.WorkArea)
            {
                errors.Add(new SiteValidationError(robot.Line, robot.Column, $"robots ({robot.Id}).work_area", $"zone '{area.Id}' is a {area.Kind.ToName()} zone, not a work_area"));
            }
        }
        var keepOuts = zones.Where(z => z.Kind == ZoneKind.KeepOut && z.Polygon is not null).ToArray();
        foreach (ZoneEntry zone in zones.Where(z => z.Kind != ZoneKind.KeepOut && z.Polygon is not null))
        {
            foreach (ZoneEntry keepOut in keepOuts)
            {
                if (keepOut.Polygon!.Covers(zone.Polygon))
                {
                    errors.Add(new SiteValidationError(zone.Line, zone.Column, zone.Path,
                        $"lies entirely inside keep-out zone '{keepOut.Id}' (line {keepOut.Line}): a {zone.Kind.ToName()} zone no robot may enter is a contradiction"));
                }
            }
        }
        var shared = zones.Where(z => z.Kind == ZoneKind.Shared && z.Polygon is not null).ToArray();
        for (int i = 0; i < shared.Length; i++)
        {
            for (int j = i + 1; j < shared.Length; j++)
            {
                if (shared[i].Separation != shared[j].Separation && shared[i].Polygon!.Relate(shared[j].Polygon, "2********"))
                {
                    errors.Add(new SiteValidationError(shared[j].Line, shared[j].Column, shared[j].Path,
                        $"overlaps shared zone '{shared[i].Id}' (line {shared[i].Line}) with different separation parameters: which ones apply to a person in the overlap is ambiguous"));
                }
            }
        }
        _ = defaults;
    }

    /// <summary>
    /// <c>locations:</c> (optional): named slots, totes and waypoints with <c>at: [x, y, z]</c> (the
    /// object) and <c>approach: [x, y, yaw_deg]</c> (the robot's stance). A stance inside a keep-out
    /// zone, or a duplicate id, is an error: a task must never be sent where no robot may stand.
    /// </summary>
    private static List<SiteLocation> ReadLocations(Reader reader, YamlMappingNode root, List<ZoneEntry> zones)
    {
        var list = new List<SiteLocation>();
        if (!reader.TryGetSequence(root, "locations", "$", required: false, out YamlSequenceNode? locations))
        {
            return list;
        }
        var keepOuts = zones.Where(z => z.Kind == ZoneKind.KeepOut && z.Polygon is not null).ToArray();
        for (int i = 0; i < locations.Children.Count; i++)
        {
            string path = $"locations[{i}]";
            if (locations.Children[i] is not YamlMappingNode node)
            {
                reader.Error(locations.Children[i], path, "expected a mapping with id, kind, at and approach");
                continue;
            }
            reader.CheckKeys(node, path, "id", "kind", "at", "approach");
            string? id = reader.RequiredString(node, "id", path);
            if (id is not null)
            {
                path = $"locations[{i}] ({id})";
            }
            string? kindName = reader.RequiredString(node, "kind", path);
            SiteLocationKind kind = default;
            bool kindOk = kindName is not null && Enum.TryParse(kindName, ignoreCase: true, out kind) && !int.TryParse(kindName, out _);
            if (kindName is not null && !kindOk)
            {
                reader.Error(node.Children[new YamlScalarNode("kind")], path + ".kind", $"unknown kind '{kindName}'; expected slot, tote or waypoint");
            }
            double[]? at = reader.NumberList(node, "at", path, 3);
            double[]? approach = reader.NumberList(node, "approach", path, 3);
            if (at is not null && at[2] < 0)
            {
                reader.Error(node.Children[new YamlScalarNode("at")], path + ".at", $"height {Fmt(at[2])} m is below the floor");
            }
            if (approach is not null)
            {
                var stance = s_geometry.CreatePoint(new Coordinate(approach[0], approach[1]));
                foreach (ZoneEntry keepOut in keepOuts.Where(k => k.Polygon!.Covers(stance)))
                {
                    reader.Error(node.Children[new YamlScalarNode("approach")], path + ".approach",
                        $"the stance ({Fmt(approach[0])}, {Fmt(approach[1])}) is inside keep-out zone '{keepOut.Id}' (line {keepOut.Line})");
                }
            }
            if (id is null || !kindOk || at is null || approach is null)
            {
                continue;
            }
            if (list.Any(l => l.Id == id))
            {
                reader.Error(node, path + ".id", $"duplicate location id '{id}'");
                continue;
            }
            list.Add(new SiteLocation(id, kind, at[0], at[1], at[2], approach[0], approach[1], approach[2], (int)node.Start.Line));
        }
        return list;
    }

    private static string Fmt(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Typed access to YAML nodes that records errors instead of throwing.</summary>
    private sealed class Reader(List<SiteValidationError> errors)
    {
        public void Error(YamlNode node, string path, string message) =>
            errors.Add(new SiteValidationError((int)node.Start.Line, (int)node.Start.Column, path, message));

        public void CheckKeys(YamlMappingNode node, string path, params string[] allowed)
        {
            foreach (var (key, _) in node.Children)
            {
                string name = (key as YamlScalarNode)?.Value ?? "?";
                if (Array.IndexOf(allowed, name) < 0)
                {
                    Error(key, $"{path}.{name}", $"unknown key '{name}'; expected one of: {string.Join(", ", allowed)}");
                }
            }
        }

        private static bool TryGet(YamlMappingNode node, string key, out YamlNode value) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out value!);

        public string? RequiredString(YamlMappingNode node, string key, string path)
        {
            if (!TryGet(node, key, out YamlNode value))
            {
                Error(node, $"{path}.{key}", $"missing required key '{key}'");
                return null;
            }
            if (value is not YamlScalarNode { Value: { Length: > 0 } text })
            {
                Error(value, $"{path}.{key}", "expected a non-empty text value");
                return null;
            }
            return text;
        }

        public string? OptionalString(YamlMappingNode node, string key, string path)
        {
            if (!TryGet(node, key, out YamlNode value))
            {
                return null;
            }
            if (value is not YamlScalarNode { Value: { Length: > 0 } text })
            {
                Error(value, $"{path}.{key}", "expected a non-empty text value");
                return null;
            }
            return text;
        }

        public long? RequiredLong(YamlMappingNode node, string key, string path, long min)
        {
            if (!TryGet(node, key, out YamlNode value))
            {
                Error(node, $"{path}.{key}", $"missing required key '{key}'");
                return null;
            }
            if (value is not YamlScalarNode scalar || !long.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long result) || result < min)
            {
                Error(value, $"{path}.{key}", $"expected an integer >= {min}, got '{(value as YamlScalarNode)?.Value}'");
                return null;
            }
            return result;
        }

        public bool TryDouble(YamlNode value, string path, out double result)
        {
            if (value is YamlScalarNode scalar
                && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out result)
                && double.IsFinite(result))
            {
                return true;
            }
            Error(value, path, $"expected a finite number, got '{(value as YamlScalarNode)?.Value ?? value.NodeType.ToString()}'");
            result = 0;
            return false;
        }

        public double OptionalDouble(YamlMappingNode node, string key, string path, double fallback, bool positive)
        {
            if (!TryGet(node, key, out YamlNode value))
            {
                return fallback;
            }
            if (!TryDouble(value, $"{path}.{key}", out double result))
            {
                return fallback;
            }
            if (positive ? result <= 0 : result < 0)
            {
                Error(value, $"{path}.{key}", $"expected a number {(positive ? "> 0" : ">= 0")}, got {Fmt(result)}");
                return fallback;
            }
            return result;
        }

        /// <summary>A required list of exactly <paramref name="count"/> finite numbers; null (and an error) otherwise.</summary>
        public double[]? NumberList(YamlMappingNode node, string key, string path, int count)
        {
            if (!TryGetSequence(node, key, path, required: true, out YamlSequenceNode? sequence))
            {
                return null;
            }
            if (sequence.Children.Count != count)
            {
                Error(sequence, $"{path}.{key}", $"expected {count} numbers, got {sequence.Children.Count}");
                return null;
            }
            var values = new double[count];
            for (int i = 0; i < count; i++)
            {
                if (!TryDouble(sequence.Children[i], $"{path}.{key}[{i}]", out values[i]))
                {
                    return null;
                }
            }
            return values;
        }

        public bool TryGetMapping(YamlMappingNode node, string key, string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out YamlMappingNode? mapping)
        {
            mapping = null;
            if (!TryGet(node, key, out YamlNode value))
            {
                return false;
            }
            if (value is not YamlMappingNode m)
            {
                Error(value, $"{path}.{key}", "expected a mapping");
                return false;
            }
            mapping = m;
            return true;
        }

        public bool TryGetSequence(YamlMappingNode node, string key, string path, bool required, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out YamlSequenceNode? sequence)
        {
            sequence = null;
            if (!TryGet(node, key, out YamlNode value))
            {
                if (required)
                {
                    Error(node, $"{path}.{key}", $"missing required key '{key}'");
                }
                return false;
            }
            if (value is not YamlSequenceNode s)
            {
                Error(value, $"{path}.{key}", "expected a list");
                return false;
            }
            sequence = s;
            return true;
        }
    }
}
