using System.Text.Json.Serialization;

namespace Robot.Policies.Models;

/// <summary>
/// Hyper-parameters of a policy network and its training, validated once (<see cref="Validate"/>, every
/// error together) and stored beside the weights (policy.json). Widths count float32 entries.
/// Defaults are the CPU-sized ACT of this project (<see cref="ForKind"/> gives each kind's defaults).
/// </summary>
public sealed record PolicyConfig
{
    /// <summary>Network kind. Default ACT.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<PolicyKind>))]
    public PolicyKind Kind { get; init; } = PolicyKind.Act;

    /// <summary>observation.state width (8 for the pick task: 7 arm joints + gripper).</summary>
    public int StateWidth { get; init; } = 8;

    /// <summary>observation.environment_state width (14 for the pick task: box and tote poses).</summary>
    public int EnvironmentWidth { get; init; } = 14;

    /// <summary>action width (8 for the pick task).</summary>
    public int ActionWidth { get; init; } = 8;

    /// <summary>Actions predicted per inference, k (ACT's chunk; 1 for the MLP). Default 20 (0.4 s at 50 Hz).</summary>
    public int ChunkLength { get; init; } = 20;

    /// <summary>Transformer width, d_model. Default 64 (a training step of batch 64 costs ~6 GFLOP at 128 — too slow for 2 shared cores).</summary>
    public int ModelWidth { get; init; } = 64;

    /// <summary>Attention heads. Default 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Feed-forward width inside each transformer layer. Default 256.</summary>
    public int FeedForwardWidth { get; init; } = 256;

    /// <summary>Observation encoder layers. Default 2.</summary>
    public int EncoderLayers { get; init; } = 2;

    /// <summary>Action decoder layers. Default 1 (as LeRobot's ACT runs).</summary>
    public int DecoderLayers { get; init; } = 1;

    /// <summary>CVAE (action-sequence) encoder layers. Default 1.</summary>
    public int VaeEncoderLayers { get; init; } = 1;

    /// <summary>CVAE latent width (z; zero at inference). Default 32.</summary>
    public int LatentWidth { get; init; } = 32;

    /// <summary>Dropout probability in training. Default 0.1.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Weight of the KL term against the L1 reconstruction. Default 10.</summary>
    public double KlWeight { get; init; } = 10;

    /// <summary>MLP hidden width. Default 256.</summary>
    public int MlpHiddenWidth { get; init; } = 256;

    /// <summary>MLP hidden layers. Default 3.</summary>
    public int MlpHiddenLayers { get; init; } = 3;

    /// <summary>AdamW learning rate. Default 3e-4.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>AdamW decoupled weight decay. Default 1e-4.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Frames per training batch. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Temporal-ensembling decay m in weights exp(−m·i), i = 0 the oldest prediction; negative disables ensembling (execute chunks open-loop). Default 0.01.</summary>
    public double EnsembleDecay { get; init; } = 0.01;

    /// <summary>Observation width the network sees: state then environment state.</summary>
    [JsonIgnore]
    public int ObservationWidth => StateWidth + EnvironmentWidth;

    /// <summary>The defaults of <paramref name="kind"/>: the CPU-sized ACT, or the MLP with a chunk of 1.</summary>
    public static PolicyConfig ForKind(PolicyKind kind) => kind == PolicyKind.Mlp
        ? new PolicyConfig { Kind = PolicyKind.Mlp, ChunkLength = 1, Dropout = 0, LearningRate = 1e-3, BatchSize = 256 }
        : new PolicyConfig();

    /// <summary>Every problem with these values, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Positive(string name, int value, int max)
        {
            if (value < 1 || value > max)
            {
                errors.Add($"{name}: {value} must be 1–{max}");
            }
        }
        Positive(nameof(StateWidth), StateWidth, 1024);
        Positive(nameof(EnvironmentWidth), EnvironmentWidth, 1024);
        Positive(nameof(ActionWidth), ActionWidth, 1024);
        Positive(nameof(ChunkLength), ChunkLength, 400);
        Positive(nameof(ModelWidth), ModelWidth, 2048);
        Positive(nameof(Heads), Heads, 64);
        Positive(nameof(FeedForwardWidth), FeedForwardWidth, 8192);
        Positive(nameof(EncoderLayers), EncoderLayers, 16);
        Positive(nameof(DecoderLayers), DecoderLayers, 16);
        Positive(nameof(VaeEncoderLayers), VaeEncoderLayers, 16);
        Positive(nameof(LatentWidth), LatentWidth, 512);
        Positive(nameof(MlpHiddenWidth), MlpHiddenWidth, 8192);
        Positive(nameof(MlpHiddenLayers), MlpHiddenLayers, 16);
        Positive(nameof(BatchSize), BatchSize, 65536);
        if (ModelWidth % Heads != 0)
        {
            errors.Add($"{nameof(ModelWidth)}: {ModelWidth} must be a multiple of {nameof(Heads)} ({Heads})");
        }
        if (Kind == PolicyKind.Mlp && ChunkLength != 1)
        {
            errors.Add($"{nameof(ChunkLength)}: the MLP predicts one action (1), not {ChunkLength}");
        }
        if (!(Dropout >= 0 && Dropout < 1))
        {
            errors.Add($"{nameof(Dropout)}: {Dropout} must be in [0, 1)");
        }
        if (!(KlWeight >= 0))
        {
            errors.Add($"{nameof(KlWeight)}: {KlWeight} must be >= 0");
        }
        if (!(LearningRate > 0 && LearningRate < 1))
        {
            errors.Add($"{nameof(LearningRate)}: {LearningRate} must be in (0, 1)");
        }
        if (!(WeightDecay >= 0 && WeightDecay < 1))
        {
            errors.Add($"{nameof(WeightDecay)}: {WeightDecay} must be in [0, 1)");
        }
        if (!double.IsFinite(EnsembleDecay))
        {
            errors.Add($"{nameof(EnsembleDecay)}: must be finite");
        }
        return errors;
    }
}
