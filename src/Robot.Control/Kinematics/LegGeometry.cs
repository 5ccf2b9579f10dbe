using Robot.Core.Geometry;

namespace Robot.Control.Kinematics;

/// <summary>
/// Dimensions of a 6-DoF leg whose three hip axes (yaw z, roll x, pitch y) intersect at the hip
/// and whose two ankle axes (pitch y, roll x) intersect at the ankle, with a pitch knee between:
/// the structure that admits a closed-form inverse (Kajita et al., "Introduction to Humanoid
/// Robotics", §2.5). All lengths in metres.
/// </summary>
/// <param name="HipOffset">Hip joint centre in the pelvis frame (x forward, y left, z up).</param>
/// <param name="ThighLength">Hip centre to knee axis, along −z with the leg straight.</param>
/// <param name="ShankLength">Knee axis to ankle centre, along −z with the leg straight.</param>
/// <param name="AnkleToSole">Sole point (centre of the foot's bottom face) in the foot frame, from the ankle centre.</param>
public sealed record LegGeometry(Vec3 HipOffset, double ThighLength, double ShankLength, Vec3 AnkleToSole)
{
    /// <summary>Our humanoid's left leg (src/Robot.Sim/Models/humanoid.xml); a test checks it against the model.</summary>
    public static LegGeometry WarehouseHumanoidLeft { get; } = new(new Vec3(0, 0.09, -0.1), 0.33, 0.30, new Vec3(0.02, 0, -0.06));

    /// <summary>Our humanoid's right leg.</summary>
    public static LegGeometry WarehouseHumanoidRight { get; } = new(new Vec3(0, -0.09, -0.1), 0.33, 0.30, new Vec3(0.02, 0, -0.06));

    /// <summary>
    /// The highest the pelvis (upright, unturned, its origin over <paramref name="pelvisX"/>,
    /// <paramref name="pelvisY"/>) can stand while this leg reaches the sole point
    /// <paramref name="sole"/> (flat, same frame) with the hip–ankle distance at most
    /// <paramref name="share"/> of the leg's length, m.
    /// </summary>
    public double HighestPelvis(Vec3 sole, double pelvisX, double pelvisY, double share)
    {
        double hx = pelvisX + HipOffset.X, hy = pelvisY + HipOffset.Y;
        double ax = sole.X - AnkleToSole.X, ay = sole.Y - AnkleToSole.Y, az = sole.Z - AnkleToSole.Z;
        double d2 = (hx - ax) * (hx - ax) + (hy - ay) * (hy - ay);
        double l = share * (ThighLength + ShankLength);
        return az + Math.Sqrt(Math.Max(0, l * l - d2)) - HipOffset.Z;
    }
}
