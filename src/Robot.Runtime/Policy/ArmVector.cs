using System.Runtime.CompilerServices;

namespace Robot.Runtime.Policy;

/// <summary>Eight doubles inline (7 right-arm joints, rad, then the gripper, m): copied whole through a <see cref="Concurrency.LatestValueSlot{T}"/> without allocating.</summary>
[InlineArray(Length)]
public struct ArmVector
{
    /// <summary>Entries: PickTaskEnvironment.StateWidth.</summary>
    public const int Length = 8;

    private double _element0;
}

/// <summary>Fourteen doubles inline: box then tote pose (position m, quaternion w, x, y, z), world frame.</summary>
[InlineArray(Length)]
public struct EnvironmentVector
{
    /// <summary>Entries: PickTaskEnvironment.EnvironmentWidth.</summary>
    public const int Length = 14;

    private double _element0;
}

// Public fields on purpose: the struct is copied whole through a LatestValueSlot and its inline arrays are
// viewed as spans in place, which properties (returning copies) would not allow.
#pragma warning disable CA1051
/// <summary>What the policy sees, published by the loop (or the estimator) for the runner thread.</summary>
public struct PolicyObservation
{
    /// <summary>observation.state: 7 arm joint positions (rad) then the gripper opening (m).</summary>
    public ArmVector State;

    /// <summary>observation.environment_state: box and tote poses.</summary>
    public EnvironmentVector Environment;
}
#pragma warning restore CA1051
