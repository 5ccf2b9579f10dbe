using NetTopologySuite.Geometries;

namespace Robot.Safety.Geofence;

/// <summary>
/// A zone's outline as plain arrays, computed once from its validated NTS polygon when the site
/// is applied, so the per-state decision does geometry without allocating: NTS's point locator
/// allocates a visitor per query and its distance functions take <see cref="Coordinate"/>
/// objects. Answers the same questions as NTS for a simple polygon without holes (the site
/// parser accepts nothing else); a property test checks it against NTS's Distance and Contains.
/// Immutable and thread-safe.
/// </summary>
public sealed class ZoneOutline
{
    // Vertices of the closed shell, site frame, metres: length = vertex count + 1, last = first.
    private readonly double[] _x;
    private readonly double[] _y;

    /// <summary>Copies the shell of <paramref name="polygon"/> (holes are not supported and must be rejected before).</summary>
    public ZoneOutline(Polygon polygon)
    {
        ArgumentNullException.ThrowIfNull(polygon);
        if (polygon.NumInteriorRings != 0)
        {
            throw new ArgumentException($"zone polygons have no holes; this one has {polygon.NumInteriorRings}", nameof(polygon));
        }
        Coordinate[] ring = polygon.Shell.Coordinates;
        _x = new double[ring.Length];
        _y = new double[ring.Length];
        for (int i = 0; i < ring.Length; i++)
        {
            _x[i] = ring[i].X;
            _y[i] = ring[i].Y;
        }
        Envelope e = polygon.EnvelopeInternal;
        (MinX, MinY, MaxX, MaxY) = (e.MinX, e.MinY, e.MaxX, e.MaxY);
    }

    /// <summary>Bounding box, site frame, metres.</summary>
    public double MinX { get; }
    /// <inheritdoc cref="MinX"/>
    public double MinY { get; }
    /// <inheritdoc cref="MinX"/>
    public double MaxX { get; }
    /// <inheritdoc cref="MinX"/>
    public double MaxY { get; }

    /// <summary>
    /// True when (x, y) is inside the polygon (crossing number). A point exactly on the outline may
    /// go either way: callers decide by <see cref="BoundaryDistance"/> first, which is 0 there.
    /// </summary>
    public bool Contains(double x, double y)
    {
        if (x < MinX || x > MaxX || y < MinY || y > MaxY)
        {
            return false;
        }
        bool inside = false;
        double[] xs = _x, ys = _y;
        for (int i = 0, n = xs.Length - 1; i < n; i++)
        {
            double y0 = ys[i], y1 = ys[i + 1];
            if ((y0 > y) != (y1 > y))
            {
                double crossX = xs[i] + (y - y0) / (y1 - y0) * (xs[i + 1] - xs[i]);
                if (x < crossX)
                {
                    inside = !inside;
                }
            }
        }
        return inside;
    }

    /// <summary>
    /// Shortest distance, metres, from the segment a→b (a point when a == b) to the outline; 0
    /// when it touches or crosses it. NTS equivalent: <c>polygon.Shell.Distance(segment)</c>.
    /// </summary>
    public double BoundaryDistance(double ax, double ay, double bx, double by)
    {
        double best = double.PositiveInfinity;
        double[] xs = _x, ys = _y;
        bool point = ax == bx && ay == by;
        for (int i = 0, n = xs.Length - 1; i < n; i++)
        {
            double d = point
                ? Math.Sqrt(PointSegmentSquared(ax, ay, xs[i], ys[i], xs[i + 1], ys[i + 1]))
                : SegmentSegment(ax, ay, bx, by, xs[i], ys[i], xs[i + 1], ys[i + 1]);
            if (d < best)
            {
                best = d;
                if (best == 0)
                {
                    break;
                }
            }
        }
        return best;
    }

    /// <summary>
    /// Shortest distance, metres, from the segment a→b to the polygon's area: 0 when any part of it
    /// is inside or on the outline. NTS equivalent: <c>polygon.Distance(segment)</c>.
    /// </summary>
    public double Distance(double ax, double ay, double bx, double by)
    {
        double boundary = BoundaryDistance(ax, ay, bx, by);
        return boundary > 0 && Contains(ax, ay) ? 0 : boundary;
    }

    private static double PointSegmentSquared(double px, double py, double ax, double ay, double bx, double by)
    {
        double dx = bx - ax, dy = by - ay;
        double lengthSquared = dx * dx + dy * dy;
        double t = lengthSquared > 0 ? Math.Clamp(((px - ax) * dx + (py - ay) * dy) / lengthSquared, 0, 1) : 0;
        double ex = ax + t * dx - px, ey = ay + t * dy - py;
        return ex * ex + ey * ey;
    }

    // Two segments are at distance 0 when they intersect; otherwise the closest pair involves an
    // endpoint of one of them, so the distance is the least of four point-segment distances.
    private static double SegmentSegment(double ax, double ay, double bx, double by, double cx, double cy, double dx, double dy)
    {
        double d1 = Cross(cx, cy, dx, dy, ax, ay), d2 = Cross(cx, cy, dx, dy, bx, by);
        double d3 = Cross(ax, ay, bx, by, cx, cy), d4 = Cross(ax, ay, bx, by, dx, dy);
        if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
        {
            return 0;
        }
        double best = PointSegmentSquared(ax, ay, cx, cy, dx, dy);
        best = Math.Min(best, PointSegmentSquared(bx, by, cx, cy, dx, dy));
        best = Math.Min(best, PointSegmentSquared(cx, cy, ax, ay, bx, by));
        best = Math.Min(best, PointSegmentSquared(dx, dy, ax, ay, bx, by));
        return Math.Sqrt(best);
    }

    // Orientation of p against the line a→b: > 0 left, < 0 right, 0 collinear.
    private static double Cross(double ax, double ay, double bx, double by, double px, double py) =>
        (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}
