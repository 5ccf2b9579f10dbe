namespace Robot.Runtime.Safety;

/// <summary>Options of the <see cref="StopExecutor"/>; validated once when it is built.</summary>
public sealed class StopExecutorOptions
{
    /// <summary>
    /// Joints frozen to a position hold while a stop runs: the motion and upper-body joints
    /// (arms, torso, head). The joints the balance controller needs (legs) are left out so it
    /// keeps balancing. Indices into RobotDescription.Joints. Default: none.
    /// </summary>
    public IList<int> FrozenJoints { get; } = [];

    /// <summary>Base horizontal speed below which the robot counts as still, m/s. Default 0.05.</summary>
    public double StableSpeed { get; set; } = StopExecutorConstants.DefaultStableSpeed;

    /// <summary>Base angular speed below which the robot counts as still, rad/s. Default 0.25.</summary>
    public double StableAngularSpeed { get; set; } = StopExecutorConstants.DefaultStableAngularSpeed;

    /// <summary>How long both speeds must stay below their thresholds to count as a stable stance. Default 0.2 s.</summary>
    public TimeSpan StableDwell { get; set; } = StopExecutorConstants.DefaultStableDwell;

    /// <summary>
    /// SETTLE_THEN_CUT: torque goes off once the stance is stable, and at the latest this long
    /// after the stop was triggered, stable or not. Default 2.5 s (the bound of
    /// <see cref="StopCategory.SettleThenCut"/>).
    /// </summary>
    public TimeSpan SettleThenCutBound { get; set; } = StopExecutorConstants.DefaultSettleThenCutBound;

    /// <summary>Every problem for a robot of <paramref name="jointCount"/> joints, empty when valid.</summary>
    public IReadOnlyList<string> Validate(int jointCount)
    {
        var errors = new List<string>();
        foreach (int j in FrozenJoints)
        {
            if (j < 0 || j >= jointCount)
            {
                errors.Add($"FrozenJoints: index {j} is not a joint of this robot (0..{jointCount - 1})");
            }
        }
        if (!(StableSpeed > 0) || !double.IsFinite(StableSpeed))
        {
            errors.Add($"StableSpeed: expected a finite speed > 0 m/s, got {StableSpeed}");
        }
        if (!(StableAngularSpeed > 0) || !double.IsFinite(StableAngularSpeed))
        {
            errors.Add($"StableAngularSpeed: expected a finite rate > 0 rad/s, got {StableAngularSpeed}");
        }
        if (StableDwell < TimeSpan.Zero || StableDwell > TimeSpan.FromSeconds(2))
        {
            errors.Add($"StableDwell: expected 0 to 2 s, got {StableDwell.TotalSeconds} s");
        }
        if (SettleThenCutBound <= TimeSpan.Zero || SettleThenCutBound > TimeSpan.FromSeconds(10))
        {
            errors.Add($"SettleThenCutBound: expected > 0 and <= 10 s, got {SettleThenCutBound.TotalSeconds} s");
        }
        return errors;
    }
}

/// <summary>Defaults of the stop executor; a test pins them.</summary>
public static class StopExecutorConstants
{
    public const double DefaultStableSpeed = 0.05;
    public const double DefaultStableAngularSpeed = 0.25;
    public static readonly TimeSpan DefaultStableDwell = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan DefaultSettleThenCutBound = TimeSpan.FromSeconds(2.5);
}
