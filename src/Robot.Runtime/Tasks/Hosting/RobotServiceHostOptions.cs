using Microsoft.Extensions.Logging;
using Robot.Safety.Audit;

namespace Robot.Runtime.Tasks.Hosting;

/// <summary>Defaults of <see cref="RobotServiceHostOptions"/>; a test pins them.</summary>
public static class RobotServiceDefaults
{
    /// <summary>Where the robot service listens without a PKI (insecure, loopback only).</summary>
    public const string Url = "http://127.0.0.1:50061";

    /// <summary>Where the robot service listens with a PKI (mutual TLS).</summary>
    public const string SecureUrl = "https://127.0.0.1:50061";

    /// <summary>Name of the robot's server certificate in the PKI folder (<c>robot.crt.pem</c>, <c>robot.key.pem</c>): <c>robot pki issue --server --name robot</c>.</summary>
    public const string ServerCertificateName = "robot";
}

/// <summary>
/// How <see cref="RobotServiceHost"/> may be reached. With <see cref="PkiDirectory"/> every
/// address is served over mutual TLS and every call is authorised by the access policy
/// (operator: everything; safety-engineer and auditor: List and Watch); without it the host runs
/// insecure, on loopback addresses only, and every local caller may do everything. Validated once, by
/// <see cref="RobotServiceHost.StartAsync"/>.
/// </summary>
public sealed class RobotServiceHostOptions
{
    /// <summary>
    /// Addresses to listen on. Empty (default) means <see cref="RobotServiceDefaults.SecureUrl"/>
    /// with a PKI and <see cref="RobotServiceDefaults.Url"/> without. Port 0 picks a free port
    /// (see <see cref="RobotServiceHost.Addresses"/>). With a PKI every address must be https://;
    /// without one, http:// on 127.0.0.1, ::1 or localhost.
    /// </summary>
    public IList<string> Urls { get; } = [];

    /// <summary>Folder of the site CA and the robot's server certificate (<c>robot pki init|issue</c>). Null (default): insecure loopback mode.</summary>
    public string? PkiDirectory { get; set; }

    /// <summary>Name of the server certificate in <see cref="PkiDirectory"/>. Default <see cref="RobotServiceDefaults.ServerCertificateName"/>.</summary>
    public string ServerCertificateName { get; set; } = RobotServiceDefaults.ServerCertificateName;

    /// <summary>Access policy file (YAML, the supervisor's format). Null (default): the shipped <c>Tasks/Hosting/robot-access-policy.yaml</c>. Applies only with <see cref="PkiDirectory"/>.</summary>
    public string? PolicyPath { get; set; }

    /// <summary>Where denied calls and rejected client certificates are audited. Default null: an in-memory log (not durable); give the robot's audit log in production.</summary>
    public IAuditLog? AuditLog { get; set; }

    /// <summary>Source of the access audit records. Default "robot".</summary>
    public string AuditSource { get; set; } = "robot";

    /// <summary>Minimum level of the host's own logging. Default Warning.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>True when the host will serve mutual TLS (a PKI folder is given).</summary>
    public bool MutualTls => PkiDirectory is not null;

    /// <summary>The addresses to listen on: <see cref="Urls"/>, or the default for the mode.</summary>
    public IReadOnlyList<string> EffectiveUrls => Urls.Count > 0 ? [.. Urls] : [MutualTls ? RobotServiceDefaults.SecureUrl : RobotServiceDefaults.Url];
}
