using Microsoft.Extensions.Logging;
using Robot.Safety.Audit;

namespace Robot.Runtime.Tasks;

/// <summary>Defaults of <see cref="TaskManagerOptions"/>; a test pins them.</summary>
public static class TaskManagerDefaults
{
    /// <summary>Audit source and robot id when none is given.</summary>
    public const string RobotId = "robot";

    /// <summary>Events buffered per watcher before the oldest are dropped.</summary>
    public const int WatchCapacity = 256;

    /// <summary>How long a running task gets to end gracefully when the manager stops, before it is killed.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long an operator's request waits for its audit record to be durable before it is answered anyway.</summary>
    public static readonly TimeSpan AuditTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The reason a task that was underway when the process died is failed with.</summary>
    public const string RestartReason = "robot runtime restarted while underway";
}

/// <summary>Options of <see cref="TaskManager"/>, validated once when it is built.</summary>
public sealed class TaskManagerOptions
{
    /// <summary>The robot this manager dispatches to: audit records' Source and RobotId. Default <see cref="TaskManagerDefaults.RobotId"/>.</summary>
    public string RobotId { get; set; } = TaskManagerDefaults.RobotId;

    /// <summary>
    /// Where safety-relevant changes go (submissions, cancel and kill requests, transitions to
    /// blocked, failed, canceled, killed, and the end of a block), category
    /// <see cref="AuditCategory.Task"/>. Default null: not audited.
    /// </summary>
    public IAuditLog? AuditLog { get; set; }

    /// <summary>Where every change is logged (event ids 7100-7199). Default null: not logged.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Clock of task and event timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Events buffered per watcher before the oldest are dropped (the watcher is told how many). Default 256; at least 1.</summary>
    public int WatchCapacity { get; set; } = TaskManagerDefaults.WatchCapacity;

    /// <summary>How long a running task gets to end gracefully when the manager is disposed, before it is killed. Default 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TaskManagerDefaults.ShutdownTimeout;

    /// <summary>How long an operator's request waits for its audit record to be durable. Default 2 s.</summary>
    public TimeSpan AuditTimeout { get; set; } = TaskManagerDefaults.AuditTimeout;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid option.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(RobotId))
        {
            errors.Add("RobotId is required");
        }
        if (TimeProvider is null)
        {
            errors.Add("TimeProvider is required");
        }
        if (WatchCapacity < 1)
        {
            errors.Add($"WatchCapacity must be at least 1 (got {WatchCapacity})");
        }
        if (ShutdownTimeout <= TimeSpan.Zero)
        {
            errors.Add($"ShutdownTimeout must be positive (got {ShutdownTimeout})");
        }
        if (AuditTimeout <= TimeSpan.Zero)
        {
            errors.Add($"AuditTimeout must be positive (got {AuditTimeout})");
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid task manager options: " + string.Join("; ", errors));
        }
    }
}
