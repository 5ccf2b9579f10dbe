using NetTopologySuite.Geometries;
using Robot.Safety.Geofence;

namespace Robot.Safety.Tests.Geofence;

/// <summary>
/// The allocation-free outline must answer exactly what NTS answers: property tests over random
/// simple polygons (convex and concave) and thousands of random points and segments.
/// </summary>
public class ZoneOutlineTests
{
    private const double Tolerance = 1e-9;
    private static readonly GeometryFactory s_factory = new();

    /// <summary>A random star-shaped (so simple, often concave) polygon around (cx, cy).</summary>
    private static Polygon RandomPolygon(Random random, double cx, double cy)
    {
        int n = random.Next(3, 14);
        double[] angles = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 * Math.PI).Order()];
        var ring = new Coordinate[n + 1];
        for (int i = 0; i < n; i++)
        {
            double r = 0.5 + random.NextDouble() * 6;
            ring[i] = new Coordinate(cx + r * Math.Cos(angles[i]), cy + r * Math.Sin(angles[i]));
        }
        ring[n] = ring[0].Copy();
        return s_factory.CreatePolygon(ring);
    }

    private static Geometry Segment(double ax, double ay, double bx, double by) =>
        ax == bx && ay == by ? s_factory.CreatePoint(new Coordinate(ax, ay)) : s_factory.CreateLineString([new Coordinate(ax, ay), new Coordinate(bx, by)]);

    [Fact]
    public void RandomPolygonsPointsAndSegments_MatchNtsDistanceAndContains()
    {
        var random = new Random(20260801);
        int polygons = 0, checkedPoints = 0, inside = 0, touching = 0;
        while (polygons < 60)
        {
            Polygon polygon = RandomPolygon(random, random.NextDouble() * 100, random.NextDouble() * 100);
            if (!polygon.IsValid)
            {
                continue;
            }
            polygons++;
            var outline = new ZoneOutline(polygon);
            Envelope e = polygon.EnvelopeInternal;
            for (int k = 0; k < 100; k++)
            {
                double ax = e.MinX - 3 + random.NextDouble() * (e.Width + 6), ay = e.MinY - 3 + random.NextDouble() * (e.Height + 6);
                bool point = k % 3 == 0;
                double bx = point ? ax : ax + (random.NextDouble() - 0.5) * 8, by = point ? ay : ay + (random.NextDouble() - 0.5) * 8;
                Geometry probe = Segment(ax, ay, bx, by);

                double boundary = polygon.Shell.Distance(probe);
                Assert.Equal(boundary, outline.BoundaryDistance(ax, ay, bx, by), Tolerance);
                double area = polygon.Distance(probe);
                Assert.Equal(area, outline.Distance(ax, ay, bx, by), Tolerance);
                touching += boundary == 0 ? 1 : 0;

                double start = polygon.Shell.Distance(s_factory.CreatePoint(new Coordinate(ax, ay)));
                if (start > Tolerance)
                {
                    bool contains = polygon.Contains(s_factory.CreatePoint(new Coordinate(ax, ay)));
                    Assert.Equal(contains, outline.Contains(ax, ay));
                    inside += contains ? 1 : 0;
                }
                checkedPoints++;
            }
        }
        // The sample must exercise every case, or the comparison proves little.
        Assert.Equal(6000, checkedPoints);
        Assert.InRange(inside, 500, 5500);
        Assert.InRange(touching, 300, 5700);
    }

    [Fact]
    public void SharedEdgeAndVertexContact_IsDistanceZero()
    {
        var outline = new ZoneOutline(s_factory.CreatePolygon([new(0, 0), new(4, 0), new(4, 4), new(0, 4), new(0, 0)]));
        Assert.Equal(0, outline.BoundaryDistance(4, 4, 6, 6));
        Assert.Equal(0, outline.BoundaryDistance(-1, 0, 5, 0));
        Assert.Equal(0, outline.BoundaryDistance(2, 0, 2, 0));
        Assert.Equal(1, outline.BoundaryDistance(5, 2, 5, 2), Tolerance);
        Assert.Equal(0, outline.Distance(1, 1, 2, 2));
        Assert.Equal(Math.Sqrt(2), outline.Distance(5, 5, 6, 7), Tolerance);
    }

    [Fact]
    public void PolygonWithHole_IsRefused()
    {
        LinearRing shell = s_factory.CreateLinearRing([new(0, 0), new(10, 0), new(10, 10), new(0, 10), new(0, 0)]);
        LinearRing hole = s_factory.CreateLinearRing([new(2, 2), new(4, 2), new(4, 4), new(2, 4), new(2, 2)]);
        var e = Assert.Throws<ArgumentException>(() => new ZoneOutline(s_factory.CreatePolygon(shell, [hole])));
        Assert.Contains("no holes", e.Message, StringComparison.Ordinal);
    }
}
