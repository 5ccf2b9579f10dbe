namespace Robot.Control.Lipm;

/// <summary>
/// The centre of pressure under one foot, from the six-axis force/torque sensor at its ankle
/// (Kajita et al., <i>Introduction to Humanoid Robotics</i>, §3.3). The sensor gives the wrench
/// the shank applies to the foot in the foot's frame (F, τ, about the sensor); the ground's force
/// balances it at the CoP p on the sole plane z = −d, so τ = p × F and
/// p_x = (−τ_y − d·F_x) / F_z, p_y = (τ_x − d·F_y) / F_z.
/// The foot's own weight is left out (2 % of the load for our robot).
/// </summary>
public static class FootCop
{
    /// <summary>
    /// The CoP in the sensor's frame (x, y on the sole plane) and the load the foot carries (N,
    /// −F_z), or false when the load is under <paramref name="minLoad"/> (a foot in the air has no
    /// CoP) or the wrench is not finite.
    /// </summary>
    /// <param name="wrench">F_x, F_y, F_z (N), τ_x, τ_y, τ_z (N·m): what the shank applies to the foot, F_z negative under load.</param>
    /// <param name="soleDepth">How far the sole plane lies below the sensor, m (d above).</param>
    /// <param name="minLoad">Smallest load that counts as contact, N.</param>
    /// <param name="x">CoP along the foot's x, m from the sensor.</param>
    /// <param name="y">CoP along the foot's y, m from the sensor.</param>
    /// <param name="load">Vertical load, N.</param>
    public static bool TryCompute(ReadOnlySpan<double> wrench, double soleDepth, double minLoad, out double x, out double y, out double load)
    {
        double fx = wrench[0], fy = wrench[1], fz = wrench[2], tx = wrench[3], ty = wrench[4];
        load = -fz;
        if (!(load >= minLoad) || !double.IsFinite(fx + fy + fz + tx + ty))
        {
            (x, y, load) = (double.NaN, double.NaN, 0);
            return false;
        }
        x = (-ty - soleDepth * fx) / fz;
        y = (tx - soleDepth * fy) / fz;
        return true;
    }
}
