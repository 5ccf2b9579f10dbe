using System.Text.Json.Nodes;
using Robot.Policies.Models;
using Robot.Policies.Tests.Datasets;
using Robot.Policies.Tests.Torch;
using Robot.Policies.Tests.Training;
using static TorchSharp.torch;

namespace Robot.Policies.Tests.Models;

/// <summary><see cref="PolicyBundle"/> on real policy folders in a temp folder (a tiny MLP: state 8, environment 14, action 8).</summary>
[Collection(TorchGenerator.Name)]
public class PolicyBundleTests
{
    private static PolicyNormalization Normalization(int observationWidth, int actionWidth) => new()
    {
        ObservationMean = new double[observationWidth],
        ObservationStd = [.. Enumerable.Repeat(1.0, observationWidth)],
        ActionMean = new double[actionWidth],
        ActionStd = [.. Enumerable.Repeat(1.0, actionWidth)],
    };

    private static string SavedPolicy(TempDir dir)
    {
        random.manual_seed(1);
        using IPolicyNetwork network = PolicyNetworks.Create(PolicyDatasetFixture.TinyMlp);
        PolicyBundle.Save(dir.Path, new PolicyManifest { Config = PolicyDatasetFixture.TinyMlp, Normalization = Normalization(22, 8) }, network);
        return dir.Path;
    }

    [Theory]
    [InlineData("actionStd", "normalization.actionStd has 7 entries, the action width is 8")]
    [InlineData("observationMean", "normalization.observationMean has 21 entries, the observation width (state 8 + environment 14) is 22")]
    public void ReadManifest_NormalizationOfAnotherWidth_IsRefusedNamingTheArray(string array, string expected)
    {
        using var dir = new TempDir();
        string policy = SavedPolicy(dir);
        string path = Path.Combine(policy, PolicyBundle.ManifestFile);
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        manifest["normalization"]![array]!.AsArray().RemoveAt(0);
        File.WriteAllText(path, manifest.ToJsonString());

        var e = Assert.Throws<PolicyLoadException>(() => PolicyBundle.ReadManifest(policy));

        Assert.Equal($"{path}: {expected}", e.Message);
    }

    [Fact]
    public void Load_SavedPolicy_HasItsNormalization()
    {
        using var dir = new TempDir();
        var (network, manifest) = PolicyBundle.Load(SavedPolicy(dir));
        using (network)
        {
            Assert.Equal(22, manifest.Normalization.ObservationStd.Length);
            Assert.Equal(8, manifest.Normalization.ActionMean.Length);
        }
    }
}
