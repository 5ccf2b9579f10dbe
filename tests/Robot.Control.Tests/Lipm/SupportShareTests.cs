using Robot.Control.Lipm;

namespace Robot.Control.Tests.Lipm;

public class SupportShareTests
{
    [Theory]
    [InlineData(0, 0, 0.5)] // midway: half each
    [InlineData(0, 0.09, 1)] // on the left sole
    [InlineData(0, -0.09, 0)] // on the right sole
    [InlineData(0, 0.045, 0.75)]
    [InlineData(0.05, 0.045, 0.75)] // the offset across the line between the soles does not count
    [InlineData(0, 0.3, 1)] // beyond a sole: all of it, never more
    [InlineData(0, -0.3, 0)]
    public void Left_IsTheZmpsPlaceBetweenTheSoles(double zmpX, double zmpY, double expected)
    {
        Assert.Equal(expected, SupportShare.Left(zmpX, zmpY, 0, 0.09, 0, -0.09), 12);
    }

    [Fact]
    public void Left_StaggeredFeet_ProjectsOntoTheLineBetweenThem()
    {
        // Left sole 0.3 m ahead: a ZMP two thirds of the way from the right sole to the left one
        // puts two thirds of the weight on the left.
        Assert.Equal(2.0 / 3, SupportShare.Left(0.2, 0.03, 0.3, 0.09, 0, -0.09), 12);
        Assert.Equal(0.5, SupportShare.Left(0.15, 0, 0.3, 0.09, 0, -0.09), 12);
    }

    [Fact]
    public void Left_SolesInOnePlace_IsHalf()
    {
        Assert.Equal(0.5, SupportShare.Left(1, 1, 0, 0, 0, 0));
    }
}
