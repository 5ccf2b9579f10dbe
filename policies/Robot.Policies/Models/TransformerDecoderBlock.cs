using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robot.Policies.Models;

/// <summary>
/// One pre-norm transformer decoder layer, batch-first: self-attention over the action queries (N, k, E),
/// cross-attention to the encoder's memory (N, S, E), then a ReLU feed-forward; residuals and dropout.
/// </summary>
internal sealed class TransformerDecoderBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm selfNorm, crossNorm, feedForwardNorm;
    private readonly MultiHeadAttention selfAttention, crossAttention;
    private readonly Linear expand, contract;
    private readonly Dropout dropout;

    public TransformerDecoderBlock(string name, long width, long heads, long feedForward, double dropoutRate) : base(name)
    {
        selfNorm = nn.LayerNorm(width);
        selfAttention = new MultiHeadAttention("self_attention", width, heads);
        crossNorm = nn.LayerNorm(width);
        crossAttention = new MultiHeadAttention("cross_attention", width, heads);
        feedForwardNorm = nn.LayerNorm(width);
        expand = nn.Linear(width, feedForward);
        contract = nn.Linear(feedForward, width);
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor memory)
    {
        using var scope = NewDisposeScope();
        Tensor h = selfNorm.call(x);
        Tensor y = x + dropout.call(selfAttention.call(h, h));
        Tensor z = y + dropout.call(crossAttention.call(crossNorm.call(y), memory));
        Tensor f = contract.call(nn.functional.relu(expand.call(feedForwardNorm.call(z))));
        return (z + dropout.call(f)).MoveToOuterDisposeScope();
    }
}
