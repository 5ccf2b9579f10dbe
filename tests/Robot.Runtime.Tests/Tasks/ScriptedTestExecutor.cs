using System.Collections.Concurrent;
using System.Threading.Channels;
using Robot.Runtime.Tasks;
using Robot.Safety.Geofence;

namespace Robot.Runtime.Tests.Tasks;

/// <summary>
/// Stands in for the robot in task tests: walks through a script of phases, optionally holding at
/// one phase until the test releases it, blocking (as a protective stop would), or failing.
/// Honours both tokens: cancel ends at a "safe stance" (putting a held box down), kill stops at once.
/// Nothing waits on the clock unless <see cref="PhaseDelay"/> is set.
/// </summary>
public sealed class ScriptedTestExecutor : IPickTaskExecutor
{
    private readonly SemaphoreSlim _release = new(0);

    /// <summary>Answer of <see cref="CheckFeasible"/>: null (feasible) or the planner's reason.</summary>
    public Func<PickTaskRequest, string?> Feasibility { get; set; } = _ => null;

    /// <summary>The phases run, in order. Default all seven.</summary>
    public IReadOnlyList<TaskPhase> Phases { get; set; } = Enum.GetValues<TaskPhase>();

    /// <summary>Real time spent in each phase. Default zero.</summary>
    public TimeSpan PhaseDelay { get; set; }

    /// <summary>When set, each task waits on entering this phase until <see cref="Release"/> (or a token).</summary>
    public TaskPhase? HoldAt { get; set; }

    /// <summary>When set, each task reports Blocked with <see cref="BlockReason"/> on entering this phase, waits for <see cref="Release"/>, then reports Unblocked.</summary>
    public TaskPhase? BlockAt { get; set; }

    public string BlockReason { get; set; } = "protective stop: person in zone packing";

    /// <summary>When set, a task fails on entering this phase with <see cref="FailReason"/>.</summary>
    public TaskPhase? FailAt { get; set; }

    public string FailReason { get; set; } = "grasp failed on every attempt";

    /// <summary>Pick attempts reported in the Pick phase. Default 1.</summary>
    public int PickAttempts { get; set; } = 1;

    /// <summary>Box ids in the order their tasks started.</summary>
    public ConcurrentQueue<string> Started { get; } = new();

    /// <summary>Box ids of tasks that reached <see cref="HoldAt"/> or <see cref="BlockAt"/> and wait there.</summary>
    public Channel<string> Waiting { get; } = Channel.CreateUnbounded<string>();

    /// <summary>How each task ended from the executor's side: "cancel token", "kill token", "script".</summary>
    public ConcurrentDictionary<string, string> EndedBy { get; } = new();

    /// <summary>Lets one waiting task go on.</summary>
    public void Release() => _release.Release();

    /// <summary>Waits until a task waits at its hold or block; returns its box id.</summary>
    public async Task<string> WaitingAsync() => await Waiting.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

    public string? CheckFeasible(PickTaskRequest task, SiteLocation source, SiteLocation destination) => Feasibility(task);

    public async Task<TaskOutcome> ExecuteAsync(PickTaskRequest task, SiteLocation source, SiteLocation destination, ITaskProgress progress, CancellationToken cancel, CancellationToken kill)
    {
        Started.Enqueue(task.BoxId);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancel, kill);
        bool holding = false;
        try
        {
            foreach (TaskPhase phase in Phases)
            {
                either.Token.ThrowIfCancellationRequested();
                progress.Phase(phase, phase == TaskPhase.Navigate ? $"to {source.Id}" : "");
                holding |= phase >= TaskPhase.CheckGrasp && phase < TaskPhase.Check;
                if (phase == TaskPhase.Pick)
                {
                    for (int attempt = 1; attempt <= PickAttempts; attempt++)
                    {
                        progress.Attempt(attempt);
                    }
                }
                if (phase == FailAt)
                {
                    EndedBy[task.BoxId] = "script";
                    return new TaskOutcome(TaskOutcomeKind.Failed, FailReason);
                }
                if (phase == BlockAt)
                {
                    progress.Blocked(BlockReason);
                    await Waiting.Writer.WriteAsync(task.BoxId, either.Token);
                    await _release.WaitAsync(either.Token);
                    progress.Unblocked("zone packing clear");
                }
                if (phase == HoldAt)
                {
                    await Waiting.Writer.WriteAsync(task.BoxId, either.Token);
                    await _release.WaitAsync(either.Token);
                }
                if (PhaseDelay > TimeSpan.Zero)
                {
                    await Task.Delay(PhaseDelay, either.Token);
                }
            }
        }
        catch (OperationCanceledException) when (kill.IsCancellationRequested)
        {
            EndedBy[task.BoxId] = "kill token";
            return new TaskOutcome(TaskOutcomeKind.Killed, "stopped where it was");
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            EndedBy[task.BoxId] = "cancel token";
            return new TaskOutcome(TaskOutcomeKind.Canceled, holding ? "put the box down, standing at a safe stance" : "standing at a safe stance");
        }
        EndedBy[task.BoxId] = "script";
        return new TaskOutcome(TaskOutcomeKind.Completed, $"box {task.BoxId} placed in {destination.Id} and checked");
    }
}
