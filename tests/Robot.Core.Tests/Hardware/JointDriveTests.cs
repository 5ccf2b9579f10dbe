using Robot.Core.Hardware;

namespace Robot.Core.Tests.Hardware;

public class JointDriveTests
{
    [Fact]
    public void Torque_PdPlusFeedForward_MatchesDriverLaw()
    {
        var command = new JointCommand(Position: 0.5, Velocity: 0.1, Kp: 100, Kd: 2, FeedForwardTorque: 3);
        double tau = JointDrive.Torque(command, q: 0.4, qd: -0.2, torqueLimit: 50);
        Assert.Equal(100 * 0.1 + 2 * 0.3 + 3, tau, 12);
    }

    [Theory]
    [InlineData(10.0, 25.0)]
    [InlineData(-10.0, -25.0)]
    public void Torque_BeyondLimit_Saturates(double positionError, double expected)
    {
        var command = new JointCommand(positionError, 0, Kp: 100, Kd: 0, FeedForwardTorque: 0);
        Assert.Equal(expected, JointDrive.Torque(command, 0, 0, torqueLimit: 25));
    }

    [Theory]
    [InlineData(double.NaN, 0, 1, 1, 0)]
    [InlineData(0, double.PositiveInfinity, 1, 1, 0)]
    [InlineData(0, 0, -1, 1, 0)]
    [InlineData(0, 0, 1, -0.5, 0)]
    [InlineData(0, 0, 1, 1, double.NaN)]
    public void IsValid_NonFiniteOrNegativeGain_IsFalse(double p, double v, double kp, double kd, double ff)
    {
        Assert.False(new JointCommand(p, v, kp, kd, ff).IsValid);
    }

    [Fact]
    public void Limp_AppliesNoTorque()
    {
        Assert.True(JointCommand.Limp.IsValid);
        Assert.Equal(0, JointDrive.Torque(JointCommand.Limp, 1.3, -2, 100));
    }
}
