using Robot.Core.Geometry;

namespace Robot.Control.Balance;

/// <summary>
/// A double-support stance as the standing law captured it: the ground frame G (origin between
/// the soles, x along their mean heading) and the soles in it.
/// </summary>
/// <param name="LeftSole">Left sole centre in G, on the floor (z = 0), m.</param>
/// <param name="RightSole">Right sole centre in G, m.</param>
/// <param name="LeftYaw">Left sole's heading relative to G's x axis, rad.</param>
/// <param name="RightYaw">Right sole's heading relative to G's x axis, rad.</param>
/// <param name="Yaw">G's x axis in the frame the base orientation is given in, rad.</param>
/// <param name="PelvisHeight">Pelvis height above the soles when captured, m.</param>
public readonly record struct StanceFrame(Vec3 LeftSole, Vec3 RightSole, double LeftYaw, double RightYaw, double Yaw, double PelvisHeight);
