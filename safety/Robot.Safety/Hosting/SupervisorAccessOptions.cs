using Robot.Safety.Access;
using Robot.Safety.Supervisor;

namespace Robot.Safety.Hosting;

/// <summary>
/// How the supervisor process may be reached. With <see cref="PkiDirectory"/> every service is
/// served over mutual TLS and every call is authorised by the access policy; without it the
/// supervisor runs in insecure mode, which only listens on loopback. Validated once, by
/// <see cref="SupervisorAccess.CreateHostBuilder"/>.
/// </summary>
public sealed class SupervisorAccessOptions
{
    /// <summary>
    /// Addresses to listen on (CLI <c>--urls</c>). Empty (default) means
    /// <see cref="SupervisorAccessConstants.DefaultSecureUrl"/> with a PKI and
    /// <see cref="SupervisorConstants.DefaultUrl"/> without. Port 0 picks a free port. With a PKI
    /// every address must be https://; without one, http:// on a loopback address.
    /// </summary>
    public IList<string> Urls { get; } = [];

    /// <summary>
    /// Folder of the site CA (<c>ca.crt.pem</c>) and the supervisor's server certificate, as
    /// <c>robot pki init|issue</c> make them (CLI <c>--pki</c>). Null (default): insecure loopback mode.
    /// </summary>
    public string? PkiDirectory { get; set; }

    /// <summary>
    /// Name of the server certificate in <see cref="PkiDirectory"/>: <c>NAME.crt.pem</c> and
    /// <c>NAME.key.pem</c> (CLI <c>--server-name</c>). Default <see cref="SupervisorAccessConstants.DefaultServerCertificateName"/>.
    /// </summary>
    public string ServerCertificateName { get; set; } = SupervisorAccessConstants.DefaultServerCertificateName;

    /// <summary>
    /// Access policy file, YAML (CLI <c>--policy</c>). Null (default): the shipped default-deny
    /// policy (<see cref="AccessPolicy.LoadBuiltIn"/>). Applies only with <see cref="PkiDirectory"/>.
    /// </summary>
    public string? PolicyPath { get; set; }

    /// <summary>True when the supervisor will serve mutual TLS (a PKI folder is given).</summary>
    public bool MutualTls => PkiDirectory is not null;
}
