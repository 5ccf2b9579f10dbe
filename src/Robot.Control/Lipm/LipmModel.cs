namespace Robot.Control.Lipm;

/// <summary>
/// Linear inverted pendulum: the CoM moves at constant height <see cref="ComHeight"/> above the
/// ground, driven by the ZMP. ω = √(g / z_c); the divergent component of motion (DCM, the
/// instantaneous capture point) is ξ = c + ċ/ω and obeys ξ̇ = ω(ξ − p).
/// </summary>
public readonly struct LipmModel
{
    /// <summary>Standard gravity, m/s².</summary>
    public const double Gravity = 9.81;

    /// <param name="comHeight">Constant CoM height above the ground, m (&gt; 0).</param>
    public LipmModel(double comHeight)
    {
        if (!(comHeight > 0) || !double.IsFinite(comHeight))
        {
            throw new ArgumentOutOfRangeException(nameof(comHeight), comHeight, "CoM height must be a finite number of metres > 0");
        }
        ComHeight = comHeight;
        Omega = Math.Sqrt(Gravity / comHeight);
    }

    /// <summary>CoM height z_c, m.</summary>
    public double ComHeight { get; }

    /// <summary>Natural frequency ω = √(g / z_c), 1/s.</summary>
    public double Omega { get; }

    /// <summary>DCM ξ = c + ċ/ω along one axis, m.</summary>
    public double Dcm(double com, double comVelocity) => com + comVelocity / Omega;

    /// <summary>ZMP p = c − c̈/ω² along one axis, m.</summary>
    public double Zmp(double com, double comAcceleration) => com - comAcceleration / (Omega * Omega);
}
