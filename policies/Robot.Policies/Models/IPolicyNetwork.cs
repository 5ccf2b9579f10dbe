using TorchSharp;
using static TorchSharp.torch;

namespace Robot.Policies.Models;

/// <summary>
/// A trainable policy network on normalised tensors. Observation (N, <see cref="PolicyConfig.ObservationWidth"/>):
/// state then environment state; action chunks (N, k, <see cref="PolicyConfig.ActionWidth"/>), k ≥ <see cref="PolicyConfig.ChunkLength"/>.
/// </summary>
public interface IPolicyNetwork : IDisposable
{
    /// <summary>The hyper-parameters it was built from.</summary>
    PolicyConfig Config { get; }

    /// <summary>The TorchSharp module (parameters, train/eval mode).</summary>
    nn.Module Module { get; }

    /// <summary>Training loss on a batch: the scalar to minimise, and its parts (L1 or reconstruction, KL; 0 where none).</summary>
    (Tensor Loss, Tensor Reconstruction, Tensor Kl) ComputeLoss(Tensor observation, Tensor actionChunk);

    /// <summary>The predicted actions (N, <see cref="PolicyConfig.ChunkLength"/>, action width) for a batch of observations.</summary>
    Tensor PredictChunk(Tensor observation);
}
