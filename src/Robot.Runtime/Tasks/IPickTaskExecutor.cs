using Robot.Safety.Geofence;

namespace Robot.Runtime.Tasks;

/// <summary>
/// Runs pick tasks on a robot (simulated or real). One task at a time: <see cref="TaskManager"/>
/// never calls <see cref="ExecuteAsync"/> while another call is running.
/// </summary>
public interface IPickTaskExecutor
{
    /// <summary>
    /// Null when the robot can serve the task from where it is now; otherwise why not (e.g.
    /// "no path: goal inside keep-out zone charger-pit"). Called before a task is accepted, on
    /// the submitting caller's thread; must not block for long.
    /// </summary>
    /// <param name="task">The validated request.</param>
    /// <param name="source">The slot to pick from (kind <see cref="SiteLocationKind.Slot"/>).</param>
    /// <param name="destination">The tote to place into (kind <see cref="SiteLocationKind.Tote"/>).</param>
    string? CheckFeasible(PickTaskRequest task, SiteLocation source, SiteLocation destination);

    /// <summary>
    /// Runs the task to its end. Reports phases and blocked/unblocked through
    /// <paramref name="progress"/>. <paramref name="cancel"/> asks for a graceful end (reach a
    /// safe stance, put down a held box), <paramref name="kill"/> for an immediate stop. Returns
    /// the outcome; throws nothing for task failures (an exception is recorded as a failure of
    /// the executor itself).
    /// </summary>
    /// <param name="task">The validated request.</param>
    /// <param name="source">The slot to pick from.</param>
    /// <param name="destination">The tote to place into.</param>
    /// <param name="progress">Where phases, attempts and blocks are reported.</param>
    /// <param name="cancel">Signalled when an operator cancels the task (graceful).</param>
    /// <param name="kill">Signalled when an operator kills the task (immediate).</param>
    Task<TaskOutcome> ExecuteAsync(PickTaskRequest task, SiteLocation source, SiteLocation destination, ITaskProgress progress, CancellationToken cancel, CancellationToken kill);
}
