using Robot.Control.Lipm;

namespace Robot.Control.Tests.Lipm;

public class SupportPolygonTests
{
    private static readonly SupportPolygon s_box = new(-0.07, 0.11, -0.12, 0.12);

    [Theory]
    [InlineData(0.0, 0.11)]
    [InlineData(Math.PI, 0.07)]
    [InlineData(Math.PI / 2, 0.12)]
    public void DistanceToEdge_AxisDirections(double angle, double expected)
    {
        Assert.Equal(expected, s_box.DistanceToEdge(0, 0, angle), 12);
    }

    [Fact]
    public void DistanceToEdge_Diagonal_HitsNearerEdge()
    {
        // 45°: x reaches 0.11 after 0.11·√2, y reaches 0.12 after 0.12·√2; the x edge is nearer.
        Assert.Equal(0.11 * Math.Sqrt(2), s_box.DistanceToEdge(0, 0, Math.PI / 4), 9);
    }

    [Fact]
    public void DistanceToEdge_Outside_IsZero()
    {
        Assert.Equal(0, s_box.DistanceToEdge(0.5, 0, 0));
    }
}
