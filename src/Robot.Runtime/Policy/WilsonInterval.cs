namespace Robot.Runtime.Policy;

/// <summary>The Wilson score interval of a binomial proportion (better than the normal approximation near 0 and 1 and for small n).</summary>
public static class WilsonInterval
{
    /// <summary>z of a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>(low, high) of <paramref name="successes"/> out of <paramref name="trials"/> at <paramref name="z"/>; (0, 1) for no trials.</summary>
    public static (double Low, double High) Of(int successes, int trials, double z = Z95)
    {
        if (trials <= 0)
        {
            return (0, 1);
        }
        double n = trials, p = successes / n, z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
