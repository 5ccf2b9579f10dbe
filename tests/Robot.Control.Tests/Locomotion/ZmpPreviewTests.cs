using Robot.Control.Locomotion;

namespace Robot.Control.Tests.Locomotion;

public class ZmpPreviewTests
{
    private static readonly ZmpPreviewGains s_gains = ZmpPreviewGains.Compute(0.005, 0.7);

    [Fact]
    public void Gains_HavePreviewHorizonAndDecay()
    {
        Assert.Equal(320, s_gains.PreviewSteps);
        Assert.True(s_gains.Gi > 0);
        // Preview gains fade: the far future matters little.
        double largest = s_gains.Gd.Max(Math.Abs);
        Assert.True(Math.Abs(s_gains.Gd[^1]) < 0.01 * largest, $"last preview gain {s_gains.Gd[^1]}, largest {largest}");
    }

    [Fact]
    public void Step_ZmpStepReference_TracksWithoutSteadyStateError()
    {
        // Reference: 0 for 1 s, then 0.1 m (a weight shift onto one foot).
        int total = 800;
        double[] reference = new double[total + s_gains.PreviewSteps + 1];
        for (int k = 200; k < reference.Length; k++)
        {
            reference[k] = 0.1;
        }
        var axis = new ZmpPreviewAxis();
        axis.Reset(0);
        double maxError = 0;
        for (int k = 0; k < total; k++)
        {
            axis.Step(s_gains, reference.AsSpan(k));
            if (k > 260)
            {
                maxError = Math.Max(maxError, Math.Abs(axis.Zmp(s_gains) - reference[k + 1]));
            }
        }
        Assert.Equal(0.1, axis.Position, 3);
        Assert.True(maxError < 0.005, $"ZMP error after settling {maxError} m");
    }

    [Fact]
    public void Step_AnticipatesFutureReference()
    {
        // Preview: the CoM starts moving before the ZMP reference does.
        double[] reference = new double[600];
        for (int k = 200; k < reference.Length; k++)
        {
            reference[k] = 0.1;
        }
        var axis = new ZmpPreviewAxis();
        axis.Reset(0);
        for (int k = 0; k < 199; k++)
        {
            axis.Step(s_gains, reference.AsSpan(k));
        }
        Assert.True(axis.Position > 0.005, $"CoM at {axis.Position} m before the reference steps");
    }

    [Fact]
    public void Compute_InvalidPeriod_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ZmpPreviewGains.Compute(0, 0.7));
    }
}
