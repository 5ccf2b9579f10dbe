namespace Robot.Policies.Models;

/// <summary>Which network a policy uses.</summary>
public enum PolicyKind
{
    /// <summary>Behaviour cloning: an MLP from one observation to one action (the baseline).</summary>
    Mlp,

    /// <summary>Action Chunking with Transformers (Zhao et al. 2023): CVAE, transformer encoder-decoder, action chunks.</summary>
    Act,
}
