namespace Robot.Policies.Inference;

/// <summary>
/// A policy stepped at its control rate: one observation in, one action out. Vectors as in the pick task:
/// state (7 arm joints, rad, + gripper, m), environment state (box and tote poses), action (8 targets).
/// </summary>
public interface IStepPolicy
{
    /// <summary>Starts a new episode.</summary>
    void Reset();

    /// <summary>This step's action from this step's observation. May write NaN when the network misbehaves: callers check.</summary>
    void Act(ReadOnlySpan<double> state, ReadOnlySpan<double> environment, Span<double> action);
}
