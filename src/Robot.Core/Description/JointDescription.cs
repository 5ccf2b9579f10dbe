namespace Robot.Core.Description;

/// <summary>Static facts about one actuated joint.</summary>
/// <param name="Name">Joint name as in the robot model (e.g. <c>left_knee</c>).</param>
/// <param name="MinPosition">Lower position limit, rad.</param>
/// <param name="MaxPosition">Upper position limit, rad.</param>
/// <param name="MaxVelocity">Velocity limit, rad/s (&gt; 0).</param>
/// <param name="MaxTorque">Torque limit, N·m (&gt; 0).</param>
public sealed record JointDescription(string Name, double MinPosition, double MaxPosition, double MaxVelocity, double MaxTorque)
{
    /// <summary>Every problem with this joint's numbers, empty when it is valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return "joint name is empty";
        }
        if (!double.IsFinite(MinPosition) || !double.IsFinite(MaxPosition) || MinPosition >= MaxPosition)
        {
            yield return $"joint '{Name}': position range [{MinPosition}, {MaxPosition}] rad must be finite with min < max";
        }
        if (!(MaxVelocity > 0) || !double.IsFinite(MaxVelocity))
        {
            yield return $"joint '{Name}': velocity limit {MaxVelocity} rad/s must be finite and > 0";
        }
        if (!(MaxTorque > 0) || !double.IsFinite(MaxTorque))
        {
            yield return $"joint '{Name}': torque limit {MaxTorque} N·m must be finite and > 0";
        }
    }
}
