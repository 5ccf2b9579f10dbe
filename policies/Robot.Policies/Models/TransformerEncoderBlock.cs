using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robot.Policies.Models;

/// <summary>
/// One pre-norm transformer encoder layer, batch-first (N, S, E): self-attention then a ReLU
/// feed-forward, each with a residual connection and dropout. Pre-norm because it trains stably at the
/// small widths and short schedules a CPU affords, without ACT's learning-rate warm-up.
/// </summary>
internal sealed class TransformerEncoderBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm attentionNorm, feedForwardNorm;
    private readonly MultiHeadAttention attention;
    private readonly Linear expand, contract;
    private readonly Dropout dropout;

    public TransformerEncoderBlock(string name, long width, long heads, long feedForward, double dropoutRate) : base(name)
    {
        attentionNorm = nn.LayerNorm(width);
        attention = new MultiHeadAttention("attention", width, heads);
        feedForwardNorm = nn.LayerNorm(width);
        expand = nn.Linear(width, feedForward);
        contract = nn.Linear(feedForward, width);
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor h = attentionNorm.call(x);
        Tensor y = x + dropout.call(attention.call(h, h));
        Tensor f = contract.call(nn.functional.relu(expand.call(feedForwardNorm.call(y))));
        return (y + dropout.call(f)).MoveToOuterDisposeScope();
    }
}
