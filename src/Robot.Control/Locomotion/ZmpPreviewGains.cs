using MathNet.Numerics.LinearAlgebra;

namespace Robot.Control.Locomotion;

/// <summary>
/// Gains of Kajita's ZMP preview controller (Kajita et al., ICRA 2003, with Katayama's integral
/// action), computed once at start-up from one discrete algebraic Riccati equation; nothing is
/// solved per tick.
///
/// Per axis: state x = [c, ċ, c̈] (m, m/s, m/s²), input u = CoM jerk, output p = c − (z_c/g)·c̈.
/// Control: u_k = −Gi·Σ(p − p_ref) − Gx·x_k − Σ_{j=1..N} Gd[j−1]·p_ref[k+j].
/// </summary>
public sealed class ZmpPreviewGains
{
    private ZmpPreviewGains(double period, double comHeight, double gi, double[] gx, double[] gd)
    {
        Period = period;
        ComHeight = comHeight;
        Gi = gi;
        Gx = gx;
        Gd = gd;
    }

    /// <summary>Control period T, s.</summary>
    public double Period { get; }

    /// <summary>CoM height z_c, m.</summary>
    public double ComHeight { get; }

    /// <summary>Integral gain on the ZMP error sum.</summary>
    public double Gi { get; }

    /// <summary>State feedback gains [c, ċ, c̈].</summary>
    public IReadOnlyList<double> Gx { get; }

    /// <summary>Preview gains for the future reference, j = 1..N (index 0 is one step ahead).</summary>
    public IReadOnlyList<double> Gd { get; }

    /// <summary>Number of preview steps N.</summary>
    public int PreviewSteps => Gd.Count;

    /// <summary>
    /// Solves the Riccati equation and the preview gains.
    /// </summary>
    /// <param name="period">T, s. Typical 0.005.</param>
    /// <param name="comHeight">z_c, m.</param>
    /// <param name="previewTime">Preview horizon, s. Typical 1.6.</param>
    /// <param name="qe">Weight on the ZMP error. Typical 1.</param>
    /// <param name="qx">Weight on the state increments. Typical 0.</param>
    /// <param name="r">Weight on the jerk increments. Typical 1e-6.</param>
    /// <param name="gravity">g, m/s².</param>
    public static ZmpPreviewGains Compute(double period, double comHeight, double previewTime = 1.6, double qe = 1, double qx = 0, double r = 1e-6, double gravity = 9.81)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(comHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(previewTime);
        var m = Matrix<double>.Build;
        double t = period;
        var a = m.DenseOfArray(new[,] { { 1, t, t * t / 2 }, { 0, 1, t }, { 0, 0, 1 } });
        var b = m.DenseOfArray(new[,] { { t * t * t / 6 }, { t * t / 2 }, { t } });
        var c = m.DenseOfArray(new[,] { { 1, 0, -comHeight / gravity } });

        // Augmented system on [e, Δx]: Ã = [[1, CA], [0, A]], B̃ = [CB; B].
        var at = m.Dense(4, 4);
        at[0, 0] = 1;
        at.SetSubMatrix(0, 1, c * a);
        at.SetSubMatrix(1, 1, a);
        var bt = m.Dense(4, 1);
        bt.SetSubMatrix(0, 0, c * b);
        bt.SetSubMatrix(1, 0, b);
        var q = m.DenseDiagonal(4, 4, qx);
        q[0, 0] = qe;

        // DARE by fixed-point iteration: converges for this stabilisable, detectable system.
        var p = q.Clone();
        for (int i = 0; i < 100_000; i++)
        {
            var s = r + (bt.Transpose() * p * bt)[0, 0];
            var next = at.Transpose() * p * at - at.Transpose() * p * bt * (1 / s) * bt.Transpose() * p * at + q;
            double change = (next - p).FrobeniusNorm();
            p = next;
            if (change < 1e-12 * Math.Max(1, p.FrobeniusNorm()))
            {
                break;
            }
        }
        double denominator = r + (bt.Transpose() * p * bt)[0, 0];
        var k = bt.Transpose() * p * at / denominator;
        double gi = k[0, 0];
        double[] gx = [k[0, 1], k[0, 2], k[0, 3]];

        int steps = (int)Math.Round(previewTime / period);
        var closed = at - bt * k;
        var identity = m.Dense(4, 1);
        identity[0, 0] = 1;
        var x = -closed.Transpose() * p * identity;
        double[] gd = new double[steps];
        gd[0] = -gi;
        for (int j = 1; j < steps; j++)
        {
            gd[j] = (bt.Transpose() * x)[0, 0] / denominator;
            x = closed.Transpose() * x;
        }
        return new ZmpPreviewGains(period, comHeight, gi, gx, gd);
    }
}
