using Robot.Core.Geometry;

namespace Robot.Core.Control;

/// <summary>The floating base's state as estimated in one tick (site frame: x east, y north, z up).</summary>
/// <param name="Orientation">Pelvis orientation, w-first, body → site.</param>
/// <param name="AngularVelocity">Pelvis angular velocity in the site frame, rad/s.</param>
/// <param name="LinearVelocity">Pelvis linear velocity in the site frame, m/s.</param>
/// <param name="LeftContact">Left foot carries load (ankle force above the contact threshold, with hysteresis).</param>
/// <param name="RightContact">Right foot carries load.</param>
/// <param name="Fault">Why the estimate must not be used, or <see cref="LoopFault.None"/>.</param>
/// <param name="FaultDetail">Index of the offending joint or sensor channel; -1 when none.</param>
public readonly record struct BaseEstimate(
    Quat Orientation,
    Vec3 AngularVelocity,
    Vec3 LinearVelocity,
    bool LeftContact,
    bool RightContact,
    LoopFault Fault,
    int FaultDetail);
