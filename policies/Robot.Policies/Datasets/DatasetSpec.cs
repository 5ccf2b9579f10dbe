namespace Robot.Policies.Datasets;

/// <summary>
/// What a recorded dataset holds: the robot, the nominal frame rate and the three vectors of every
/// frame. Validated once, when a writer is created (<see cref="Validate"/> reports every error together).
/// </summary>
public sealed record DatasetSpec
{
    /// <summary>info.json <c>robot_type</c>.</summary>
    public required string RobotType { get; init; }

    /// <summary>Nominal frames per second; a frame's timestamp is frame_index / Fps.</summary>
    public required int Fps { get; init; }

    /// <summary>Names of <c>observation.state</c> entries (arm joints and gripper), length n.</summary>
    public required IReadOnlyList<string> StateNames { get; init; }

    /// <summary>Names of <c>observation.environment_state</c> entries (object poses), length m; empty means no such feature.</summary>
    public IReadOnlyList<string> EnvironmentStateNames { get; init; } = [];

    /// <summary>Names of <c>action</c> entries, length n (usually the state's).</summary>
    public required IReadOnlyList<string> ActionNames { get; init; }

    /// <summary>Whether to store the measured capture time of each frame as <c>observation.real_timestamp</c>. Default true.</summary>
    public bool RecordRealTimestamps { get; init; } = true;

    /// <summary>Relative deviation of the measured cadence from <see cref="Fps"/> beyond which an episode is flagged. Default 0.05.</summary>
    public double CadenceTolerance { get; init; } = LeRobotFormat.DefaultCadenceTolerance;

    public int StateWidth => StateNames.Count;

    public int EnvironmentWidth => EnvironmentStateNames.Count;

    public int ActionWidth => ActionNames.Count;

    /// <summary>Every error of this spec, empty when it is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(RobotType))
        {
            errors.Add("RobotType: must not be empty");
        }
        if (Fps is < 1 or > 10_000)
        {
            errors.Add($"Fps: {Fps} is outside 1..10000");
        }
        if (StateNames.Count == 0)
        {
            errors.Add("StateNames: at least one name is required");
        }
        if (ActionNames.Count == 0)
        {
            errors.Add("ActionNames: at least one name is required");
        }
        if (CadenceTolerance is <= 0 or >= 1)
        {
            errors.Add($"CadenceTolerance: {CadenceTolerance} is outside (0, 1)");
        }
        foreach (var (label, names) in new[] { ("StateNames", StateNames), ("EnvironmentStateNames", EnvironmentStateNames), ("ActionNames", ActionNames) })
        {
            var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                errors.Add($"{label}: '{duplicate.Key}' appears {duplicate.Count()} times");
            }
        }
        return errors;
    }

    /// <summary>The user features this spec produces, in column order.</summary>
    public IReadOnlyList<DatasetFeature> UserFeatures()
    {
        var features = new List<DatasetFeature> { DatasetFeature.Float32Vector(LeRobotFormat.ObservationState, StateNames) };
        if (EnvironmentWidth > 0)
        {
            features.Add(DatasetFeature.Float32Vector(LeRobotFormat.EnvironmentState, EnvironmentStateNames));
        }
        features.Add(DatasetFeature.Float32Vector(LeRobotFormat.Action, ActionNames));
        if (RecordRealTimestamps)
        {
            features.Add(DatasetFeature.Scalar(LeRobotFormat.RealTimestamp, "float32"));
        }
        return features;
    }

    /// <summary>All features written to info.json: the user features then the five LeRobot index columns.</summary>
    public IReadOnlyList<DatasetFeature> AllFeatures() =>
    [
        .. UserFeatures(),
        DatasetFeature.Scalar(LeRobotFormat.Timestamp, "float32"),
        DatasetFeature.Scalar(LeRobotFormat.FrameIndex, "int64"),
        DatasetFeature.Scalar(LeRobotFormat.EpisodeIndex, "int64"),
        DatasetFeature.Scalar(LeRobotFormat.Index, "int64"),
        DatasetFeature.Scalar(LeRobotFormat.TaskIndex, "int64"),
    ];
}
