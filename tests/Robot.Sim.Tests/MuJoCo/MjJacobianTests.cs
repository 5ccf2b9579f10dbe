using Robot.Sim.MuJoCo;

namespace Robot.Sim.Tests.MuJoCo;

public class MjJacobianTests
{
    [Fact]
    public void SiteJacobian_MatchesFiniteDifferences_OfTheSitePose()
    {
        using var robot = SimHardware.FlatGround();
        robot.Configure();
        MjSimulation sim = robot.Simulation;
        int site = sim.RequireId(MjObject.Site, "right_grasp");
        int joint = robot.Description.IndexOf("right_elbow");
        int qposAdr = robot.Binding.QposAdr[joint], dof = robot.Binding.DofAdr[joint];
        sim.Qpos()[qposAdr] = 0.7;
        sim.Kinematics();
        var jacp = new double[3 * sim.Nv];
        var jacr = new double[3 * sim.Nv];
        sim.SiteJacobian(site, jacp, jacr);
        double[] before = sim.SiteXpos.Slice(3 * site, 3).ToArray();
        double[] mat = sim.SiteXmat.Slice(9 * site, 9).ToArray();
        const double h = 1e-6;
        sim.Qpos()[qposAdr] += h;
        sim.Kinematics();
        ReadOnlySpan<double> after = sim.SiteXpos.Slice(3 * site, 3);
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal((after[r] - before[r]) / h, jacp[r * sim.Nv + dof], 5);
        }
        Assert.True(Math.Abs(jacp[0 * sim.Nv + dof]) + Math.Abs(jacp[2 * sim.Nv + dof]) > 0.05, "the elbow moves the hand");
        // The elbow turns about the forearm's −y axis: the rotation column is that axis in world coordinates.
        double[] axis = [-mat[1], -mat[4], -mat[7]];
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(axis[r], jacr[r * sim.Nv + dof], 6);
        }
        // A leg joint does not move the hand.
        int knee = robot.Binding.DofAdr[robot.Description.IndexOf("left_knee")];
        Assert.Equal(0, jacp[knee]);
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.SiteJacobian(sim.SiteCount, jacp, jacr));
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.SiteJacobian(site, new double[3], jacr));
    }
}
