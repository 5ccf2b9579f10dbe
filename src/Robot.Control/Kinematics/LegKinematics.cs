using Robot.Core.Geometry;

namespace Robot.Control.Kinematics;

/// <summary>
/// Forward and closed-form inverse kinematics of one <see cref="LegGeometry"/> leg. Joint order
/// (6 angles, rad): hip yaw, hip roll, hip pitch, knee, ankle pitch, ankle roll — the order of
/// RobotDescription's leg joints. Poses are of the sole point in the pelvis frame. Both
/// directions allocate nothing and run in well under a microsecond.
/// </summary>
public static class LegKinematics
{
    /// <summary>Sole position and orientation in the pelvis frame for joint angles <paramref name="q"/> (length 6).</summary>
    public static (Vec3 Position, Quat Orientation) Forward(LegGeometry leg, ReadOnlySpan<double> q)
    {
        Quat hip = Rotation.Z(q[0]) * Rotation.X(q[1]) * Rotation.Y(q[2]);
        Vec3 knee = leg.HipOffset + hip.Rotate(new Vec3(0, 0, -leg.ThighLength));
        Quat shank = hip * Rotation.Y(q[3]);
        Vec3 ankle = knee + shank.Rotate(new Vec3(0, 0, -leg.ShankLength));
        Quat foot = shank * Rotation.Y(q[4]) * Rotation.X(q[5]);
        return (ankle + foot.Rotate(leg.AnkleToSole), foot);
    }

    /// <summary>
    /// Joint angles (into <paramref name="q"/>, length 6) that put the sole at
    /// <paramref name="solePosition"/> with <paramref name="soleOrientation"/> (pelvis frame).
    /// The knee solution is the forward-bending one (knee ≥ 0). Unreachable targets return
    /// <see cref="LegIkResult.TooFar"/> or <see cref="LegIkResult.TooNear"/> with the closest
    /// angles; <paramref name="minPosition"/>/<paramref name="maxPosition"/> (length 6, or
    /// empty to skip) flag poses outside the joint limits.
    /// </summary>
    public static LegIkResult Inverse(LegGeometry leg, Vec3 solePosition, Quat soleOrientation, Span<double> q,
        ReadOnlySpan<double> minPosition = default, ReadOnlySpan<double> maxPosition = default)
    {
        if (!solePosition.IsFinite || !soleOrientation.IsFinite)
        {
            return LegIkResult.InvalidInput;
        }
        Quat foot = soleOrientation.Normalized();
        Vec3 ankle = solePosition - foot.Rotate(leg.AnkleToSole);
        // Hip as seen from the ankle, in the foot frame.
        Vec3 r = foot.Conjugate.Rotate(leg.HipOffset - ankle);
        double a = leg.ThighLength, b = leg.ShankLength;
        double c = r.Norm;
        var result = LegIkResult.Reached;
        double cosKnee = (c * c - a * a - b * b) / (2 * a * b);
        if (cosKnee >= 1)
        {
            cosKnee = 1;
            result = c > a + b + 1e-9 ? LegIkResult.TooFar : result;
        }
        else if (cosKnee <= -1)
        {
            cosKnee = -1;
            result = LegIkResult.TooNear;
        }
        double knee = Math.Acos(cosKnee);
        double ankleRoll = Math.Atan2(r.Y, r.Z);
        if (ankleRoll > Math.PI / 2)
        {
            ankleRoll -= Math.PI;
        }
        else if (ankleRoll < -Math.PI / 2)
        {
            ankleRoll += Math.PI;
        }
        double cEff = Math.Max(c, 1e-12);
        double alpha = Math.Asin(Math.Clamp(a / cEff * Math.Sin(Math.PI - knee), -1, 1));
        double anklePitch = -Math.Atan2(r.X, Math.Sign(r.Z) * Math.Sqrt(r.Y * r.Y + r.Z * r.Z)) - alpha;

        // Hip rotation: R_hip = R_foot · Rx(−roll) · Ry(−pitch − knee) = Rz(yaw) Rx(hipRoll) Ry(hipPitch).
        Quat hip = foot * Rotation.X(-ankleRoll) * Rotation.Y(-anklePitch - knee);
        Span<double> m = stackalloc double[9];
        Rotation.ToMatrix(hip, m);
        double yaw = Math.Atan2(-m[1], m[4]);
        double cz = Math.Cos(yaw), sz = Math.Sin(yaw);
        double hipRoll = Math.Atan2(m[7], -m[1] * sz + m[4] * cz);
        double hipPitch = Math.Atan2(-m[6], m[8]);

        q[0] = yaw;
        q[1] = hipRoll;
        q[2] = hipPitch;
        q[3] = knee;
        q[4] = anklePitch;
        q[5] = ankleRoll;
        if (result == LegIkResult.Reached && !minPosition.IsEmpty)
        {
            for (int i = 0; i < 6; i++)
            {
                if (q[i] < minPosition[i] || q[i] > maxPosition[i])
                {
                    return LegIkResult.OutsideJointLimits;
                }
            }
        }
        return result;
    }
}
