namespace Robot.Safety.Hosting;

/// <summary>Defaults of <see cref="SupervisorAccessOptions"/>; a test pins them.</summary>
public static class SupervisorAccessConstants
{
    /// <summary>Where a supervisor with mutual TLS listens unless told otherwise.</summary>
    public const string DefaultSecureUrl = "https://127.0.0.1:50051";

    /// <summary>
    /// Name of the supervisor's server certificate in the PKI folder (<c>supervisor.crt.pem</c>,
    /// <c>supervisor.key.pem</c>), as <c>robot pki issue --server --name supervisor</c> writes it.
    /// </summary>
    public const string DefaultServerCertificateName = "supervisor";
}
