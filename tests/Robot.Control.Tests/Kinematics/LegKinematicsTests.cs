using Robot.Control.Kinematics;
using Robot.Core.Geometry;

namespace Robot.Control.Tests.Kinematics;

public class LegKinematicsTests
{
    private static readonly LegGeometry s_left = LegGeometry.WarehouseHumanoidLeft;

    [Fact]
    public void Forward_StraightLeg_SoleBelowHip()
    {
        var (p, r) = LegKinematics.Forward(s_left, [0, 0, 0, 0, 0, 0]);
        Assert.Equal(0.02, p.X, 12);
        Assert.Equal(0.09, p.Y, 12);
        Assert.Equal(-0.1 - 0.33 - 0.30 - 0.06, p.Z, 12);
        Assert.Equal(1, r.W, 12);
    }

    [Fact]
    public void Forward_KneePositive_FlexesBackward()
    {
        var (p, _) = LegKinematics.Forward(s_left, [0, 0, 0, 0.5, 0, 0]);
        Assert.True(p.X < 0, "a positive knee angle must move the foot backward");
    }

    [Fact]
    public void Inverse_RandomReachablePoses_ReproducesForward()
    {
        var random = new Random(42);
        Span<double> q = stackalloc double[6];
        Span<double> solved = stackalloc double[6];
        for (int trial = 0; trial < 2000; trial++)
        {
            q[0] = Uniform(random, -0.6, 0.6);
            q[1] = Uniform(random, -0.4, 0.5);
            q[2] = Uniform(random, -1.2, 0.6);
            q[3] = Uniform(random, 0.05, 2.0);
            q[4] = Uniform(random, -0.8, 0.5);
            q[5] = Uniform(random, -0.25, 0.25);
            var (p, r) = LegKinematics.Forward(s_left, q);
            Assert.Equal(LegIkResult.Reached, LegKinematics.Inverse(s_left, p, r, solved));
            var (p2, r2) = LegKinematics.Forward(s_left, solved);
            Assert.True((p2 - p).Norm < 1e-9, $"trial {trial}: position error {(p2 - p).Norm}");
            Assert.True(Math.Abs(Math.Abs((r2.Conjugate * r).W) - 1) < 1e-9, $"trial {trial}: orientation differs");
            for (int i = 0; i < 6; i++)
            {
                Assert.Equal(q[i], solved[i], 6);
            }
        }
    }

    [Fact]
    public void Inverse_TooFar_SaysSoAndStraightensKnee()
    {
        Span<double> q = stackalloc double[6];
        Assert.Equal(LegIkResult.TooFar, LegKinematics.Inverse(s_left, new Vec3(0, 0.09, -1.5), Quat.Identity, q));
        Assert.Equal(0, q[3], 12);
    }

    /// <summary>
    /// The highest pelvis over a sole out to the side and ahead: the leg reaches it at the share
    /// of its length asked for, and at the full length 1 mm higher is out of reach.
    /// </summary>
    [Fact]
    public void HighestPelvis_PutsTheAnkleAtTheShareOfTheLegsLength()
    {
        var sole = new Vec3(0.12, 0.2, 0);
        double z = s_left.HighestPelvis(sole, 0.01, -0.02, 0.95);
        Vec3 hip = new Vec3(0.01, -0.02, z) + s_left.HipOffset;
        Assert.Equal(0.95 * (s_left.ThighLength + s_left.ShankLength), (sole - s_left.AnkleToSole - hip).Norm, 9);

        Span<double> q = stackalloc double[6];
        double full = s_left.HighestPelvis(sole, 0.01, -0.02, 1);
        Assert.Equal(LegIkResult.Reached, LegKinematics.Inverse(s_left, sole - new Vec3(0.01, -0.02, full - 0.001), Quat.Identity, q));
        Assert.Equal(LegIkResult.TooFar, LegKinematics.Inverse(s_left, sole - new Vec3(0.01, -0.02, full + 0.001), Quat.Identity, q));
    }

    [Fact]
    public void Inverse_NaN_IsInvalidInputAndLeavesAnglesUntouched()
    {
        Span<double> q = [1, 2, 3, 4, 5, 6];
        Assert.Equal(LegIkResult.InvalidInput, LegKinematics.Inverse(s_left, new Vec3(double.NaN, 0, -0.7), Quat.Identity, q));
        Assert.Equal(3, q[2]);
    }

    [Fact]
    public void Inverse_BeyondJointLimits_IsFlagged()
    {
        Span<double> q = stackalloc double[6];
        var (p, r) = LegKinematics.Forward(s_left, [0, 0, -0.3, 0.6, -0.3, 0]);
        double[] min = [-0.1, -0.1, -0.1, -0.1, -0.1, -0.1];
        double[] max = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
        Assert.Equal(LegIkResult.OutsideJointLimits, LegKinematics.Inverse(s_left, p, r, q, min, max));
    }

    private static double Uniform(Random r, double lo, double hi) => lo + (hi - lo) * r.NextDouble();
}
