using Robot.Policies.Datasets;
using Robot.Policies.Models;

namespace Robot.Policies.Tests.Models;

public class PolicyNormalizationTests
{
    // One state feature that varied (std 0.5) and one environment feature the demonstrations held
    // constant (std 1e-6, like the station's tote height).
    private static PolicyNormalization Normalization() => PolicyNormalization.FromStats(new Dictionary<string, FeatureStats>
    {
        [LeRobotFormat.ObservationState] = new([0], [2], [1.0], [0.5], 100),
        [LeRobotFormat.EnvironmentState] = new([0.86], [0.86], [0.86], [1e-6], 100),
        [LeRobotFormat.Action] = new([0], [2], [1.0], [0.5], 100),
    });

    [Fact]
    public void NormalizeObservation_VaryingFeature_IsStandardised()
    {
        var into = new float[2];
        Normalization().NormalizeObservation([2f], [0.86f], into);
        Assert.Equal(2f, into[0], 5);
    }

    [Fact]
    public void NormalizeObservation_FeatureTheDemonstrationsHeldConstant_IsZeroWhateverItsValue()
    {
        PolicyNormalization normalization = Normalization();
        Assert.Equal(PolicyNormalization.MinStd, normalization.ObservationStd[1]);
        var into = new float[2];
        // 1.2 mm above the demonstrations' tote: 1.2 floored stds, an input the network never saw.
        normalization.NormalizeObservation([1f], [0.8612f], into);
        Assert.Equal(0f, into[1]);
        normalization.NormalizeObservation([1f], [5f], into);
        Assert.Equal(0f, into[1]);
    }

    [Fact]
    public void DenormalizeAction_InvertsNormalizeAction()
    {
        PolicyNormalization normalization = Normalization();
        Assert.Equal(1.7, normalization.DenormalizeAction(normalization.NormalizeAction(1.7f, 0), 0), 5);
    }

    [Theory]
    [InlineData(double.NaN, 0.5, "mean[0] is NaN")]
    [InlineData(1.0, double.PositiveInfinity, "std[0] is Infinity")]
    public void FromStats_NonFiniteActionStatistics_AreRefusedNamingFeatureAndEntry(double mean, double std, string named)
    {
        var stats = new Dictionary<string, FeatureStats>
        {
            [LeRobotFormat.ObservationState] = new([0], [2], [1.0], [0.5], 100),
            [LeRobotFormat.EnvironmentState] = new([0.86], [0.86], [0.86], [1e-6], 100),
            [LeRobotFormat.Action] = new([0], [2], [mean], [std], 100),
        };

        var e = Assert.Throws<DatasetFormatException>(() => PolicyNormalization.FromStats(stats));

        Assert.StartsWith($"meta/stats.json: 'action' {named}; normalisation needs finite statistics", e.Message, StringComparison.Ordinal);
    }
}
