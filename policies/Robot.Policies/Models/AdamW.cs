using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robot.Policies.Models;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter) written out here rather than TorchSharp's optimiser so its state — both
/// moments and the step count — can be saved beside the weights in safetensors and restored exactly on
/// <c>--resume</c>: resumed training then reproduces uninterrupted training bit for bit.
/// </summary>
public sealed class AdamW : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private readonly (string Name, Parameter Parameter, Tensor M, Tensor V)[] _slots;
    private readonly double _learningRate, _weightDecay;

    /// <summary>Optimises every parameter of <paramref name="module"/>.</summary>
    public AdamW(nn.Module module, double learningRate, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(module);
        _learningRate = learningRate;
        _weightDecay = weightDecay;
        _slots = [.. module.named_parameters().Select(p => (p.name, p.parameter, zeros_like(p.parameter).detach(), zeros_like(p.parameter).detach()))];
    }

    /// <summary>Steps taken (restored by <see cref="ImportState"/>).</summary>
    public long Steps { get; private set; }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var slot in _slots)
        {
            slot.Parameter.grad?.zero_();
        }
    }

    /// <summary>One update from the gradients in the parameters.</summary>
    public void Step()
    {
        Steps++;
        double correction1 = 1 - Math.Pow(Beta1, Steps), correction2 = 1 - Math.Pow(Beta2, Steps);
        using var guard = no_grad();
        foreach (var (_, p, m, v) in _slots)
        {
            Tensor? g = p.grad;
            if (g is null)
            {
                continue;
            }
            using var scope = NewDisposeScope();
            p.mul_(1 - _learningRate * _weightDecay);
            m.mul_(Beta1).add_(g, alpha: 1 - Beta1);
            v.mul_(Beta2).addcmul_(g, g, value: 1 - Beta2);
            Tensor denominator = (v / correction2).sqrt_().add_(Epsilon);
            p.addcdiv_(m, denominator, value: -_learningRate / correction1);
        }
    }

    /// <summary>The moments as named tensors ("m/&lt;param&gt;", "v/&lt;param&gt;") and the step count.</summary>
    public IReadOnlyList<NamedTensor> ExportState()
    {
        var result = new List<NamedTensor>();
        foreach (var (name, _, m, v) in _slots)
        {
            result.Add(new NamedTensor("m/" + name, m.shape, m.contiguous().data<float>().ToArray()));
            result.Add(new NamedTensor("v/" + name, v.shape, v.contiguous().data<float>().ToArray()));
        }
        result.Add(new NamedTensor("steps", [1], [Steps]));
        return result;
    }

    /// <summary>Restores what <see cref="ExportState"/> produced.</summary>
    /// <exception cref="SafeTensorsFormatException">A moment is missing or mis-shaped.</exception>
    public void ImportState(IReadOnlyDictionary<string, NamedTensor> state, string source)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var guard = no_grad();
        foreach (var (name, _, m, v) in _slots)
        {
            foreach (var (prefix, target) in new[] { ("m/", m), ("v/", v) })
            {
                if (!state.TryGetValue(prefix + name, out NamedTensor? t) || !t.Shape.SequenceEqual(target.shape))
                {
                    throw new SafeTensorsFormatException($"{source}: optimiser state '{prefix}{name}' is missing or has another shape");
                }
                using Tensor value = tensor(t.Values, t.Shape);
                target.copy_(value);
            }
        }
        Steps = state.TryGetValue("steps", out NamedTensor? s) ? (long)s.Values[0] : throw new SafeTensorsFormatException($"{source}: no optimiser step count");
    }

    public void Dispose()
    {
        foreach (var (_, _, m, v) in _slots)
        {
            m.Dispose();
            v.Dispose();
        }
    }
}
