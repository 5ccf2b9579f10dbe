using TorchSharp;
using static TorchSharp.torch;

namespace Robot.Policies.Models;

/// <summary>Builds networks from their config and moves their weights to and from safetensors tensors.</summary>
public static class PolicyNetworks
{
    /// <summary>A fresh network of <paramref name="config"/>'s kind; weights drawn from torch's generator (seed it first).</summary>
    /// <exception cref="ArgumentException">The config is invalid; the message lists every problem.</exception>
    public static IPolicyNetwork Create(PolicyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        IReadOnlyList<string> errors = config.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid policy config: " + string.Join("; ", errors), nameof(config));
        }
        return config.Kind == PolicyKind.Act ? new ActNetwork(config) : new MlpNetwork(config);
    }

    /// <summary>The module's parameters as named float32 tensors (copies).</summary>
    public static IReadOnlyList<NamedTensor> ExportWeights(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var result = new List<NamedTensor>();
        foreach (var (name, parameter) in module.named_parameters())
        {
            using Tensor cpu = parameter.detach().contiguous();
            result.Add(new NamedTensor(name, cpu.shape, cpu.data<float>().ToArray()));
        }
        return result;
    }

    /// <summary>Copies <paramref name="weights"/> into the module's parameters; every parameter must be present with its shape.</summary>
    /// <exception cref="SafeTensorsFormatException">A parameter is missing or has another shape (a checkpoint of another network).</exception>
    public static void ImportWeights(nn.Module module, IReadOnlyDictionary<string, NamedTensor> weights, string source)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(weights);
        using var guard = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (!weights.TryGetValue(name, out NamedTensor? w))
            {
                throw new SafeTensorsFormatException($"{source}: no tensor '{name}' (the weights belong to another network or are incomplete)");
            }
            if (!w.Shape.SequenceEqual(parameter.shape))
            {
                throw new SafeTensorsFormatException($"{source}: tensor '{name}' has shape [{string.Join(", ", w.Shape)}], the network expects [{string.Join(", ", parameter.shape)}]");
            }
            using Tensor value = tensor(w.Values, w.Shape);
            parameter.copy_(value);
        }
    }
}
