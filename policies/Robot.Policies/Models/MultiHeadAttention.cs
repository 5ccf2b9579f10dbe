using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robot.Policies.Models;

/// <summary>
/// Scaled dot-product attention with <c>heads</c> heads, batch-first: query (N, Sq, E) attends to
/// keys/values (N, Sk, E) and returns (N, Sq, E). Built from Linear layers rather than TorchSharp's
/// sequence-first <c>MultiheadAttention</c> so every weight has a stable, readable name in safetensors.
/// </summary>
internal sealed class MultiHeadAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query, key, value, output;
    private readonly long _heads, _headWidth;
    private readonly double _scale;

    public MultiHeadAttention(string name, long width, long heads) : base(name)
    {
        if (width % heads != 0)
        {
            throw new ArgumentException($"model width {width} is not a multiple of the head count {heads}", nameof(heads));
        }
        _heads = heads;
        _headWidth = width / heads;
        _scale = 1.0 / Math.Sqrt(_headWidth);
        query = nn.Linear(width, width);
        key = nn.Linear(width, width);
        value = nn.Linear(width, width);
        output = nn.Linear(width, width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor memory)
    {
        long n = x.shape[0], sq = x.shape[1], sk = memory.shape[1], e = x.shape[2];
        using var q = query.call(x).view(n, sq, _heads, _headWidth).transpose(1, 2);
        using var k = key.call(memory).view(n, sk, _heads, _headWidth).transpose(1, 2);
        using var v = value.call(memory).view(n, sk, _heads, _headWidth).transpose(1, 2);
        using var scores = matmul(q, k.transpose(-2, -1)).mul_(_scale);
        using var weights = scores.softmax(-1);
        using var mixed = matmul(weights, v).transpose(1, 2).reshape(n, sq, e);
        return output.call(mixed);
    }
}
