using Robot.Control.Lipm;

namespace Robot.Control.Tests.Lipm;

public class FootCopTests
{
    /// <summary>
    /// The wrench the shank applies to a foot whose ground force (gx, gy, gz) acts at (px, py) on
    /// the sole, d below the sensor: F = −g, and τ balances the ground force's moment, τ = p × F.
    /// </summary>
    private static double[] Wrench(double px, double py, double d, double gx, double gy, double gz)
    {
        double fx = -gx, fy = -gy, fz = -gz, pz = -d;
        return [fx, fy, fz, py * fz - pz * fy, pz * fx - px * fz, px * fy - py * fx];
    }

    [Theory]
    [InlineData(0.02, 0.0, 0, 0, 160)] // the sole centre, straight down
    [InlineData(0.10, -0.025, 0, 0, 300)] // near the toe, outer edge
    [InlineData(-0.05, 0.01, 40, -15, 200)] // with shear: the d·F terms matter
    public void TryCompute_RecoversTheCopTheWrenchWasMadeFrom(double px, double py, double gx, double gy, double gz)
    {
        Assert.True(FootCop.TryCompute(Wrench(px, py, 0.06, gx, gy, gz), 0.06, 10, out double x, out double y, out double load));
        Assert.Equal(px, x, 12);
        Assert.Equal(py, y, 12);
        Assert.Equal(gz, load, 12);
    }

    [Fact]
    public void TryCompute_ShearIgnored_WouldMissTheCop()
    {
        // The d·F_x term: 40 N of shear 6 cm above the sole moves the CoP by 40·0.06/200 = 1.2 cm.
        double[] w = Wrench(0.0, 0.0, 0.06, 40, 0, 200);
        Assert.True(FootCop.TryCompute(w, 0, 10, out double naive, out _, out _));
        Assert.Equal(0.012, naive, 9);
    }

    [Theory]
    [InlineData(5)] // under the contact threshold: a swinging foot
    [InlineData(-50)] // pulled up: no contact
    public void TryCompute_FootOffTheGround_HasNoCop(double gz)
    {
        Assert.False(FootCop.TryCompute(Wrench(0.02, 0, 0.06, 0, 0, gz), 0.06, 10, out double x, out double y, out double load));
        Assert.True(double.IsNaN(x) && double.IsNaN(y));
        Assert.Equal(0, load);
    }

    [Fact]
    public void TryCompute_NotFiniteWrench_HasNoCop()
    {
        double[] w = Wrench(0.02, 0, 0.06, 0, 0, 160);
        w[4] = double.NaN;
        Assert.False(FootCop.TryCompute(w, 0.06, 10, out _, out _, out double load));
        Assert.Equal(0, load);
    }
}
