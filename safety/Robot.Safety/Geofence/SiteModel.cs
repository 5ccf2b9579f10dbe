using System.Collections.Frozen;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace Robot.Safety.Geofence;

/// <summary>
/// A validated site configuration: zones with their spatial index, robots, defaults. Immutable:
/// a new version replaces the old one whole (an atomic reference swap), so a decision always
/// sees one consistent version.
/// </summary>
public sealed class SiteModel
{
    internal SiteModel(string name, long version, string contentHash, SiteDefaults defaults, IReadOnlyList<Zone> zones, IReadOnlyList<SiteRobot> robots,
        IReadOnlyList<SiteLocation>? locations = null)
    {
        Locations = (locations ?? []).ToFrozenDictionary(l => l.Id, StringComparer.Ordinal);
        Name = name;
        Version = version;
        ContentHash = contentHash;
        Defaults = defaults;
        Zones = zones;
        Robots = robots.ToFrozenDictionary(r => r.Id, StringComparer.Ordinal);
        ZonesById = zones.ToFrozenDictionary(z => z.Id, StringComparer.Ordinal);
        Index = new STRtree<Zone>();
        SharedZones = zones.Where(z => z.Kind == ZoneKind.Shared).ToArray();
        foreach (Zone zone in zones)
        {
            if (zone.Kind != ZoneKind.WorkArea)
            {
                Index.Insert(zone.Polygon.EnvelopeInternal, zone);
            }
        }
        // Build now: an STRtree builds itself on first query otherwise, which is not thread-safe.
        Index.Build();
    }

    /// <summary>Named slots, totes and waypoints (the site file's <c>locations:</c>), by id.</summary>
    public FrozenDictionary<string, SiteLocation> Locations { get; }

    /// <summary>Site name from the file.</summary>
    public string Name { get; }
    /// <summary>Version: the file's <c>version:</c>, which must grow with every applied change.</summary>
    public long Version { get; }
    /// <summary>SHA-256 of the file text, lower-case hex; what the audit log records.</summary>
    public string ContentHash { get; }
    public SiteDefaults Defaults { get; }
    public IReadOnlyList<Zone> Zones { get; }
    public FrozenDictionary<string, Zone> ZonesById { get; }
    public FrozenDictionary<string, SiteRobot> Robots { get; }
    /// <summary>Keep-out, speed-limit and shared zones by envelope (work areas are looked up by robot).</summary>
    public STRtree<Zone> Index { get; }
    /// <summary>Shared zones, for finding the separation parameters that apply to a person.</summary>
    public IReadOnlyList<Zone> SharedZones { get; }

    /// <summary>Work area of <paramref name="robotId"/>, or null when it may use the whole site.</summary>
    public Zone? WorkAreaOf(string robotId) =>
        Robots.TryGetValue(robotId, out SiteRobot? robot) && robot.WorkAreaId is { } id ? ZonesById[id] : null;

    /// <summary>Zones that contain or touch the point (any kind), in file order.</summary>
    public IReadOnlyList<Zone> ZonesAt(double x, double y)
    {
        var point = new Point(x, y);
        return Zones.Where(z => z.Prepared.Covers(point)).ToArray();
    }
}
