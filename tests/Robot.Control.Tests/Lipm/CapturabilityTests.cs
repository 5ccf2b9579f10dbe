using Robot.Control.Lipm;

namespace Robot.Control.Tests.Lipm;

/// <summary>Checks the bounds against the worked G1-sized example in shared/reference/balance.md.</summary>
public class CapturabilityTests
{
    // m = 33.3 kg, z = 0.70 m; the reference rounds ω to 3.75 s⁻¹ and r_max to 0.26/3.75 m.
    private static readonly LipmModel s_model = new(0.70);
    private const double Mass = 33.3;
    private const double SupportEdge = 0.26 / 3.75;

    [Fact]
    public void Omega_IsSqrtGravityOverHeight()
    {
        Assert.Equal(Math.Sqrt(9.81 / 0.70), s_model.Omega, 12);
    }

    [Fact]
    public void ZeroStep_IsAnkleOnly()
    {
        Assert.Equal(SupportEdge, Capturability.CaptureMargin(s_model, SupportEdge, 0.4, 0.3, 0), 12);
    }

    [Fact]
    public void OneStep_MatchesWorkedExample()
    {
        double v = Capturability.MaxVelocity(s_model, SupportEdge, 0.4, 0.3, 1);
        double j = Capturability.MaxImpulse(s_model, Mass, SupportEdge, 0.4, 0.3, 1);
        Assert.Equal(0.75, v, 0.01);
        Assert.Equal(24.9, j, 0.3);
    }

    [Fact]
    public void InfiniteSteps_MatchesWorkedExample_AndBoundsEveryFiniteN()
    {
        double vInf = Capturability.MaxVelocity(s_model, SupportEdge, 0.4, 0.3, int.MaxValue);
        Assert.Equal(0.98, vInf, 0.01);
        double previous = 0;
        for (int n = 0; n < 30; n++)
        {
            double v = Capturability.MaxVelocity(s_model, SupportEdge, 0.4, 0.3, n);
            Assert.True(v > previous && v < vInf, $"N={n}: {v} must grow with N and stay below {vInf}");
            previous = v;
        }
        Assert.Equal(vInf, previous, 6);
    }

    [Fact]
    public void Dcm_IsComPlusVelocityOverOmega()
    {
        Assert.Equal(0.1 + 0.5 / s_model.Omega, s_model.Dcm(0.1, 0.5), 12);
        Assert.Equal(0.1, s_model.Zmp(0.1, 0), 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Model_NonPositiveHeight_IsRejected(double height)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LipmModel(height));
    }
}
