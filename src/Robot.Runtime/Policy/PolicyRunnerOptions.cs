namespace Robot.Runtime.Policy;

/// <summary>Options of <see cref="PolicyRunner"/>, validated once when it is built (every error together). Vectors: length 8, 7 arm joints then the gripper.</summary>
public sealed record PolicyRunnerOptions
{
    /// <summary>Policy period. Default 20 ms (50 Hz).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Lower position limits (rad; the gripper in m). Required.</summary>
    public required IReadOnlyList<double> LowerLimits { get; init; }

    /// <summary>Upper position limits. Required.</summary>
    public required IReadOnlyList<double> UpperLimits { get; init; }

    /// <summary>Largest target speed per joint (rad/s; the gripper m/s): a step moves a target at most this × period. Required.</summary>
    public required IReadOnlyList<double> MaxVelocities { get; init; }

    /// <summary>
    /// How far outside its limits an output may fall and still be clamped, as a fraction of the joint's range. Beyond
    /// it the output is not a slightly eager target but a broken network: a fault. Default 0.25.
    /// </summary>
    public double OutOfRangeFraction { get; init; } = 0.25;

    /// <summary>Every problem, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Period <= TimeSpan.Zero || Period > TimeSpan.FromSeconds(1))
        {
            errors.Add($"Period: {Period.TotalMilliseconds} ms must be in (0, 1000] ms");
        }
        foreach (var (name, list) in new[] { (nameof(LowerLimits), LowerLimits), (nameof(UpperLimits), UpperLimits), (nameof(MaxVelocities), MaxVelocities) })
        {
            if (list is null || list.Count != ArmVector.Length)
            {
                errors.Add($"{name}: needs {ArmVector.Length} entries (7 arm joints, gripper), has {list?.Count ?? 0}");
            }
        }
        if (errors.Count == 0)
        {
            for (int i = 0; i < ArmVector.Length; i++)
            {
                if (!(LowerLimits[i] < UpperLimits[i]))
                {
                    errors.Add($"limits[{i}]: lower {LowerLimits[i]} must be below upper {UpperLimits[i]}");
                }
                if (!(MaxVelocities[i] > 0) || !double.IsFinite(MaxVelocities[i]))
                {
                    errors.Add($"MaxVelocities[{i}]: {MaxVelocities[i]} must be positive and finite");
                }
            }
        }
        if (!(OutOfRangeFraction >= 0 && OutOfRangeFraction <= 10))
        {
            errors.Add($"OutOfRangeFraction: {OutOfRangeFraction} must be 0–10");
        }
        return errors;
    }
}
