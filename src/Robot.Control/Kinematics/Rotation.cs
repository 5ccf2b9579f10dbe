using Robot.Core.Geometry;

namespace Robot.Control.Kinematics;

/// <summary>Elementary rotations as quaternions (w first), for kinematic chains.</summary>
public static class Rotation
{
    public static Quat X(double angle) => new(Math.Cos(angle / 2), Math.Sin(angle / 2), 0, 0);
    public static Quat Y(double angle) => new(Math.Cos(angle / 2), 0, Math.Sin(angle / 2), 0);
    public static Quat Z(double angle) => new(Math.Cos(angle / 2), 0, 0, Math.Sin(angle / 2));

    /// <summary>Row-major 3×3 matrix of a unit quaternion.</summary>
    public static void ToMatrix(Quat q, Span<double> m)
    {
        double w = q.W, x = q.X, y = q.Y, z = q.Z;
        m[0] = 1 - 2 * (y * y + z * z); m[1] = 2 * (x * y - w * z); m[2] = 2 * (x * z + w * y);
        m[3] = 2 * (x * y + w * z); m[4] = 1 - 2 * (x * x + z * z); m[5] = 2 * (y * z - w * x);
        m[6] = 2 * (x * z - w * y); m[7] = 2 * (y * z + w * x); m[8] = 1 - 2 * (x * x + y * y);
    }

    /// <summary>Quaternion of a row-major rotation matrix (Shepperd's method, numerically stable).</summary>
    public static Quat FromMatrix(ReadOnlySpan<double> m)
    {
        double trace = m[0] + m[4] + m[8];
        if (trace > 0)
        {
            double s = Math.Sqrt(trace + 1) * 2;
            return new Quat(0.25 * s, (m[7] - m[5]) / s, (m[2] - m[6]) / s, (m[3] - m[1]) / s);
        }
        if (m[0] > m[4] && m[0] > m[8])
        {
            double s = Math.Sqrt(1 + m[0] - m[4] - m[8]) * 2;
            return new Quat((m[7] - m[5]) / s, 0.25 * s, (m[1] + m[3]) / s, (m[2] + m[6]) / s);
        }
        if (m[4] > m[8])
        {
            double s = Math.Sqrt(1 + m[4] - m[0] - m[8]) * 2;
            return new Quat((m[2] - m[6]) / s, (m[1] + m[3]) / s, 0.25 * s, (m[5] + m[7]) / s);
        }
        double t = Math.Sqrt(1 + m[8] - m[0] - m[4]) * 2;
        return new Quat((m[3] - m[1]) / t, (m[2] + m[6]) / t, (m[5] + m[7]) / t, 0.25 * t);
    }
}
