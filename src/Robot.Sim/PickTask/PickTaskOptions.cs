namespace Robot.Sim.PickTask;

/// <summary>
/// Options of <see cref="PickTaskEnvironment"/>, validated once at construction (every error together).
/// Ranges are uniform; every draw comes from the seed given to <see cref="PickTaskEnvironment.Reset"/>.
/// Sizes are full edge lengths, m; masses kg; angles rad; times s.
/// </summary>
public sealed record PickTaskOptions
{
    /// <summary>Box edge across the jaw (the box's y), m. Default 0.04–0.07 (the open jaw is 0.108 m wide).</summary>
    public double BoxWidthMin { get; init; } = 0.04;
    public double BoxWidthMax { get; init; } = 0.07;

    /// <summary>Box edge along the box's x, m. Default 0.04–0.07.</summary>
    public double BoxDepthMin { get; init; } = 0.04;
    public double BoxDepthMax { get; init; } = 0.07;

    /// <summary>Box height, m. Default 0.06–0.09 (the fingers are 0.08 m long).</summary>
    public double BoxHeightMin { get; init; } = 0.06;
    public double BoxHeightMax { get; init; } = 0.09;

    /// <summary>Box mass, kg. Default 0.1–0.6.</summary>
    public double BoxMassMin { get; init; } = 0.1;
    public double BoxMassMax { get; init; } = 0.6;

    /// <summary>Largest box yaw on the board, rad. Default 0.3.</summary>
    public double BoxYawMax { get; init; } = 0.3;

    /// <summary>Largest offset of the box from its nominal spot, in x and in y, m. Default 0.02.</summary>
    public double BoxPositionJitter { get; init; } = 0.02;

    /// <summary>Largest offset of the tote from its nominal spot, in x and in y, m. Default 0.02.</summary>
    public double TotePositionJitter { get; init; } = 0.02;

    /// <summary>Largest tote yaw, rad. Default 0.1.</summary>
    public double ToteYawMax { get; init; } = 0.1;

    /// <summary>Longest episode, s; at the limit the outcome becomes NotGrasped or Timeout. Default 20 s.</summary>
    public double EpisodeTimeS { get; init; } = 20;

    /// <summary>Every problem with these options, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Range(string name, double min, double max, double lowest, double highest)
        {
            if (!(min >= lowest) || !(max >= min) || !(max <= highest))
            {
                errors.Add($"{name}: [{min}, {max}] must satisfy {lowest} <= min <= max <= {highest}");
            }
        }
        Range("BoxWidth", BoxWidthMin, BoxWidthMax, 0.02, 0.09);
        Range("BoxDepth", BoxDepthMin, BoxDepthMax, 0.02, 0.10);
        Range("BoxHeight", BoxHeightMin, BoxHeightMax, 0.05, 0.12);
        Range("BoxMass", BoxMassMin, BoxMassMax, 0.01, 2.0);
        Range("BoxYawMax", 0, BoxYawMax, 0, 0.6);
        Range("BoxPositionJitter", 0, BoxPositionJitter, 0, 0.04);
        Range("TotePositionJitter", 0, TotePositionJitter, 0, 0.04);
        Range("ToteYawMax", 0, ToteYawMax, 0, 0.3);
        if (!(EpisodeTimeS >= 1) || !(EpisodeTimeS <= 600))
        {
            errors.Add($"EpisodeTimeS: {EpisodeTimeS} must be 1–600 s");
        }
        return errors;
    }
}
