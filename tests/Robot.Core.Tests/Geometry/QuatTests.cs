using Robot.Core.Geometry;

namespace Robot.Core.Tests.Geometry;

public class QuatTests
{
    [Fact]
    public void Rotate_YawQuarterTurn_MapsXToY()
    {
        Vec3 v = Quat.FromYaw(Math.PI / 2).Rotate(new Vec3(1, 0, 0));
        Assert.Equal(0, v.X, 12);
        Assert.Equal(1, v.Y, 12);
        Assert.Equal(0, v.Z, 12);
    }

    [Fact]
    public void Multiply_ComposesRotations()
    {
        Quat a = Quat.FromAxisAngle(new Vec3(1, 0, 0), 0.3);
        Quat b = Quat.FromAxisAngle(new Vec3(0, 1, 0), -0.7);
        var v = new Vec3(0.2, -1.1, 0.5);
        Vec3 composed = (a * b).Rotate(v);
        Vec3 sequential = a.Rotate(b.Rotate(v));
        Assert.Equal(sequential.X, composed.X, 12);
        Assert.Equal(sequential.Y, composed.Y, 12);
        Assert.Equal(sequential.Z, composed.Z, 12);
    }

    [Fact]
    public void EulerAngles_RoundTrip()
    {
        Quat q = Quat.FromYaw(0.4) * Quat.FromAxisAngle(new Vec3(0, 1, 0), 0.2) * Quat.FromAxisAngle(new Vec3(1, 0, 0), -0.1);
        Assert.Equal(0.4, q.Yaw, 12);
        Assert.Equal(0.2, q.Pitch, 12);
        Assert.Equal(-0.1, q.Roll, 12);
        Assert.Equal(0, Quat.FromYaw(2).Tilt, 9);
        Assert.Equal(0.3, Quat.FromAxisAngle(new Vec3(1, 0, 0), 0.3).Tilt, 9);
    }
}
