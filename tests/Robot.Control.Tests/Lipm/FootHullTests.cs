using Robot.Control.Lipm;

namespace Robot.Control.Tests.Lipm;

public class FootHullTests
{
    private const double HalfLength = 0.09, HalfWidth = 0.03;

    private static FootHull Hull(double ax, double ay, double bx, double by)
    {
        var hull = new FootHull();
        hull.Set(ax, ay, bx, by, HalfLength, HalfWidth);
        return hull;
    }

    [Fact]
    public void SideBySide_IsTheBoundingBox()
    {
        FootHull hull = Hull(0, 0.09, 0, -0.09);
        Assert.Equal(4, hull.Count);
        Assert.Equal(0.09, hull.Inside(0, 0), 12); // nearer the toe than the outer edges
        Assert.Equal(0.0, hull.Inside(0.09, 0.12), 12);
        Assert.Equal(-0.01, hull.Inside(0, 0.13), 12);
    }

    [Fact]
    public void DiagonalStance_ExcludesTheBoundingBoxCorner()
    {
        // Right sole at the origin side, left sole 0.3 m ahead: the box's front-right corner is off the feet.
        FootHull hull = Hull(0.3, 0.09, 0, -0.09);
        Assert.Equal(6, hull.Count);
        Assert.True(hull.Inside(0.35, -0.10) < 0);
        Assert.True(hull.Inside(0.15, 0) > 0); // between the feet
    }

    [Fact]
    public void Overlaps_IsExactForRectanglesNearTheSlantedEdge()
    {
        FootHull hull = Hull(0.3, 0.09, 0, -0.09);
        Assert.False(hull.Overlaps(0.33, 0.38, -0.12, -0.08)); // inside the bounding box, off the hull
        Assert.True(hull.Overlaps(0.19, 0.21, -0.07, -0.04)); // straddles the slanted edge
        Assert.True(hull.Overlaps(-1, 1, -1, 1)); // holds the whole hull
        Assert.True(hull.Overlaps(0.14, 0.16, -0.01, 0.01)); // wholly inside
        Assert.False(hull.Overlaps(0.5, 0.6, 0, 0.1)); // beyond the front
    }

    [Fact]
    public void Nearest_InsideIsUnchanged_OutsideMovesTheLeastDistanceToTheMargin()
    {
        FootHull hull = Hull(0.3, 0.09, 0, -0.09);
        Assert.Equal((0.15, 0.0), hull.Nearest(0.15, 0, 0.01));
        // Beyond the front of the left sole (front edge x = 0.39): straight back to 1 cm inside it.
        var (x, y) = hull.Nearest(0.45, 0.09, 0.01);
        Assert.Equal(0.38, x, 9);
        Assert.Equal(0.09, y, 9);
        // Off the slanted edge (from (0.09, -0.12) to (0.39, 0.06)), in the bounding box's empty
        // corner: straight across the edge, square to it, not towards the centre (which would
        // turn the CoP's direction).
        (x, y) = hull.Nearest(0.2, -0.12, 0.01);
        Assert.Equal(0.01, hull.Inside(x, y), 9);
        Assert.Equal(-0.18 / 0.30, (x - 0.2) / (y - -0.12), 9);
        // However far out, the result is inside by the margin.
        (x, y) = hull.Nearest(5, -5, 0.02);
        Assert.True(hull.Inside(x, y) >= 0.02 - 1e-9, $"({x:F3}, {y:F3}) is {hull.Inside(x, y):F4} inside");
    }
}
