namespace Robot.Control.Lipm;

/// <summary>
/// N-step capturability of the LIPM with a finite foot (Koolen et al., IJRR 2012):
/// d_N = r_max + ℓ_max · Σ_{k=1..N} e^(−k ω Δt_s); d_∞ = r_max + ℓ_max / (e^(ω Δt_s) − 1).
/// From rest, the largest recoverable CoM velocity is ω·d_N and the impulse m·ω·d_N.
/// These bounds ignore angular momentum: they are the yardstick, not a ceiling.
/// </summary>
public static class Capturability
{
    /// <summary>
    /// Capture margin d_N, m, for <paramref name="steps"/> steps (0 = ankle only,
    /// <see cref="int.MaxValue"/> = the ∞-step limit).
    /// </summary>
    /// <param name="model">The pendulum.</param>
    /// <param name="supportEdge">r_max: CoM ground projection to the support edge in the push direction, m.</param>
    /// <param name="maxStepLength">ℓ_max: longest step, m.</param>
    /// <param name="minStepTime">Δt_s: shortest step time, s (&gt; 0).</param>
    /// <param name="steps">N ≥ 0.</param>
    public static double CaptureMargin(LipmModel model, double supportEdge, double maxStepLength, double minStepTime, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(supportEdge);
        ArgumentOutOfRangeException.ThrowIfNegative(maxStepLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minStepTime);
        double decay = Math.Exp(-model.Omega * minStepTime);
        if (steps == int.MaxValue)
        {
            return supportEdge + maxStepLength / (Math.Exp(model.Omega * minStepTime) - 1);
        }
        // Σ_{k=1..N} q^k = q (1 − q^N) / (1 − q)
        double sum = decay * (1 - Math.Pow(decay, steps)) / (1 - decay);
        return supportEdge + maxStepLength * sum;
    }

    /// <summary>Largest recoverable CoM velocity from rest, m/s: ω·d_N.</summary>
    public static double MaxVelocity(LipmModel model, double supportEdge, double maxStepLength, double minStepTime, int steps) =>
        model.Omega * CaptureMargin(model, supportEdge, maxStepLength, minStepTime, steps);

    /// <summary>Largest recoverable impulse from rest, N·s: m·ω·d_N for a robot of <paramref name="mass"/> kg.</summary>
    public static double MaxImpulse(LipmModel model, double mass, double supportEdge, double maxStepLength, double minStepTime, int steps) =>
        mass * MaxVelocity(model, supportEdge, maxStepLength, minStepTime, steps);
}
