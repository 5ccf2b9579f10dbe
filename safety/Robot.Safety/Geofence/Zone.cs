using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace Robot.Safety.Geofence;

/// <summary>
/// One geofence: a simple polygon (site frame, metres) with what it means. Immutable once built;
/// the prepared geometry and the indexed point locator are built eagerly so concurrent readers
/// never race on lazy initialisation.
/// </summary>
public sealed class Zone
{
    internal Zone(string id, ZoneKind kind, Polygon polygon, double maxSpeed, SeparationParameters? separation, IReadOnlyList<string> robotIds, int line)
    {
        Id = id;
        Kind = kind;
        Polygon = polygon;
        MaxSpeed = maxSpeed;
        Separation = separation;
        RobotIds = robotIds;
        Line = line;
        Prepared = PreparedGeometryFactory.Prepare(polygon);
        Locator = new IndexedPointInAreaLocator(polygon);
        Ring = polygon.Shell.Coordinates;
        Outline = new ZoneOutline(polygon);
        // Force the locator's index now (it is built lazily on first use otherwise).
        Locator.Locate(Ring[0]);
    }

    public string Id { get; }
    public ZoneKind Kind { get; }
    /// <summary>Outline, site frame, metres; closed ring, counter-clockwise not required.</summary>
    public Polygon Polygon { get; }
    /// <summary>Speed limit inside, m/s; <see cref="double.PositiveInfinity"/> when the zone sets none.</summary>
    public double MaxSpeed { get; }
    /// <summary>Separation parameters of a shared zone, else null.</summary>
    public SeparationParameters? Separation { get; }
    /// <summary>Robots a work area belongs to (empty for other kinds).</summary>
    public IReadOnlyList<string> RobotIds { get; }
    /// <summary>Line of the zone in its site file (0 when built in code).</summary>
    public int Line { get; }
    /// <summary>Prepared geometry for repeated predicates (zone checks, validation).</summary>
    public IPreparedGeometry Prepared { get; }
    /// <summary>Indexed point-in-polygon locator (what a prepared polygon uses); allocates a small visitor per query, so the per-state decision uses <see cref="Outline"/>.</summary>
    public IndexedPointInAreaLocator Locator { get; }
    /// <summary>The outline as plain arrays: allocation-free point-in-polygon and distances for the per-state decision.</summary>
    public ZoneOutline Outline { get; }
    /// <summary>Shell vertices, closed (first == last).</summary>
    public Coordinate[] Ring { get; }
}
