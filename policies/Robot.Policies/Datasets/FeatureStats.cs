namespace Robot.Policies.Datasets;

/// <summary>
/// Per-dimension statistics of one feature over a set of frames, as LeRobot stores them in
/// stats.json and in the episodes file: min, max, mean, population std (ddof 0), each of length
/// width, and the frame count.
/// </summary>
public sealed record FeatureStats(double[] Min, double[] Max, double[] Mean, double[] Std, long Count)
{
    public int Width => Mean.Length;

    /// <summary>Statistics of <paramref name="rows"/> frames stored row-major in <paramref name="values"/> (length rows × width).</summary>
    public static FeatureStats Compute(ReadOnlySpan<float> values, int rows, int width)
    {
        var min = new double[width];
        var max = new double[width];
        var mean = new double[width];
        var std = new double[width];
        if (rows == 0)
        {
            return new FeatureStats(min, max, mean, std, 0);
        }
        Array.Fill(min, double.PositiveInfinity);
        Array.Fill(max, double.NegativeInfinity);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = values.Slice(r * width, width);
            for (int d = 0; d < width; d++)
            {
                double v = row[d];
                if (v < min[d])
                {
                    min[d] = v;
                }
                if (v > max[d])
                {
                    max[d] = v;
                }
                mean[d] += v;
            }
        }
        for (int d = 0; d < width; d++)
        {
            mean[d] /= rows;
        }
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = values.Slice(r * width, width);
            for (int d = 0; d < width; d++)
            {
                double e = row[d] - mean[d];
                std[d] += e * e;
            }
        }
        for (int d = 0; d < width; d++)
        {
            std[d] = Math.Sqrt(std[d] / rows);
        }
        return new FeatureStats(min, max, mean, std, rows);
    }

    /// <summary>Statistics of a scalar integer column.</summary>
    public static FeatureStats Compute(ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            return new FeatureStats([0], [0], [0], [0], 0);
        }
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        foreach (long v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
        }
        double mean = sum / values.Length, m2 = 0;
        foreach (long v in values)
        {
            m2 += (v - mean) * (v - mean);
        }
        return new FeatureStats([min], [max], [mean], [Math.Sqrt(m2 / values.Length)], values.Length);
    }

    /// <summary>
    /// Combines per-episode statistics into dataset statistics: count-weighted mean and pooled
    /// population variance (Σ cᵢ(σᵢ² + (μᵢ − μ)²) / Σ cᵢ), the same rule as LeRobot's aggregate_stats.
    /// </summary>
    public static FeatureStats Aggregate(IReadOnlyCollection<FeatureStats> parts)
    {
        FeatureStats[] nonEmpty = parts.Where(p => p.Count > 0).ToArray();
        if (nonEmpty.Length == 0)
        {
            int w = parts.Count > 0 ? parts.First().Width : 1;
            return new FeatureStats(new double[w], new double[w], new double[w], new double[w], 0);
        }
        int width = nonEmpty[0].Width;
        if (nonEmpty.Any(p => p.Width != width))
        {
            throw new ArgumentException($"statistics of different widths cannot be combined ({string.Join(", ", nonEmpty.Select(p => p.Width).Distinct())})", nameof(parts));
        }
        long count = nonEmpty.Sum(p => p.Count);
        var min = new double[width];
        var max = new double[width];
        var mean = new double[width];
        var std = new double[width];
        for (int d = 0; d < width; d++)
        {
            min[d] = nonEmpty.Min(p => p.Min[d]);
            max[d] = nonEmpty.Max(p => p.Max[d]);
            double m = 0;
            foreach (FeatureStats p in nonEmpty)
            {
                m += p.Mean[d] * p.Count;
            }
            m /= count;
            double v = 0;
            foreach (FeatureStats p in nonEmpty)
            {
                double dm = p.Mean[d] - m;
                v += p.Count * (p.Std[d] * p.Std[d] + dm * dm);
            }
            mean[d] = m;
            std[d] = Math.Sqrt(v / count);
        }
        return new FeatureStats(min, max, mean, std, count);
    }
}
