namespace Robot.Control.Lipm;

/// <summary>
/// An axis-aligned rectangular support region in the ground frame (double support of two
/// parallel feet: their bounding box), for capturability margins. Metres.
/// </summary>
public readonly record struct SupportPolygon(double MinX, double MaxX, double MinY, double MaxY)
{
    /// <summary>
    /// Distance from (<paramref name="x"/>, <paramref name="y"/>) to the edge along the unit
    /// direction <paramref name="angle"/> (rad, 0 = +x forward): r_max of the capturability
    /// bounds for a push in that direction. 0 when the point is outside.
    /// </summary>
    public double DistanceToEdge(double x, double y, double angle)
    {
        if (x < MinX || x > MaxX || y < MinY || y > MaxY)
        {
            return 0;
        }
        double dx = Math.Cos(angle), dy = Math.Sin(angle);
        double tx = dx > 1e-12 ? (MaxX - x) / dx : dx < -1e-12 ? (MinX - x) / dx : double.PositiveInfinity;
        double ty = dy > 1e-12 ? (MaxY - y) / dy : dy < -1e-12 ? (MinY - y) / dy : double.PositiveInfinity;
        return Math.Min(tx, ty);
    }
}
