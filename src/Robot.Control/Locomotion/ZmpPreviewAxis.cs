namespace Robot.Control.Locomotion;

/// <summary>
/// One axis of the ZMP preview controller: holds the CoM state [c, ċ, c̈] and the ZMP error sum,
/// and advances them one period given the reference ZMP over the preview window. Allocation-free.
/// </summary>
public struct ZmpPreviewAxis
{
    private double _errorSum;

    /// <summary>CoM position, m.</summary>
    public double Position { get; private set; }

    /// <summary>CoM velocity, m/s.</summary>
    public double Velocity { get; private set; }

    /// <summary>CoM acceleration, m/s².</summary>
    public double Acceleration { get; private set; }

    /// <summary>ZMP of the current state, m: p = c − (z_c/g)·c̈.</summary>
    public readonly double Zmp(ZmpPreviewGains gains, double gravity = 9.81) => Position - gains.ComHeight / gravity * Acceleration;

    /// <summary>Starts at rest at <paramref name="position"/>.</summary>
    public void Reset(double position, double velocity = 0, double acceleration = 0)
    {
        Position = position;
        Velocity = velocity;
        Acceleration = acceleration;
        _errorSum = 0;
    }

    /// <summary>
    /// Advances one period. <paramref name="reference"/> holds the reference ZMP from now
    /// (index 0) over at least PreviewSteps + 1 samples; the last value is repeated when the
    /// window is shorter.
    /// </summary>
    public void Step(ZmpPreviewGains gains, ReadOnlySpan<double> reference, double gravity = 9.81)
    {
        double zmp = Zmp(gains, gravity);
        _errorSum += zmp - reference[0];
        double u = -gains.Gi * _errorSum - gains.Gx[0] * Position - gains.Gx[1] * Velocity - gains.Gx[2] * Acceleration;
        IReadOnlyList<double> gd = gains.Gd;
        int last = reference.Length - 1;
        for (int j = 1; j <= gd.Count; j++)
        {
            u -= gd[j - 1] * reference[Math.Min(j, last)];
        }
        double t = gains.Period;
        Position += t * Velocity + t * t / 2 * Acceleration + t * t * t / 6 * u;
        Velocity += t * Acceleration + t * t / 2 * u;
        Acceleration += t * u;
    }
}
