using Robot.Core.Description;

namespace Robot.Core.Tests.Description;

public class RobotDescriptionTests
{
    private static JointDescription Joint(string name) => new(name, -1, 1, 10, 50);

    [Fact]
    public void IndexOf_KnownJoint_ReturnsItsPosition()
    {
        var robot = new RobotDescription("test", [Joint("hip"), Joint("knee"), Joint("ankle")]);
        Assert.Equal(1, robot.IndexOf("knee"));
        Assert.Equal(-1, robot.TryIndexOf("elbow"));
    }

    [Fact]
    public void IndexOf_UnknownJoint_NamesTheKnownOnes()
    {
        var robot = new RobotDescription("test", [Joint("hip"), Joint("knee")]);
        var e = Assert.Throws<KeyNotFoundException>(() => robot.IndexOf("elbow"));
        Assert.Equal("robot 'test' has no joint 'elbow'; known joints: hip, knee", e.Message);
    }

    [Fact]
    public void Constructor_EveryProblem_ReportedTogether()
    {
        var e = Assert.Throws<InvalidRobotDescriptionException>(() => new RobotDescription("test",
        [
            Joint("hip"),
            new JointDescription("knee", 1, -1, 10, 50),
            new JointDescription("ankle", -1, 1, 0, double.NaN),
            Joint("hip"),
        ]));
        Assert.Equal(
        [
            "joint 'knee': position range [1, -1] rad must be finite with min < max",
            "joint 'ankle': velocity limit 0 rad/s must be finite and > 0",
            "joint 'ankle': torque limit NaN N·m must be finite and > 0",
            "joint 'hip' appears twice (indices 0 and 3)",
        ], e.Errors);
    }
}
