using Microsoft.Extensions.Logging;

namespace Robot.Safety.Access;

/// <summary>Log messages of access control, with stable event ids.</summary>
internal static partial class AccessLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "access denied: {Principal} called {Method}: {Reason}")]
    public static partial void Denied(ILogger logger, string principal, string method, string reason);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Error, Message = "could not audit the denial of {Method} to {Principal}; the call is refused anyway")]
    public static partial void AuditFailed(ILogger logger, Exception exception, string principal, string method);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Critical, Message = "INSECURE MODE: no TLS, no client certificates; any local process can claim any role. Loopback only, never in production. Endpoint: {Endpoint}")]
    public static partial void InsecureMode(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "TLS client certificate rejected: {Subject}: {Reason}")]
    public static partial void CertificateRejected(ILogger logger, string subject, string reason);
}
