namespace Robot.Sim.PickTask;

/// <summary>How a pick-task episode stands or ended. Everything but <see cref="InProgress"/> is final.</summary>
public enum PickTaskOutcome
{
    /// <summary>Not decided yet.</summary>
    InProgress,

    /// <summary>The box rests inside the tote and the gripper has let go of it.</summary>
    Success,

    /// <summary>Time ran out and the box was never lifted off the board.</summary>
    NotGrasped,

    /// <summary>The box was lifted, then left the hand outside the tote and is falling (or fell).</summary>
    Dropped,

    /// <summary>The box was released and came to rest outside the tote (on its rim, back on the board, …).</summary>
    MissedTote,

    /// <summary>The box left the board without being lifted (pushed or knocked off).</summary>
    KnockedOff,

    /// <summary>Time ran out after the box was lifted (still held, or not yet settled in the tote).</summary>
    Timeout,

    /// <summary>The physics diverged (MuJoCo reset the state); the episode is void.</summary>
    Diverged,
}

/// <summary>Names of outcomes as stored in datasets (the episode row's <c>outcome</c> column).</summary>
public static class PickTaskOutcomes
{
    /// <summary>snake_case name: "success", "not_grasped", "dropped", "missed_tote", "knocked_off", "timeout", "diverged", "in_progress".</summary>
    public static string Label(this PickTaskOutcome outcome) => outcome switch
    {
        PickTaskOutcome.InProgress => "in_progress",
        PickTaskOutcome.Success => "success",
        PickTaskOutcome.NotGrasped => "not_grasped",
        PickTaskOutcome.Dropped => "dropped",
        PickTaskOutcome.MissedTote => "missed_tote",
        PickTaskOutcome.KnockedOff => "knocked_off",
        PickTaskOutcome.Timeout => "timeout",
        PickTaskOutcome.Diverged => "diverged",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };
}
