using Robot.Core.Description;
using Robot.Core.Hardware;
using Robot.Runtime.Loop;

namespace Robot.Runtime.Tests.Loop;

public class CommandLimiterTests
{
    private static readonly RobotDescription s_robot = new("r", [new JointDescription("a", -1, 1, 2, 30)]);

    [Fact]
    public void Apply_ClampsPositionVelocityAndTorque()
    {
        JointCommand[] commands = [new JointCommand(5, -9, 10, 1, 100)];
        Assert.Equal(-1, new CommandLimiter(s_robot).Apply(commands, speedScale: 1));
        Assert.Equal(new JointCommand(1, -2, 10, 1, 30), commands[0]);
    }

    [Fact]
    public void Apply_SpeedScale_ScalesVelocity()
    {
        JointCommand[] commands = [new JointCommand(0, 1.5, 10, 1, 0)];
        new CommandLimiter(s_robot).Apply(commands, speedScale: 0.5);
        Assert.Equal(0.75, commands[0].Velocity);
    }

    [Fact]
    public void Apply_NegativeGain_IsReportedNotClamped()
    {
        JointCommand[] commands = [new JointCommand(0, 0, -10, 1, 0)];
        Assert.Equal(0, new CommandLimiter(s_robot).Apply(commands, 1));
    }
}
