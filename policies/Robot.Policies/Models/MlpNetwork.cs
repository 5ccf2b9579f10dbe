using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robot.Policies.Models;

/// <summary>
/// The behaviour-cloning baseline: an MLP (ReLU, <see cref="PolicyConfig.MlpHiddenLayers"/> hidden layers of
/// <see cref="PolicyConfig.MlpHiddenWidth"/>) from one normalised observation to one normalised action,
/// trained with L1. It predicts a chunk of one, so it runs closed-loop every step.
/// </summary>
public sealed class MlpNetwork : nn.Module<Tensor, Tensor>, IPolicyNetwork
{
    private readonly Sequential layers;

    /// <summary>Builds the network with fresh weights (drawn from torch's global generator).</summary>
    public MlpNetwork(PolicyConfig config) : base("mlp")
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        long width = config.ObservationWidth;
        for (int i = 0; i < config.MlpHiddenLayers; i++)
        {
            modules.Add(($"linear{i}", nn.Linear(width, config.MlpHiddenWidth)));
            modules.Add(($"relu{i}", nn.ReLU()));
            width = config.MlpHiddenWidth;
        }
        modules.Add(("head", nn.Linear(width, config.ActionWidth)));
        layers = nn.Sequential(modules);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public PolicyConfig Config { get; }

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <summary>One action (N, action width) per observation.</summary>
    public override Tensor forward(Tensor x) => layers.call(x);

    /// <inheritdoc/>
    public Tensor PredictChunk(Tensor observation)
    {
        using var scope = NewDisposeScope();
        return layers.call(observation).unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public (Tensor Loss, Tensor Reconstruction, Tensor Kl) ComputeLoss(Tensor observation, Tensor actionChunk)
    {
        using var scope = NewDisposeScope();
        Tensor target = actionChunk[.., 0, ..];
        Tensor l1 = (layers.call(observation) - target).abs().mean();
        return (l1.MoveToOuterDisposeScope(), l1.detach().MoveToOuterDisposeScope(), zeros(1).MoveToOuterDisposeScope());
    }
}
