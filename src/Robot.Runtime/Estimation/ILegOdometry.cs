using Robot.Core.Geometry;
using Robot.Core.Hardware;

namespace Robot.Runtime.Estimation;

/// <summary>
/// Pelvis velocity from leg kinematics: with a stance foot assumed not to slip, the pelvis moves
/// at −(J q̇ + ω × r) of the foot as seen from the pelvis. Implemented by the locomotion code,
/// which owns the leg model. Must not allocate.
/// </summary>
public interface ILegOdometry
{
    /// <summary>
    /// Pelvis linear velocity in the site frame, m/s, from the stance leg(s); false when no foot
    /// is in contact.
    /// </summary>
    bool TryPelvisVelocity(RobotState state, Quat orientation, Vec3 angularVelocity, bool leftContact, bool rightContact, out Vec3 velocity);
}
