namespace Robot.Control.Locomotion;

/// <summary>A planar pose on the floor: position (m) and heading (rad, counter-clockwise from +x).</summary>
/// <param name="X">Position along x, m.</param>
/// <param name="Y">Position along y, m.</param>
/// <param name="Yaw">Heading, rad.</param>
public readonly record struct Pose2(double X, double Y, double Yaw)
{
    /// <summary>The point <paramref name="forward"/>, <paramref name="left"/> metres away in this pose's frame.</summary>
    public Pose2 Offset(double forward, double left, double turn = 0)
    {
        double c = Math.Cos(Yaw), s = Math.Sin(Yaw);
        return new Pose2(X + c * forward - s * left, Y + s * forward + c * left, WrapAngle(Yaw + turn));
    }

    /// <summary><paramref name="other"/>'s position expressed in this pose's frame (forward, left).</summary>
    public (double Forward, double Left) Local(Pose2 other)
    {
        double dx = other.X - X, dy = other.Y - Y, c = Math.Cos(Yaw), s = Math.Sin(Yaw);
        return (c * dx + s * dy, -s * dx + c * dy);
    }

    /// <summary>Distance between the positions, m.</summary>
    public double DistanceTo(Pose2 other) => Math.Sqrt((other.X - X) * (other.X - X) + (other.Y - Y) * (other.Y - Y));

    /// <summary>The signed heading change from this pose to <paramref name="other"/>, in (−π, π].</summary>
    public double TurnTo(Pose2 other) => WrapAngle(other.Yaw - Yaw);

    /// <summary>Wraps an angle into (−π, π].</summary>
    public static double WrapAngle(double angle)
    {
        double a = Math.IEEERemainder(angle, 2 * Math.PI);
        return a <= -Math.PI ? a + 2 * Math.PI : a;
    }

    /// <summary>The pose a fraction <paramref name="s"/> (0–1) of the way from <paramref name="a"/> to <paramref name="b"/> (heading along the shorter arc).</summary>
    public static Pose2 Lerp(Pose2 a, Pose2 b, double s) =>
        new(a.X + s * (b.X - a.X), a.Y + s * (b.Y - a.Y), WrapAngle(a.Yaw + s * a.TurnTo(b)));
}
