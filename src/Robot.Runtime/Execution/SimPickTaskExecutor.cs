using Robot.Runtime.Tasks;
using Robot.Safety.Geofence;
using static Robot.Runtime.Execution.SimSiteRobot;

namespace Robot.Runtime.Execution;

/// <summary>
/// The task manager's executor for the simulated humanoid: each task runs <see cref="PickSequence"/>
/// on a <see cref="SimSiteRobot"/> on a thread of its own (the simulation is stepped by one thread
/// only; the manager runs one task at a time). Stages become task phases, supervisor holds become
/// BLOCKED and back, and a fall fails the task and every later one.
/// Between tasks simulated time stands still.
/// </summary>
public sealed class SimPickTaskExecutor : IPickTaskExecutor
{
    private readonly SimSiteRobot _robot;
    private readonly int _attempts;

    /// <param name="robot">The robot; the executor does not own it.</param>
    /// <param name="attempts">Pick attempts before a task fails (≥ 1).</param>
    public SimPickTaskExecutor(SimSiteRobot robot, int attempts = 2)
    {
        ArgumentNullException.ThrowIfNull(robot);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        _robot = robot;
        _attempts = attempts;
    }

    /// <inheritdoc/>
    public string? CheckFeasible(PickTaskRequest task, SiteLocation source, SiteLocation destination) =>
        _robot.Fell ? "the robot has fallen: it serves no task until it is stood up and restarted" : _robot.CheckFeasible(source, destination);

    /// <inheritdoc/>
    public Task<TaskOutcome> ExecuteAsync(PickTaskRequest task, SiteLocation source, SiteLocation destination, ITaskProgress progress,
        CancellationToken cancel, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return Task.Factory.StartNew(() => Execute(source, destination, progress, cancel, kill), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private TaskOutcome Execute(SiteLocation source, SiteLocation destination, ITaskProgress progress, CancellationToken cancel, CancellationToken kill)
    {
        if (_robot.Fell)
        {
            return new TaskOutcome(TaskOutcomeKind.Failed, "the robot has fallen");
        }
        int attempt = 0;
        _robot.BlockedChanged = (blocked, reason) =>
        {
            if (blocked)
            {
                progress.Blocked(reason);
            }
            else
            {
                progress.Unblocked(reason);
            }
        };
        try
        {
            var (result, reason) = PickSequence.Run(_robot, source, destination, _attempts, (stage, detail) =>
            {
                if (stage == PickStage.Pick)
                {
                    progress.Attempt(++attempt);
                }
                progress.Phase(ToPhase(stage), detail);
            }, cancel, kill);
            return new TaskOutcome(result switch
            {
                SkillResult.Done => TaskOutcomeKind.Completed,
                SkillResult.Canceled => TaskOutcomeKind.Canceled,
                SkillResult.Killed => TaskOutcomeKind.Killed,
                _ => TaskOutcomeKind.Failed,
            }, reason);
        }
        finally
        {
            _robot.BlockedChanged = null;
            _robot.Activity = "idle";
        }
    }

    /// <summary>The task phase of a sequence stage (same names, same order).</summary>
    public static TaskPhase ToPhase(PickStage stage) => stage switch
    {
        PickStage.Navigate => TaskPhase.Navigate,
        PickStage.Approach => TaskPhase.Approach,
        PickStage.Pick => TaskPhase.Pick,
        PickStage.CheckGrasp => TaskPhase.CheckGrasp,
        PickStage.Carry => TaskPhase.Carry,
        PickStage.Place => TaskPhase.Place,
        _ => TaskPhase.Check,
    };
}
