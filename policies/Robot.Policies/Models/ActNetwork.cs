using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robot.Policies.Models;

/// <summary>
/// ACT (Zhao et al. 2023) on state observations, batch-first and CPU-sized.
/// <para>Policy: three observation tokens — the latent z, observation.state and observation.environment_state,
/// each projected to d = <see cref="PolicyConfig.ModelWidth"/> plus a learned position — pass through the
/// encoder; k = <see cref="PolicyConfig.ChunkLength"/> learned queries pass through the decoder (self-attention
/// among themselves, cross-attention to the encoder's memory) and a linear head gives k actions.</para>
/// <para>CVAE encoder (training only): [CLS, state, a₁…a_k] tokens with learned positions; the CLS output gives
/// μ and log σ² of z (<see cref="PolicyConfig.LatentWidth"/>); z is sampled with the reparameterisation trick.
/// At inference z = 0 (the prior's mean). Loss: L1 on the chunk + KlWeight · KL(q(z|·) ‖ N(0, I)).</para>
/// </summary>
public sealed class ActNetwork : nn.Module<Tensor, Tensor>, IPolicyNetwork
{
    private readonly Linear stateIn, environmentIn, latentIn, actionOut;
    private readonly Parameter encoderPosition, queries;
    private readonly ModuleList<TransformerEncoderBlock> encoder;
    private readonly LayerNorm encoderNorm, decoderNorm, vaeNorm;
    private readonly ModuleList<TransformerDecoderBlock> decoder;
    private readonly Linear vaeStateIn, vaeActionIn, latentOut;
    private readonly Parameter vaeClass, vaePosition;
    private readonly ModuleList<TransformerEncoderBlock> vaeEncoder;

    /// <summary>Builds the network with fresh weights (drawn from torch's global generator).</summary>
    public ActNetwork(PolicyConfig config) : base("act")
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        long d = config.ModelWidth;
        stateIn = nn.Linear(config.StateWidth, d);
        environmentIn = nn.Linear(config.EnvironmentWidth, d);
        latentIn = nn.Linear(config.LatentWidth, d);
        encoderPosition = nn.Parameter(randn(3, d) * 0.02);
        encoder = nn.ModuleList([.. Enumerable.Range(0, config.EncoderLayers).Select(i => new TransformerEncoderBlock($"encoder{i}", d, config.Heads, config.FeedForwardWidth, config.Dropout))]);
        encoderNorm = nn.LayerNorm(d);
        queries = nn.Parameter(randn(config.ChunkLength, d) * 0.02);
        decoder = nn.ModuleList([.. Enumerable.Range(0, config.DecoderLayers).Select(i => new TransformerDecoderBlock($"decoder{i}", d, config.Heads, config.FeedForwardWidth, config.Dropout))]);
        decoderNorm = nn.LayerNorm(d);
        actionOut = nn.Linear(d, config.ActionWidth);
        vaeClass = nn.Parameter(randn(1, d) * 0.02);
        vaeStateIn = nn.Linear(config.StateWidth, d);
        vaeActionIn = nn.Linear(config.ActionWidth, d);
        vaePosition = nn.Parameter(randn(config.ChunkLength + 2, d) * 0.02);
        vaeEncoder = nn.ModuleList([.. Enumerable.Range(0, config.VaeEncoderLayers).Select(i => new TransformerEncoderBlock($"vae{i}", d, config.Heads, config.FeedForwardWidth, config.Dropout))]);
        vaeNorm = nn.LayerNorm(d);
        latentOut = nn.Linear(d, 2 * config.LatentWidth);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public PolicyConfig Config { get; }

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <summary>Inference: the action chunk for <paramref name="x"/> with z = 0.</summary>
    public override Tensor forward(Tensor x) => PredictChunk(x);

    /// <inheritdoc/>
    public Tensor PredictChunk(Tensor observation)
    {
        using var scope = NewDisposeScope();
        Tensor z = zeros(observation.shape[0], Config.LatentWidth);
        return Decode(observation, z).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public (Tensor Loss, Tensor Reconstruction, Tensor Kl) ComputeLoss(Tensor observation, Tensor actionChunk)
    {
        using var scope = NewDisposeScope();
        int k = Config.ChunkLength;
        Tensor target = actionChunk[.., ..k, ..];
        long n = observation.shape[0];
        long d = Config.ModelWidth;
        Tensor state = observation[.., ..Config.StateWidth];
        // CVAE encoder over [CLS, state, a_1..a_k].
        Tensor tokens = cat([vaeClass.unsqueeze(0).expand(n, 1, d), vaeStateIn.call(state).unsqueeze(1), vaeActionIn.call(target)], 1) + vaePosition.unsqueeze(0);
        foreach (TransformerEncoderBlock layer in vaeEncoder)
        {
            tokens = layer.call(tokens);
        }
        Tensor stats = latentOut.call(vaeNorm.call(tokens[.., 0, ..]));
        Tensor mu = stats[.., ..Config.LatentWidth];
        Tensor logVar = stats[.., Config.LatentWidth..];
        Tensor z = mu + (logVar * 0.5).exp() * randn_like(mu);
        Tensor predicted = Decode(observation, z);
        Tensor reconstruction = (predicted - target).abs().mean();
        Tensor kl = ((1 + logVar - mu.pow(2) - logVar.exp()) * -0.5).sum(-1).mean();
        Tensor loss = reconstruction + Config.KlWeight * kl;
        return (loss.MoveToOuterDisposeScope(), reconstruction.MoveToOuterDisposeScope(), kl.MoveToOuterDisposeScope());
    }

    private Tensor Decode(Tensor observation, Tensor z)
    {
        long n = observation.shape[0];
        Tensor state = observation[.., ..Config.StateWidth];
        Tensor environment = observation[.., Config.StateWidth..];
        Tensor memory = stack([latentIn.call(z), stateIn.call(state), environmentIn.call(environment)], 1) + encoderPosition.unsqueeze(0);
        foreach (TransformerEncoderBlock layer in encoder)
        {
            memory = layer.call(memory);
        }
        memory = encoderNorm.call(memory);
        Tensor x = queries.unsqueeze(0).expand(n, Config.ChunkLength, Config.ModelWidth);
        foreach (TransformerDecoderBlock layer in decoder)
        {
            x = layer.call(x, memory);
        }
        return actionOut.call(decoderNorm.call(x));
    }
}
