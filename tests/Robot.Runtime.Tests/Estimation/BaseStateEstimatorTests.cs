using Robot.Core.Control;
using Robot.Core.Description;
using Robot.Core.Geometry;
using Robot.Core.Hardware;
using Robot.Runtime.Estimation;
using Robot.Runtime.Loop;

namespace Robot.Runtime.Tests.Estimation;

public class BaseStateEstimatorTests
{
    private static readonly RobotDescription s_robot = new("r", [new JointDescription("a", -1, 1, 5, 30), new JointDescription("b", -1, 1, 5, 30)]);

    private static RobotState Upright()
    {
        var s = new RobotState(2);
        s.ImuAccelerometer[2] = 9.81;
        s.LeftFootWrench[2] = -150;
        s.RightFootWrench[2] = -150;
        return s;
    }

    [Fact]
    public void Update_UprightAtRest_NoFaultBothContacts()
    {
        var e = new BaseStateEstimator(s_robot, new BaseStateEstimatorOptions()).Update(Upright(), 0.001);
        Assert.Equal(LoopFault.None, e.Fault);
        Assert.True(e.LeftContact && e.RightContact);
        Assert.Equal(0, e.LinearVelocity.Norm, 9);
    }

    [Fact]
    public void Update_ContactUsesHysteresis()
    {
        var estimator = new BaseStateEstimator(s_robot, new BaseStateEstimatorOptions { ContactOnForce = 40, ContactOffForce = 20 });
        RobotState s = Upright();
        s.LeftFootWrench[2] = -30; // below "on": not yet in contact
        Assert.False(estimator.Update(s, 0.001).LeftContact);
        s.LeftFootWrench[2] = -45;
        Assert.True(estimator.Update(s, 0.001).LeftContact);
        s.LeftFootWrench[2] = -30; // between off and on: stays in contact
        Assert.True(estimator.Update(s, 0.001).LeftContact);
        s.LeftFootWrench[2] = -10;
        Assert.False(estimator.Update(s, 0.001).LeftContact);
    }

    [Fact]
    public void Update_AngularVelocity_RotatedToSiteFrame()
    {
        RobotState s = Upright();
        Quat yaw90 = Quat.FromYaw(Math.PI / 2);
        (s.ImuOrientation[0], s.ImuOrientation[1], s.ImuOrientation[2], s.ImuOrientation[3]) = (yaw90.W, yaw90.X, yaw90.Y, yaw90.Z);
        s.ImuGyro[0] = 1; // about body x = site y after a 90° yaw
        BaseEstimate e = new BaseStateEstimator(s_robot, new BaseStateEstimatorOptions()).Update(s, 0.001);
        Assert.Equal(1, e.AngularVelocity.Y, 9);
        Assert.Equal(0, e.AngularVelocity.X, 9);
    }

    [Theory]
    [InlineData("joint-nan", LoopFault.SensorNotFinite, 1)]
    [InlineData("joint-range", LoopFault.SensorOutOfRange, 0)]
    [InlineData("joint-speed", LoopFault.SensorOutOfRange, 1)]
    [InlineData("quat-nan", LoopFault.SensorNotFinite, 2)]
    [InlineData("quat-norm", LoopFault.SensorOutOfRange, 2)]
    [InlineData("gyro", LoopFault.SensorOutOfRange, 3)]
    [InlineData("accel-inf", LoopFault.SensorNotFinite, 4)]
    [InlineData("wrench-left", LoopFault.SensorNotFinite, 5)]
    [InlineData("wrench-right", LoopFault.SensorNotFinite, 6)]
    public void Update_BadSensor_FaultNamesChannel(string kind, LoopFault expected, int detail)
    {
        RobotState s = Upright();
        switch (kind)
        {
            case "joint-nan": s.JointPosition[1] = double.NaN; break;
            case "joint-range": s.JointPosition[0] = 1.5; break;
            case "joint-speed": s.JointVelocity[1] = 20; break;
            case "quat-nan": s.ImuOrientation[3] = double.NaN; break;
            case "quat-norm": s.ImuOrientation[0] = 0.5; break;
            case "gyro": s.ImuGyro[2] = 100; break;
            case "accel-inf": s.ImuAccelerometer[0] = double.PositiveInfinity; break;
            case "wrench-left": s.LeftFootWrench[4] = double.NaN; break;
            case "wrench-right": s.RightFootWrench[0] = double.NaN; break;
        }
        BaseEstimate e = new BaseStateEstimator(s_robot, new BaseStateEstimatorOptions()).Update(s, 0.001);
        Assert.Equal(expected, e.Fault);
        Assert.Equal(detail, e.FaultDetail);
    }

    [Fact]
    public void Update_WithOdometry_ConvergesToKinematicVelocity()
    {
        var estimator = new BaseStateEstimator(s_robot, new BaseStateEstimatorOptions(), new ConstantOdometry(new Vec3(0.4, -0.1, 0)));
        BaseEstimate e = default;
        for (int i = 0; i < 500; i++)
        {
            e = estimator.Update(Upright(), 0.001);
        }
        Assert.Equal(0.4, e.LinearVelocity.X, 3);
        Assert.Equal(-0.1, e.LinearVelocity.Y, 3);
    }

    private sealed class ConstantOdometry(Vec3 v) : ILegOdometry
    {
        public bool TryPelvisVelocity(RobotState state, Quat orientation, Vec3 angularVelocity, bool leftContact, bool rightContact, out Vec3 velocity)
        {
            velocity = v;
            return true;
        }
    }
}
