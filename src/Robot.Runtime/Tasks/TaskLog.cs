using Microsoft.Extensions.Logging;

namespace Robot.Runtime.Tasks;

/// <summary>Log messages of the task manager, with stable event ids (7100-7199): the task telemetry of the robot process.</summary>
internal static partial class TaskLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "task {TaskId}: {Previous} → {State} (phase {Phase}): {Reason}")]
    public static partial void Changed(ILogger logger, string taskId, string previous, string state, string phase, string reason);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "task submission refused ({Error}): {Message}")]
    public static partial void Refused(ILogger logger, TaskError error, string message);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Error, Message = "could not audit '{Type}' of task {TaskId}")]
    public static partial void AuditFailed(ILogger logger, Exception exception, string type, string taskId);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Error, Message = "the executor threw while running task {TaskId}; the task fails")]
    public static partial void ExecutorThrew(ILogger logger, Exception exception, string taskId);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Warning, Message = "task {TaskId}: ignored a late or out-of-order report from the executor: {Report}")]
    public static partial void IgnoredReport(ILogger logger, string taskId, string report);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Warning, Message = "task {TaskId} was underway when the robot runtime stopped; it is failed on restart")]
    public static partial void Recovered(ILogger logger, string taskId);

    [LoggerMessage(EventId = 7107, Level = LogLevel.Error, Message = "task {TaskId} did not end within {Timeout} of being killed at shutdown; it will be failed on the next start")]
    public static partial void ShutdownAbandoned(ILogger logger, string taskId, TimeSpan timeout);
}
