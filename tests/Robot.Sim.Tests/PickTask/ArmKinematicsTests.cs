using Robot.Core.Geometry;
using Robot.Sim.PickTask;

namespace Robot.Sim.Tests.PickTask;

public class ArmKinematicsTests
{
    [Theory]
    [InlineData(0.28, -0.12, 0.85, 0.2)]
    [InlineData(0.20, -0.40, 0.90, -0.1)]
    [InlineData(0.25, -0.30, 0.85, 0.0)]
    public void Solve_ReachesTheGraspPose_AndForwardAgrees(double x, double y, double z, double yaw)
    {
        using var k = new ArmKinematics();
        var q = new double[ArmKinematics.JointCount];
        Vec3 start = k.Forward(q);
        var target = new Vec3(x, y, z);
        double error = 0, tilt = 0;
        for (int i = 1; i <= 20; i++)
        {
            error = k.Solve(start + (i / 20.0) * (target - start), i / 20.0 * yaw, q, out tilt, 100);
        }
        Assert.True(error < 1e-3, $"position error {error} m");
        Assert.True(tilt < 1e-2, $"orientation error {tilt} rad");
        var r = new double[9];
        Vec3 reached = k.Forward(q, r);
        Assert.True((reached - target).Norm < 1e-3);
        // Hand pointing down (its z axis is world z) and turned by yaw (its x axis at angle yaw).
        Assert.Equal(1, r[8], 2);
        Assert.Equal(yaw, Math.Atan2(r[3], r[0]), 2);
        for (int i = 0; i < q.Length; i++)
        {
            Assert.InRange(q[i], k.LowerLimit(i), k.UpperLimit(i));
        }
    }
}
