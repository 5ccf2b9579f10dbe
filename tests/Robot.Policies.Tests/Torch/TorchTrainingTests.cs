using Robot.Policies.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Robot.Policies.Tests.Torch;

[Collection(TorchGenerator.Name)]
public class TorchTrainingTests
{
    [Fact]
    public void Probe_ComputesOnThisMachine()
    {
        Assert.StartsWith("TorchSharp", TorchRuntime.Probe(), StringComparison.Ordinal);
    }

    [Fact]
    public void TinyMlp_FitsLinearMap_LossFalls()
    {
        random.manual_seed(7);
        using var scope = NewDisposeScope();
        // y = 2·x₀ − x₁ + 0.5: a two-layer MLP must fit it well within 300 Adam steps.
        var x = randn(256, 2);
        var y = (2 * x[.., 0] - x[.., 1] + 0.5).unsqueeze(1);
        var model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 1));
        var optimizer = optim.Adam(model.parameters(), lr: 0.01);
        double first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            optimizer.zero_grad();
            using var loss = nn.functional.mse_loss(model.call(x), y);
            loss.backward();
            optimizer.step();
            double value = loss.item<float>();
            if (step == 0)
            {
                first = value;
            }
            last = value;
        }
        Assert.True(last < first * 0.05, $"loss went from {first} to {last}; expected a 20× drop");
    }
}
