namespace Robot.Control.Locomotion;

/// <summary>What <see cref="FootstepPlanner"/> found.</summary>
/// <param name="Found">Whether a plan reaches the goal.</param>
/// <param name="Steps">The footsteps (empty when not found).</param>
/// <param name="Waypoints">The body path around keep-out zones: start, corners, goal (empty when not found).</param>
/// <param name="Reason">Why there is no plan; null when found.</param>
public sealed record FootstepPlanResult(bool Found, IReadOnlyList<Footstep> Steps, IReadOnlyList<Pose2> Waypoints, string? Reason)
{
    /// <summary>A "no path" result with its reason.</summary>
    public static FootstepPlanResult NoPath(string reason) => new(false, [], [], reason);
}
