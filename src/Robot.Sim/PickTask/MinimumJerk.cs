namespace Robot.Sim.PickTask;

/// <summary>The minimum-jerk blend the arm's scripted motions follow (Flash and Hogan 1985).</summary>
public static class MinimumJerk
{
    /// <summary>
    /// Fraction of the way covered at <paramref name="tau"/> (0–1 of the motion's duration):
    /// 10τ³ − 15τ⁴ + 6τ⁵, zero velocity and acceleration at both ends.
    /// </summary>
    public static double Blend(double tau) => tau * tau * tau * (10 - 15 * tau + 6 * tau * tau);
}
