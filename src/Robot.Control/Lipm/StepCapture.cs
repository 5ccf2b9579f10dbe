namespace Robot.Control.Lipm;

/// <summary>
/// One-step capturability of the LIPM standing in double support, with the feet where they are
/// and the landings the legs can reach. Koolen's N-step margin (<see cref="Capturability"/>)
/// treats the step as if the CoP could stay at the support's edge in the push direction while a
/// foot swings. From double support that is only half true: the swinging foot carries no load,
/// so during the swing the CoP lies on the other sole, and the step lands where that sole lets
/// the swing leg reach. Sideways this matters most: after a push to the left the left foot must
/// be unloaded to step, so the DCM diverges from the right sole, and a crossing step of the right
/// foot is what the 1-step margin implicitly assumes.
/// </summary>
/// <remarks>
/// A push from rest gives the CoM the speed v along the direction; the DCM jumps to
/// ξ₀ = c + v/ω. A step of one foot: at once the CoP moves onto the other (stance) sole, at any
/// point p of it (the LIPM idealisation Koolen's bounds share: no weight-shift time), the foot
/// lands after the step time Δt where the DCM is ξ(Δt) = p + (ξ₀ − p)·e^(ωΔt), and the robot is
/// then capturable without a further step when ξ(Δt) lies in the convex hull of the two soles.
/// Over all p the DCM at touchdown sweeps a rectangle (the stance sole mirrored and scaled by
/// e^(ωΔt) − 1), so a step is feasible when that rectangle meets the hull for some reachable
/// landing. The bound is the largest v below which standing or one step of either foot captures.
/// </remarks>
public static class StepCapture
{
    private const double ScanStep = 0.01; // m/s

    /// <summary>
    /// Largest CoM speed from rest towards <paramref name="angle"/> (rad, 0 = +x) recoverable by
    /// standing or by one step, m/s, and the 0-step speed it starts from.
    /// </summary>
    /// <param name="model">The pendulum.</param>
    /// <param name="comX">CoM ground projection, x, m.</param>
    /// <param name="comY">CoM ground projection, y, m.</param>
    /// <param name="soles">The two soles in double support.</param>
    /// <param name="angle">Push direction, rad.</param>
    /// <param name="stepTime">Δt: from the push to touchdown, s (&gt; 0).</param>
    /// <param name="leftLandings">Reachable offsets of the left sole from the right one when the left foot steps, m.</param>
    /// <param name="rightLandings">Reachable offsets of the right sole from the left one when the right foot steps, m.</param>
    public static (double OneStep, double ZeroStep) MaxVelocity(LipmModel model, double comX, double comY, Soles soles, double angle, double stepTime,
        IReadOnlyList<(double Dx, double Dy)> leftLandings, IReadOnlyList<(double Dx, double Dy)> rightLandings)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepTime);
        var hull = new FootHull();
        hull.Set(soles.LeftX, soles.LeftY, soles.RightX, soles.RightY, soles.HalfLength, soles.HalfWidth);
        double ux = Math.Cos(angle), uy = Math.Sin(angle);
        double zeroStep = model.Omega * hull.DistanceToEdge(comX, comY, angle);
        double growth = Math.Exp(model.Omega * stepTime);
        bool Steps(double v) =>
            StepCaptures(hull, soles, comX + v / model.Omega * ux, comY + v / model.Omega * uy, growth, soles.RightX, soles.RightY, leftLandings)
            || StepCaptures(hull, soles, comX + v / model.Omega * ux, comY + v / model.Omega * uy, growth, soles.LeftX, soles.LeftY, rightLandings);
        // Scan up from the 0-step speed (the largest speed below which everything is captured is
        // the figure: one-step feasibility need not be monotone), then refine the first failure.
        double captured = zeroStep;
        while (captured < 100 && Steps(captured + ScanStep))
        {
            captured += ScanStep;
        }
        double fails = captured + ScanStep;
        for (int i = 0; i < 20; i++)
        {
            double mid = 0.5 * (captured + fails);
            if (Steps(mid))
            {
                captured = mid;
            }
            else
            {
                fails = mid;
            }
        }
        return (captured, zeroStep);
    }

    /// <summary>Whether a step from the stance sole at (<paramref name="stanceX"/>, <paramref name="stanceY"/>) captures the DCM ξ₀.</summary>
    private static bool StepCaptures(FootHull hull, Soles soles, double dcmX, double dcmY, double growth,
        double stanceX, double stanceY, IReadOnlyList<(double Dx, double Dy)> landings)
    {
        // ξ(Δt) = e·ξ₀ + (1 − e)·p over p in the stance sole: a rectangle about e·ξ₀ + (1 − e)·stance.
        double cx = growth * dcmX + (1 - growth) * stanceX, cy = growth * dcmY + (1 - growth) * stanceY;
        double hx = (growth - 1) * soles.HalfLength, hy = (growth - 1) * soles.HalfWidth;
        double minX = cx - hx, maxX = cx + hx, minY = cy - hy, maxY = cy + hy;
        for (int i = 0; i < landings.Count; i++)
        {
            (double dx, double dy) = landings[i];
            double fx = stanceX + dx, fy = stanceY + dy;
            // Cheap reject: the hull lies inside the two soles' bounding box.
            if (Math.Max(fx, stanceX) + soles.HalfLength < minX || Math.Min(fx, stanceX) - soles.HalfLength > maxX
                || Math.Max(fy, stanceY) + soles.HalfWidth < minY || Math.Min(fy, stanceY) - soles.HalfWidth > maxY)
            {
                continue;
            }
            hull.Set(stanceX, stanceY, fx, fy, soles.HalfLength, soles.HalfWidth);
            if (hull.Overlaps(minX, maxX, minY, maxY))
            {
                return true;
            }
        }
        return false;
    }
}
