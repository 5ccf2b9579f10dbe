using Robot.Policies.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Robot.Policies.Inference;

/// <summary>
/// A trained policy ready to act at 50 Hz: normalises the observation, runs the network (no_grad, eval mode) and
/// turns its chunk into this step's action — with temporal ensembling (a chunk every step) when
/// <see cref="PolicyConfig.EnsembleDecay"/> ≥ 0, otherwise executing each chunk open-loop for k steps.
/// Vectors: state (8), environment state (14), action (8) as in <c>PickTaskEnvironment</c>; joint units.
/// Not thread-safe; one instance per control thread.
/// </summary>
public sealed class ChunkedPolicy : IStepPolicy, IDisposable
{
    private readonly IPolicyNetwork _network;
    private readonly TemporalEnsembler? _ensembler;
    private readonly float[] _observation, _chunk, _action;
    private long _step;

    /// <summary>Wraps a loaded network and its manifest.</summary>
    public ChunkedPolicy(IPolicyNetwork network, PolicyManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(manifest);
        _network = network;
        Manifest = manifest;
        PolicyConfig c = manifest.Config;
        _observation = new float[c.ObservationWidth];
        _chunk = new float[c.ChunkLength * c.ActionWidth];
        _action = new float[c.ActionWidth];
        _ensembler = c.EnsembleDecay >= 0 && c.ChunkLength > 1 ? new TemporalEnsembler(c.ChunkLength, c.ActionWidth, c.EnsembleDecay) : null;
        network.Module.eval();
    }

    /// <summary>Loads the policy folder (policy.json + model.safetensors).</summary>
    /// <exception cref="PolicyLoadException">A file is missing or corrupt.</exception>
    public static ChunkedPolicy Load(string directory)
    {
        var (network, manifest) = PolicyBundle.Load(directory);
        return new ChunkedPolicy(network, manifest);
    }

    public PolicyManifest Manifest { get; }

    public PolicyConfig Config => Manifest.Config;

    /// <summary>Number of network parameters.</summary>
    public long ParameterCount => _network.Module.parameters().Sum(p => p.numel());

    /// <summary>Starts a new episode (forgets predictions in flight).</summary>
    public void Reset()
    {
        _step = 0;
        _ensembler?.Reset();
    }

    /// <summary>The action for this step (joint targets, rad, then the gripper target, m) from this step's observation.</summary>
    public void Act(ReadOnlySpan<double> state, ReadOnlySpan<double> environment, Span<double> action)
    {
        PolicyConfig c = Config;
        int k = c.ChunkLength;
        bool infer = _ensembler is not null || _step % k == 0;
        if (infer)
        {
            Span<float> s = stackalloc float[c.StateWidth];
            Span<float> e = stackalloc float[c.EnvironmentWidth];
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = (float)state[i];
            }
            for (int i = 0; i < e.Length; i++)
            {
                e[i] = (float)environment[i];
            }
            Manifest.Normalization.NormalizeObservation(s, e, _observation);
            InferChunk(_observation, _chunk);
            _ensembler?.Add(_chunk);
        }
        if (_ensembler is not null)
        {
            _ensembler.Next(_action);
        }
        else
        {
            _chunk.AsSpan((int)(_step % k) * c.ActionWidth, c.ActionWidth).CopyTo(_action);
        }
        for (int i = 0; i < c.ActionWidth; i++)
        {
            action[i] = Manifest.Normalization.DenormalizeAction(_action[i], i);
        }
        _step++;
    }

    /// <summary>One forward pass: a normalised observation (observation width) to a normalised chunk (k × action width).</summary>
    public void InferChunk(ReadOnlySpan<float> normalizedObservation, Span<float> chunk)
    {
        using var scope = NewDisposeScope();
        using var guard = no_grad();
        Tensor input = tensor(normalizedObservation.ToArray(), [1, Config.ObservationWidth]);
        Tensor output = _network.PredictChunk(input).contiguous();
        output.data<float>().CopyTo(chunk);
    }

    public void Dispose() => _network.Dispose();
}
