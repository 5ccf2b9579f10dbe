using Robot.Control.Balance;
using Robot.Core.Geometry;

namespace Robot.Control.Tests.Balance;

public class FootStabiliserTests
{
    private static FootStabiliser Stabiliser() => new(dampingGain: 10, dampingTime: 0.2, forceGain: 1e-4, forceTime: 0.5);

    [Fact]
    public void CopAheadOfItsTarget_TurnsThatToeUp()
    {
        FootStabiliser s = Stabiliser();
        for (int k = 0; k < 100; k++)
        {
            // Left sole pressing 2 cm ahead of where it should; right sole on target.
            s.Update(new Vec3(0.02, 0.1, 0), new Vec3(0, 0.1, 0), new Vec3(0, -0.1, 0), new Vec3(0, -0.1, 0), 0.5, 330, 165, 165, 0.001);
        }
        Assert.True(s.LeftTilt.Rotate(new Vec3(1, 0, 0)).Z > 1e-3, "the left toe did not turn up");
        Assert.Equal(0, s.RightTilt.Rotate(new Vec3(1, 0, 0)).Z, 12);
        Assert.Equal(0, s.HeightDifference, 12);
    }

    [Fact]
    public void CopLeftOfItsTarget_LiftsThatEdge()
    {
        FootStabiliser s = Stabiliser();
        for (int k = 0; k < 100; k++)
        {
            s.Update(new Vec3(0, 0.12, 0), new Vec3(0, 0.1, 0), null, new Vec3(0, -0.1, 0), 0.5, 330, 165, 165, 0.001);
        }
        Assert.True(s.LeftTilt.Rotate(new Vec3(0, 1, 0)).Z > 1e-3, "the left sole's left edge did not lift");
    }

    [Fact]
    public void LeftCarryingLessThanItsShare_IsSentLower_AndTheOffsetsReturnWhenTheErrorGoes()
    {
        FootStabiliser s = Stabiliser();
        for (int k = 0; k < 200; k++)
        {
            // The left should carry 80 % of 330 N and carries half.
            s.Update(new Vec3(0.01, 0.1, 0), new Vec3(0, 0.1, 0), null, default, 0.8, 330, 165, 165, 0.001);
        }
        double lowered = s.HeightDifference;
        Assert.True(lowered < -1e-3, $"height difference {lowered}");
        double tilted = s.LeftTilt.Rotate(new Vec3(1, 0, 0)).Z;
        for (int k = 0; k < 3000; k++)
        {
            // On target and unloaded: both offsets decay.
            s.Update(null, default, null, default, 0.5, 330, 165, 165, 0.001);
        }
        Assert.True(Math.Abs(s.HeightDifference) < 0.01 * Math.Abs(lowered), $"height difference {s.HeightDifference}");
        Assert.True(Math.Abs(s.LeftTilt.Rotate(new Vec3(1, 0, 0)).Z) < 0.01 * tilted, "the tilt did not return");
        s.Reset();
        Assert.Equal(0, s.HeightDifference);
    }
}
