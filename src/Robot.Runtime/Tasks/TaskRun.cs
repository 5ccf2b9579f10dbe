using Robot.Safety.Geofence;

namespace Robot.Runtime.Tasks;

/// <summary>
/// The task the executor is running now, with its two stop signals: <see cref="Cancel"/>
/// (graceful) and <see cref="Kill"/> (immediate). Fields other than the tokens are read and
/// written under the manager's lock only.
/// </summary>
internal sealed class TaskRun(TaskRecord task, SiteLocation source, SiteLocation destination) : IDisposable
{
    /// <summary>The task as it is now (updated with every change).</summary>
    public TaskRecord Task { get; set; } = task;

    public SiteLocation Source { get; } = source;

    public SiteLocation Destination { get; } = destination;

    public CancellationTokenSource Cancel { get; } = new();

    public CancellationTokenSource Kill { get; } = new();

    /// <summary>Why and by whom a cancel was requested; null when none was.</summary>
    public (string Reason, string By)? CancelRequest { get; set; }

    /// <summary>Why and by whom a kill was requested; null when none was.</summary>
    public (string Reason, string By)? KillRequest { get; set; }

    /// <summary>True once the final state is recorded: late reports are ignored.</summary>
    public bool Ended { get; set; }

    public void Dispose()
    {
        Cancel.Dispose();
        Kill.Dispose();
    }
}
