namespace Robot.Control.Locomotion;

/// <summary>
/// Limits and timing of a gait. Defaults suit our 33 kg humanoid (hips 0.18 m apart, soles
/// 0.18 × 0.06 m, legs 0.33 + 0.30 m): 0.26 m steps every 0.5 s, i.e. 0.52 m/s straight ahead once under way.
/// Measured (WalkScenario, 0 and 3 kg): faster cadences (0.35 s swings) and longer steps
/// (0.28 m) diverge on some goals; a shallower crouch (0.05 m) diverges carrying 3 kg straight ahead.
/// </summary>
public sealed record GaitOptions
{
    /// <summary>Longest forward distance between successive footholds, m.</summary>
    public double MaxStepLength { get; init; } = 0.26;

    /// <summary>Longest backward distance between successive footholds, m.</summary>
    public double MaxBackwardStep { get; init; } = 0.10;

    /// <summary>Largest sideways move of the body per step, m (only the leading foot moves sideways).</summary>
    public double MaxSideStep { get; init; } = 0.10;

    /// <summary>Largest heading change per step, rad (only the leading foot turns).</summary>
    public double MaxTurnPerStep { get; init; } = 0.25;

    /// <summary>Lateral distance between the sole centres in a neutral stance, m.</summary>
    public double StepWidth { get; init; } = 0.18;

    /// <summary>Single-support (swing) time, s.</summary>
    public double SwingTime { get; init; } = 0.40;

    /// <summary>Double-support time between steps, s.</summary>
    public double DoubleSupportTime { get; init; } = 0.10;

    /// <summary>Double support before the first step (the CoM moves over the first stance foot), s.</summary>
    public double InitialDoubleSupportTime { get; init; } = 0.6;

    /// <summary>Double support after the last step (the CoM returns between the feet), s.</summary>
    public double FinalDoubleSupportTime { get; init; } = 0.6;

    /// <summary>
    /// How much lower the pelvis walks than it stands, m: bent knees give the legs the reach for
    /// long steps (the hip of our stance pose is 0.61 m above the ankle on a 0.63 m leg, which
    /// leaves only 0.15 m of horizontal reach). Lowered in the initial double support, raised
    /// again in the final one.
    /// </summary>
    public double WalkingHeightDrop { get; init; } = 0.10;

    /// <summary>Swing-foot apex above the floor, m.</summary>
    public double SwingHeight { get; init; } = 0.05;

    /// <summary>Beyond this distance to a waypoint the robot faces the waypoint and walks forward; closer, it side-steps and turns to the goal heading, m.</summary>
    public double FaceWaypointDistance { get; init; } = 0.4;

    /// <summary>Heading error beyond which the robot turns on the spot before walking on, rad.</summary>
    public double TurnInPlaceThreshold { get; init; } = 0.2;

    /// <summary>Position tolerance at the goal, m; heading tolerance is <see cref="GoalYawTolerance"/>.</summary>
    public double GoalTolerance { get; init; } = 0.005;

    /// <summary>Heading tolerance at the goal, rad.</summary>
    public double GoalYawTolerance { get; init; } = 0.005;

    /// <summary>Most footsteps a plan may hold.</summary>
    public int MaxSteps { get; init; } = 400;

    /// <summary>Straight-line walking speed these options give, m/s.</summary>
    public double NominalSpeed => MaxStepLength / (SwingTime + DoubleSupportTime);

    /// <summary>Every problem with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Range(string name, double value, double min, double max)
        {
            if (!(value >= min && value <= max))
            {
                errors.Add($"{name}: {value} must be in [{min}, {max}]");
            }
        }
        Range(nameof(MaxStepLength), MaxStepLength, 0.01, 0.5);
        Range(nameof(MaxBackwardStep), MaxBackwardStep, 0, 0.3);
        Range(nameof(MaxSideStep), MaxSideStep, 0, 0.3);
        Range(nameof(MaxTurnPerStep), MaxTurnPerStep, 0.01, 0.8);
        Range(nameof(StepWidth), StepWidth, 0.1, 0.4);
        Range(nameof(SwingTime), SwingTime, 0.1, 2);
        Range(nameof(DoubleSupportTime), DoubleSupportTime, 0.02, 2);
        Range(nameof(InitialDoubleSupportTime), InitialDoubleSupportTime, 0.1, 5);
        Range(nameof(FinalDoubleSupportTime), FinalDoubleSupportTime, 0.1, 5);
        Range(nameof(SwingHeight), SwingHeight, 0.01, 0.2);
        Range(nameof(WalkingHeightDrop), WalkingHeightDrop, 0, 0.15);
        Range(nameof(FaceWaypointDistance), FaceWaypointDistance, 0.05, 5);
        Range(nameof(TurnInPlaceThreshold), TurnInPlaceThreshold, 0.05, Math.PI);
        Range(nameof(GoalTolerance), GoalTolerance, 1e-4, 0.1);
        Range(nameof(GoalYawTolerance), GoalYawTolerance, 1e-4, 0.2);
        if (MaxSteps is < 1 or > 10_000)
        {
            errors.Add($"{nameof(MaxSteps)}: {MaxSteps} must be in [1, 10000]");
        }
        return errors;
    }
}
