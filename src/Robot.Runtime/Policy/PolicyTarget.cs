namespace Robot.Runtime.Policy;

// Public fields on purpose: the struct is copied whole through a LatestValueSlot and its inline arrays are
// viewed as spans in place, which properties (returning copies) would not allow.
#pragma warning disable CA1051
/// <summary>
/// What the 50 Hz policy runner hands the 1 kHz loop: the previous and the new arm targets and when the new one
/// was issued, so the loop interpolates between policy steps instead of stepping the joints every 20 ms. A
/// target with <see cref="Fault"/> set carries no command: the loop must stop the arm.
/// </summary>
public struct PolicyTarget
{
    /// <summary>Targets of the previous policy step (rad / m).</summary>
    public ArmVector From;

    /// <summary>Targets of this policy step, already clamped to position and velocity limits (rad / m).</summary>
    public ArmVector To;

    /// <summary>Runner time at which <see cref="To"/> was issued, s.</summary>
    public double IssuedAt;

    /// <summary>Policy period, s (0.02 at 50 Hz): the interpolation reaches <see cref="To"/> one period after issue.</summary>
    public double Period;

    /// <summary>Policy steps so far (1 for the first target).</summary>
    public long Step;

    /// <summary>The runner faulted (NaN or out-of-range output, or the policy threw): stop, command nothing.</summary>
    public bool Fault;

    /// <summary>
    /// Linear interpolation From → To at <paramref name="time"/> (s, the runner's clock), held at To after one period.
    /// Returns false — and writes nothing — when the target is a fault or nothing was issued yet. Allocation-free.
    /// </summary>
    public readonly bool TrySample(double time, Span<double> targets)
    {
        if (Fault || Step == 0)
        {
            return false;
        }
        double alpha = Period <= 0 ? 1 : Math.Clamp((time - IssuedAt) / Period, 0, 1);
        ReadOnlySpan<double> from = From, to = To;
        for (int i = 0; i < ArmVector.Length; i++)
        {
            targets[i] = from[i] + alpha * (to[i] - from[i]);
        }
        return true;
    }
}
#pragma warning restore CA1051
