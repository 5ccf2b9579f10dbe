namespace Robot.Runtime.Tasks;

/// <summary>The steps of a pick task, in the order they run.</summary>
public enum TaskPhase
{
    /// <summary>Walking to the source slot's approach stance.</summary>
    Navigate,

    /// <summary>Final alignment at the stance, arms coming up.</summary>
    Approach,

    /// <summary>Reaching and grasping the box.</summary>
    Pick,

    /// <summary>Checking that the box is held.</summary>
    CheckGrasp,

    /// <summary>Walking to the destination tote's stance with the box.</summary>
    Carry,

    /// <summary>Putting the box into the tote.</summary>
    Place,

    /// <summary>Checking that the box is in the tote.</summary>
    Check,
}

/// <summary>Facts about <see cref="TaskPhase"/>.</summary>
public static class TaskPhases
{
    /// <summary>The snake-case name operators and the proto use ("check_grasp").</summary>
    public static string ToName(this TaskPhase phase) => phase switch
    {
        TaskPhase.Navigate => "navigate",
        TaskPhase.Approach => "approach",
        TaskPhase.Pick => "pick",
        TaskPhase.CheckGrasp => "check_grasp",
        TaskPhase.Carry => "carry",
        TaskPhase.Place => "place",
        TaskPhase.Check => "check",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <summary>Reads a name written by <see cref="ToName"/>; false for anything else.</summary>
    public static bool TryParse(string? name, out TaskPhase phase) => TaskStates.TryParseName(name, ToName, StringComparison.Ordinal, out phase);
}
