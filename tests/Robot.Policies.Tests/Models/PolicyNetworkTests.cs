using Robot.Policies.Tests.Torch;
using Robot.Policies.Models;
using Robot.Policies.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Robot.Policies.Tests.Models;

[Collection(TorchGenerator.Name)]
public class PolicyNetworkTests
{
    [Fact]
    public void Act_PredictChunk_HasBatchChunkActionShape()
    {
        random.manual_seed(1);
        using IPolicyNetwork network = PolicyNetworks.Create(PolicyDatasetFixture.TinyAct);
        using var scope = NewDisposeScope();
        Tensor chunk = network.PredictChunk(randn(3, 22));
        Assert.Equal(new long[] { 3, 5, 8 }, chunk.shape);
        var (loss, l1, kl) = network.ComputeLoss(randn(3, 22), randn(3, 5, 8));
        Assert.Empty(loss.shape);
        Assert.True(l1.item<float>() > 0 && kl.item<float>() >= 0);
    }

    [Fact]
    public void Mlp_PredictChunk_IsAChunkOfOne()
    {
        random.manual_seed(1);
        using IPolicyNetwork network = PolicyNetworks.Create(PolicyDatasetFixture.TinyMlp);
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 4, 1, 8 }, network.PredictChunk(randn(4, 22)).shape);
    }

    [Fact]
    public void Act_EvalMode_IsDeterministic()
    {
        random.manual_seed(2);
        using IPolicyNetwork network = PolicyNetworks.Create(PolicyDatasetFixture.TinyAct);
        network.Module.eval();
        using var scope = NewDisposeScope();
        Tensor x = randn(2, 22);
        Assert.True(network.PredictChunk(x).equal(network.PredictChunk(x)).all().item<bool>());
    }

    [Fact]
    public void Create_InvalidConfig_ListsEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => PolicyNetworks.Create(PolicyDatasetFixture.TinyAct with { ModelWidth = 15, Dropout = 1.5 }));
        Assert.Contains("ModelWidth: 15 must be a multiple of Heads (2)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Dropout: 1.5 must be in [0, 1)", e.Message, StringComparison.Ordinal);
    }
}
