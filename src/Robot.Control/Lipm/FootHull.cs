namespace Robot.Control.Lipm;

/// <summary>
/// The support polygon of two soles in double support: the convex hull of two rectangles
/// aligned with the ground frame's axes (soles of half-length <c>hl</c> along x and half-width
/// <c>hw</c> along y). After a step the feet are apart diagonally and the hull is a slanted
/// hexagon, far smaller than the two soles' bounding box: a CoP or DCM inside the box can be
/// outside the feet. Reused in place (<see cref="Set"/>) so that the control tick allocates nothing.
/// </summary>
public sealed class FootHull
{
    private readonly double[] _x = new double[8], _y = new double[8];
    private readonly double[] _hx = new double[9], _hy = new double[9];
    private int _count;

    /// <summary>Number of hull vertices (counter-clockwise).</summary>
    public int Count => _count;

    /// <summary>The hull of two soles centred at (ax, ay) and (bx, by).</summary>
    public void Set(double ax, double ay, double bx, double by, double halfLength, double halfWidth)
    {
        int k = 0;
        foreach (var (cx, cy) in (ReadOnlySpan<(double, double)>)[(ax, ay), (bx, by)])
        {
            _x[k] = cx - halfLength; _y[k++] = cy - halfWidth;
            _x[k] = cx + halfLength; _y[k++] = cy - halfWidth;
            _x[k] = cx + halfLength; _y[k++] = cy + halfWidth;
            _x[k] = cx - halfLength; _y[k++] = cy + halfWidth;
        }
        Sort();
        // Andrew's monotone chain: lower hull then upper hull, counter-clockwise.
        _count = 0;
        for (int i = 0; i < 8; i++)
        {
            while (_count >= 2 && Cross(_count - 2, _count - 1, _x[i], _y[i]) <= 0)
            {
                _count--;
            }
            (_hx[_count], _hy[_count]) = (_x[i], _y[i]);
            _count++;
        }
        int lower = _count + 1;
        for (int i = 6; i >= 0; i--)
        {
            while (_count >= lower && Cross(_count - 2, _count - 1, _x[i], _y[i]) <= 0)
            {
                _count--;
            }
            (_hx[_count], _hy[_count]) = (_x[i], _y[i]);
            _count++;
        }
        _count--; // the first vertex closes the loop
    }

    /// <summary>
    /// Signed distance from (x, y) to the hull's boundary, m: positive inside (how far in),
    /// negative outside (how far out, exact for points beyond an edge, conservative near a corner).
    /// </summary>
    public double Inside(double x, double y)
    {
        double inside = double.PositiveInfinity;
        for (int i = 0; i < _count; i++)
        {
            inside = Math.Min(inside, EdgeInside(i, x, y, out _, out _));
        }
        return inside;
    }

    /// <summary>
    /// Distance from (<paramref name="x"/>, <paramref name="y"/>) to the boundary along the unit
    /// direction <paramref name="angle"/> (rad, 0 = +x), m: the hull's counterpart of
    /// <see cref="SupportPolygon.DistanceToEdge"/>, r_max of the capturability bounds. 0 when the
    /// point is outside. Exact: the ray leaves through the first edge line it crosses.
    /// </summary>
    public double DistanceToEdge(double x, double y, double angle)
    {
        if (Inside(x, y) < 0)
        {
            return 0;
        }
        double ux = Math.Cos(angle), uy = Math.Sin(angle);
        double exit = double.PositiveInfinity;
        for (int i = 0; i < _count; i++)
        {
            // How far in from this edge, and how fast the ray closes on it.
            double d = EdgeInside(i, x, y, out double nx, out double ny);
            double closing = -(nx * ux + ny * uy);
            if (closing > 1e-12)
            {
                exit = Math.Min(exit, d / closing);
            }
        }
        return exit;
    }

    /// <summary>
    /// The point nearest (x, y) that lies at least <paramref name="margin"/> inside the hull: the
    /// point itself when it does. A CoP the feet cannot provide is moved to where they can, the
    /// least distance (a move towards the centre would also turn the direction the CoP acts in).
    /// Dykstra's alternating projections onto the edges' inward half-planes, which converge to the
    /// exact projection (plain alternating projections stop at some point of the intersection,
    /// not the nearest one). Allocates nothing.
    /// </summary>
    public (double X, double Y) Nearest(double x, double y, double margin)
    {
        if (Inside(x, y) >= margin)
        {
            return (x, y);
        }
        Span<double> qx = stackalloc double[8], qy = stackalloc double[8];
        qx.Clear();
        qy.Clear();
        for (int pass = 0; pass < 100; pass++)
        {
            double moved = 0;
            for (int i = 0; i < _count; i++)
            {
                double px = x + qx[i], py = y + qy[i];
                double d = EdgeInside(i, px, py, out double nx, out double ny);
                double shift = Math.Max(0, margin - d);
                double nextX = px + shift * nx, nextY = py + shift * ny;
                (qx[i], qy[i]) = (px - nextX, py - nextY);
                moved += Math.Abs(nextX - x) + Math.Abs(nextY - y);
                (x, y) = (nextX, nextY);
            }
            if (moved < 1e-12)
            {
                break;
            }
        }
        return (x, y);
    }

    /// <summary>
    /// Whether the hull and the axis-aligned rectangle [<paramref name="minX"/>, <paramref name="maxX"/>] ×
    /// [<paramref name="minY"/>, <paramref name="maxY"/>] share a point (touching counts). Exact: by the
    /// separating-axis theorem two convex polygons are apart only if one of their edges' normals
    /// separates them.
    /// </summary>
    public bool Overlaps(double minX, double maxX, double minY, double maxY)
    {
        double hullMinX = double.PositiveInfinity, hullMaxX = double.NegativeInfinity;
        double hullMinY = double.PositiveInfinity, hullMaxY = double.NegativeInfinity;
        for (int i = 0; i < _count; i++)
        {
            hullMinX = Math.Min(hullMinX, _hx[i]);
            hullMaxX = Math.Max(hullMaxX, _hx[i]);
            hullMinY = Math.Min(hullMinY, _hy[i]);
            hullMaxY = Math.Max(hullMaxY, _hy[i]);
        }
        // The rectangle's own axes.
        if (hullMaxX < minX || hullMinX > maxX || hullMaxY < minY || hullMinY > maxY)
        {
            return false;
        }
        // The hull's edges: separated when all four corners lie strictly right of (outside) one edge.
        for (int i = 0; i < _count; i++)
        {
            int j = i + 1 == _count ? 0 : i + 1;
            if (Cross(i, j, minX, minY) < 0 && Cross(i, j, maxX, minY) < 0 && Cross(i, j, maxX, maxY) < 0 && Cross(i, j, minX, maxY) < 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Signed distance of (x, y) from edge <paramref name="i"/>'s line, positive inside (left of
    /// the counter-clockwise edge), and the edge's unit inward normal; +∞ and a zero normal for a
    /// degenerate edge, so that it never decides anything.
    /// </summary>
    private double EdgeInside(int i, double x, double y, out double nx, out double ny)
    {
        int j = i + 1 == _count ? 0 : i + 1;
        double ex = _hx[j] - _hx[i], ey = _hy[j] - _hy[i];
        double length = Math.Sqrt(ex * ex + ey * ey);
        if (length < 1e-12)
        {
            (nx, ny) = (0, 0);
            return double.PositiveInfinity;
        }
        (nx, ny) = (-ey / length, ex / length);
        return nx * (x - _hx[i]) + ny * (y - _hy[i]);
    }

    private double Cross(int a, int b, double x, double y) =>
        (_hx[b] - _hx[a]) * (y - _hy[a]) - (_hy[b] - _hy[a]) * (x - _hx[a]);

    private void Sort()
    {
        // Insertion sort of the 8 corners by x, then y.
        for (int i = 1; i < 8; i++)
        {
            double x = _x[i], y = _y[i];
            int j = i - 1;
            while (j >= 0 && (_x[j] > x || (_x[j] == x && _y[j] > y)))
            {
                _x[j + 1] = _x[j];
                _y[j + 1] = _y[j];
                j--;
            }
            _x[j + 1] = x;
            _y[j + 1] = y;
        }
    }
}
