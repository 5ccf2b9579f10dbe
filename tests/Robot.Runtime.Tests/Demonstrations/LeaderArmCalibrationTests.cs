using Robot.Runtime.Demonstrations;
using Robot.Sim.PickTask;

namespace Robot.Runtime.Tests.Demonstrations;

/// <summary>The leader-to-robot mapping: IDs, directions, offsets, the limits clamp and the gripper's stops, from a calibration file.</summary>
public sealed class LeaderArmCalibrationTests : IDisposable
{
    private readonly ArmKinematics _kinematics = new();
    private readonly string _file = Path.GetTempFileName();

    public void Dispose()
    {
        _kinematics.Dispose();
        File.Delete(_file);
    }

    private LeaderArmCalibration Load(string json)
    {
        File.WriteAllText(_file, json);
        return LeaderArmCalibration.Load(_file, _kinematics);
    }

    /// <summary>Joints 0–6: IDs 11–17 except 0 and 1 swapped, joint 1 reversed, offsets 0.1·i, joint 3 (elbow, range [−0.1, 2.6]) limited to [0.2, 0.9]; gripper ID 20 open at 0.4, closed at −0.6.</summary>
    private LeaderArmCalibration Sample() => Load("""
        { "version": 1,
          "joints": [
            { "leaderId": 12, "robotJoint": "right_shoulder_pitch", "direction": 1, "offset": 0.0 },
            { "leaderId": 11, "robotJoint": "right_shoulder_roll", "direction": -1, "offset": 0.1 },
            { "leaderId": 13, "robotJoint": "right_shoulder_yaw", "offset": 0.2 },
            { "leaderId": 14, "robotJoint": "right_elbow", "direction": 1, "offset": 0.3, "min": 0.2, "max": 0.9 },
            { "leaderId": 15, "robotJoint": "right_wrist_roll", "direction": 1, "offset": 0.4 },
            { "leaderId": 16, "robotJoint": "right_wrist_pitch", "direction": 1, "offset": 0.5 },
            { "leaderId": 17, "robotJoint": "right_wrist_yaw", "direction": -1 } ],
          "gripper": { "leaderId": 20, "openAngle": 0.4, "closedAngle": -0.6 } }
        """);

    private static double[] Map(LeaderArmCalibration calibration, params double[] leader)
    {
        var action = new double[PickTaskEnvironment.StateWidth];
        calibration.ToAction(leader, action);
        return action;
    }

    [Fact]
    public void Load_ReadsEveryField_AndDefaultsDirectionOffsetAndLimits()
    {
        LeaderArmCalibration c = Sample();
        Assert.Equal(new byte[] { 12, 11, 13, 14, 15, 16, 17, 20 }, c.LeaderIds);
        Assert.Equal(ArmKinematics.JointNames, c.Joints.Select(j => j.RobotJoint));
        Assert.Equal(-1, c.Joints[1].Direction);
        Assert.Equal(1, c.Joints[2].Direction); // omitted: +1
        Assert.Equal(0, c.Joints[6].Offset); // omitted: 0
        Assert.Equal(_kinematics.LowerLimit(0), c.Joints[0].Min); // omitted: the joint's range
        Assert.Equal(_kinematics.UpperLimit(0), c.Joints[0].Max);
        Assert.Equal((0.2, 0.9), (c.Joints[3].Min, c.Joints[3].Max));
        Assert.Equal(new LeaderGripperMap(20, 0.4, -0.6), c.Gripper);
    }

    [Fact]
    public void ToAction_AppliesDirectionThenOffset_PerJoint()
    {
        double[] a = Map(Sample(), 0.05, 0.2, -0.1, 0.0, 0.1, -0.3, 0.25, 0.4);
        Assert.Equal(0.05, a[0], 12);
        Assert.Equal(-0.2 + 0.1, a[1], 12); // reversed, then offset
        Assert.Equal(-0.1 + 0.2, a[2], 12);
        Assert.Equal(0.3, a[3], 12);
        Assert.Equal(0.5, a[4], 12);
        Assert.Equal(0.2, a[5], 12);
        Assert.Equal(-0.25, a[6], 12); // reversed, no offset
    }

    [Theory]
    [InlineData(0.8, 0.9)] // 1.1 past max 0.9
    [InlineData(-1.0, 0.2)] // −0.7 past min 0.2
    [InlineData(0.1, 0.4)] // inside: not clamped
    public void ToAction_ClampsToTheCalibratedLimits(double leader, double expected)
    {
        double[] a = Map(Sample(), 0, 0, 0, leader, 0, 0, 0, 0.4);
        Assert.Equal(expected, a[3], 12);
    }

    [Fact]
    public void ToAction_WithoutLimitsInTheFile_ClampsToTheJointRange()
    {
        double[] high = Map(Sample(), 50, 0, 0, 0, 0, 0, 0, 0.4);
        double[] low = Map(Sample(), -50, 0, 0, 0, 0, 0, 0, 0.4);
        Assert.Equal(_kinematics.UpperLimit(0), high[0]);
        Assert.Equal(_kinematics.LowerLimit(0), low[0]);
    }

    [Theory]
    [InlineData(0.4, 0.0)] // open stop
    [InlineData(-0.6, PickTaskEnvironment.GripperClosed)] // closed stop (below the open one on this leader)
    [InlineData(-0.1, PickTaskEnvironment.GripperClosed / 2)] // half way
    [InlineData(0.9, 0.0)] // opened past the stop
    [InlineData(-1.2, PickTaskEnvironment.GripperClosed)] // squeezed past the stop
    public void ToAction_MapsTheGripperLinearlyBetweenItsStops_Clamped(double leader, double jaw)
    {
        double[] a = Map(Sample(), 0, 0, 0, 0, 0, 0, 0, leader);
        Assert.Equal(jaw, a[7], 12);
    }

    [Fact]
    public void Identity_IsIds1To8Straight_GripperOpenAtZeroClosedAtOne()
    {
        var c = LeaderArmCalibration.Identity(_kinematics);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, c.LeaderIds);
        double[] q = [.. Enumerable.Range(0, 7).Select(i => (_kinematics.LowerLimit(i) + _kinematics.UpperLimit(i)) / 2)];
        double[] a = Map(c, [.. q, 0.25]);
        Assert.Equal(q, a[..7]);
        Assert.Equal(0.25 * PickTaskEnvironment.GripperClosed, a[7], 12);
    }

    [Theory]
    [InlineData("""{ "leaderId": 14, "robotJoint": "right_elbow", "min": -50, "max": 0.3 }""", "joints[3].min/max")]
    [InlineData("""{ "leaderId": 14, "robotJoint": "right_elbow", "min": 0.3, "max": 0.2 }""", "joints[3].min/max")]
    [InlineData("""{ "leaderId": 20, "robotJoint": "right_elbow" }""", "gripper.leaderId: 20")]
    [InlineData("""{ "leaderId": 13, "robotJoint": "right_elbow" }""", "joints[3].leaderId: 13 is used twice")]
    [InlineData("""{ "leaderId": 14, "robotJoint": "right_wrist_roll" }""", "joints[3].robotJoint")]
    [InlineData("""{ "leaderId": 14, "robotJoint": "right_elbow", "offset": "0.1" }""", "joints[3].offset")]
    public void Load_RefusesAWrongEntry_NamingIt(string elbow, string named)
    {
        string json = $$"""
            { "version": 1,
              "joints": [
                { "leaderId": 11, "robotJoint": "right_shoulder_pitch" }, { "leaderId": 12, "robotJoint": "right_shoulder_roll" },
                { "leaderId": 13, "robotJoint": "right_shoulder_yaw" }, {{elbow}},
                { "leaderId": 15, "robotJoint": "right_wrist_roll" }, { "leaderId": 16, "robotJoint": "right_wrist_pitch" },
                { "leaderId": 17, "robotJoint": "right_wrist_yaw" } ],
              "gripper": { "leaderId": 20, "openAngle": 0, "closedAngle": 1 } }
            """;
        var e = Assert.Throws<CalibrationException>(() => Load(json));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.StartsWith(_file, e.Message, StringComparison.Ordinal);
    }
}
