namespace Robot.Core.Geometry;

/// <summary>
/// A rotation quaternion, scalar first (w, x, y, z: MuJoCo's order). Rotates vectors from the
/// body frame to the parent frame: v_parent = q ⊗ v_body ⊗ q*. Allocation-free.
/// </summary>
public readonly record struct Quat(double W, double X, double Y, double Z)
{
    public static Quat Identity => new(1, 0, 0, 0);

    public double Norm => Math.Sqrt(W * W + X * X + Y * Y + Z * Z);

    public bool IsFinite => double.IsFinite(W) && double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Z);

    public Quat Normalized()
    {
        double n = Norm;
        return new Quat(W / n, X / n, Y / n, Z / n);
    }

    public Quat Conjugate => new(W, -X, -Y, -Z);

    public static Quat operator *(Quat a, Quat b) => new(
        a.W * b.W - a.X * b.X - a.Y * b.Y - a.Z * b.Z,
        a.W * b.X + a.X * b.W + a.Y * b.Z - a.Z * b.Y,
        a.W * b.Y - a.X * b.Z + a.Y * b.W + a.Z * b.X,
        a.W * b.Z + a.X * b.Y - a.Y * b.X + a.Z * b.W);

    /// <summary>Rotates <paramref name="v"/> by this (unit) quaternion.</summary>
    public Vec3 Rotate(Vec3 v)
    {
        // v' = v + 2w(u × v) + 2 u × (u × v), u = (x, y, z)
        var u = new Vec3(X, Y, Z);
        Vec3 t = 2 * u.Cross(v);
        return v + W * t + u.Cross(t);
    }

    /// <summary>Rotation of <paramref name="angle"/> rad about the unit <paramref name="axis"/>.</summary>
    public static Quat FromAxisAngle(Vec3 axis, double angle)
    {
        double s = Math.Sin(angle / 2);
        return new Quat(Math.Cos(angle / 2), axis.X * s, axis.Y * s, axis.Z * s);
    }

    /// <summary>Rotation about z by <paramref name="yaw"/> rad.</summary>
    public static Quat FromYaw(double yaw) => new(Math.Cos(yaw / 2), 0, 0, Math.Sin(yaw / 2));

    /// <summary>Heading (rotation about the world z axis) of the body x axis, rad in (−π, π].</summary>
    public double Yaw => Math.Atan2(2 * (W * Z + X * Y), 1 - 2 * (Y * Y + Z * Z));

    /// <summary>Roll (about x), rad, ZYX convention.</summary>
    public double Roll => Math.Atan2(2 * (W * X + Y * Z), 1 - 2 * (X * X + Y * Y));

    /// <summary>Pitch (about y), rad, ZYX convention.</summary>
    public double Pitch => Math.Asin(Math.Clamp(2 * (W * Y - Z * X), -1, 1));

    /// <summary>Angle between the body z axis and the world z axis, rad (0 = upright).</summary>
    public double Tilt => Math.Acos(Math.Clamp(1 - 2 * (X * X + Y * Y), -1, 1));

    /// <summary>Reads four consecutive values (w, x, y, z) from <paramref name="values"/>.</summary>
    public static Quat From(ReadOnlySpan<double> values) => new(values[0], values[1], values[2], values[3]);
}
