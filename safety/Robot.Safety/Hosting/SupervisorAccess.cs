using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Robot.Safety.Access;
using Robot.Safety.Geofence;
using Robot.Safety.Supervisor;

namespace Robot.Safety.Hosting;

/// <summary>
/// Builds the supervisor host the way <c>robot supervisor</c> runs it, access control included,
/// so tests exercise the same wiring. With a PKI folder: Kestrel serves every address over
/// mutual TLS (<see cref="SiteMtls"/>: client certificates from the site CA only) and
/// <see cref="AccessPolicyInterceptor"/> authorises every call by the default-deny policy,
/// auditing each denial. Without one: insecure mode, loopback addresses only, no
/// authentication; callers are <c>insecure:loopback</c> and their role claims are trusted (and
/// audited as such). Every setting is checked before anything listens: a bad one throws
/// <see cref="SupervisorAccessException"/> and nothing starts.
/// </summary>
public static class SupervisorAccess
{
    /// <summary>
    /// Validates <paramref name="access"/> (loading the PKI and the policy) and returns a builder
    /// for <paramref name="site"/>. Nothing is opened or written before the settings are known to
    /// be good, so the caller sets <see cref="SupervisorHostBuilder.AuditLog"/> (and
    /// <see cref="SupervisorHostBuilder.TimeProvider"/>) afterwards: access control audits
    /// denials and rejected certificates to the log the builder holds when it starts.
    /// </summary>
    public static SupervisorHostBuilder CreateHostBuilder(SiteModel site, SupervisorAccessOptions access)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(access);
        string[] urls = access.Urls.Count > 0 ? [.. access.Urls]
            : [access.MutualTls ? SupervisorAccessConstants.DefaultSecureUrl : SupervisorConstants.DefaultUrl];
        var builder = new SupervisorHostBuilder(site);
        builder.Options.Urls.Clear();
        foreach (string url in urls)
        {
            builder.Options.Urls.Add(url);
        }

        if (!access.MutualTls)
        {
            if (access.PolicyPath is not null)
            {
                throw new SupervisorAccessException(SupervisorAccessSetting.Policy,
                    $"an access policy ({access.PolicyPath}) is enforced only with mutual TLS: give the PKI folder (--pki DIR) too; insecure mode has no authenticated callers to apply it to");
            }
            foreach (string url in urls)
            {
                CheckInsecureUrl(url);
            }
            builder.Options.Insecure = true;
            return builder;
        }

        foreach (string url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new SupervisorAccessException(SupervisorAccessSetting.Urls, $"'{url}' is not an https:// address; with mutual TLS every address is served over TLS");
            }
        }
        // Everything is loaded and checked before the host exists, so a bad file never leaves a half-started supervisor.
        var (serverCertificate, siteCa) = LoadPki(access.PkiDirectory!, access.ServerCertificateName, DateTimeOffset.UtcNow);
        AccessPolicy policy = LoadPolicy(access.PolicyPath);
        builder.Options.Insecure = false;
        // Both run when the host starts, so they see the audit log and clock the caller set by then.
        builder.ConfigureHttps(https => SiteMtls.ConfigureHttps(https, serverCertificate, siteCa, builder.AuditLog, time: builder.TimeProvider));
        builder.ConfigureServices(services => services.AddRobotAccessControl(policy, new AccessControlOptions { TimeProvider = builder.TimeProvider }, builder.AuditLog));
        builder.AddInterceptor<AccessPolicyInterceptor>();
        return builder;
    }

    /// <summary>Insecure mode listens on loopback only: any local process may claim any role, so nothing remote may reach it.</summary>
    private static void CheckInsecureUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new SupervisorAccessException(SupervisorAccessSetting.Urls,
                $"'{url}' is not an http:// address; https:// needs the PKI folder (--pki DIR) for mutual TLS");
        }
        string host = uri.Host.Trim('[', ']');
        bool loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out IPAddress? ip) && IPAddress.IsLoopback(ip));
        if (!loopback)
        {
            throw new SupervisorAccessException(SupervisorAccessSetting.Urls,
                $"'{url}' is not a loopback address; without mutual TLS the supervisor runs insecure (no authentication, role claims trusted) and listens on 127.0.0.1, ::1 or localhost only. Give the PKI folder (--pki DIR, made by robot pki init|issue) to serve mutual TLS anywhere else");
        }
    }

    /// <summary>
    /// The site CA and the server certificate <paramref name="name"/> (with its key) from the PKI
    /// folder <paramref name="directory"/>, checked against each other at <paramref name="now"/>.
    /// Every problem throws <see cref="SupervisorAccessException"/> naming the setting. Shared by
    /// every mutual-TLS host of the site (the supervisor, the robot runtime's RobotService).
    /// </summary>
    public static (X509Certificate2 Server, X509Certificate2 SiteCa) LoadPki(string directory, string name, DateTimeOffset now)
    {
        if (!ClientCertificatePrincipal.IsValidName(name))
        {
            throw new SupervisorAccessException(SupervisorAccessSetting.ServerCertificateName, $"'{name}' is not a certificate name (1-64 of A-Z a-z 0-9 . _ -, starting alphanumeric)");
        }
        if (!Directory.Exists(directory))
        {
            throw new SupervisorAccessException(SupervisorAccessSetting.Pki, $"'{Path.GetFullPath(directory)}' does not exist; make the site PKI with `robot pki init --dir {directory}`");
        }
        SitePki pki;
        X509Certificate2 siteCa;
        try
        {
            pki = SitePki.Open(directory);
            siteCa = pki.LoadCaCertificate();
        }
        catch (Exception e) when (e is FileNotFoundException or IOException or UnauthorizedAccessException)
        {
            throw new SupervisorAccessException(SupervisorAccessSetting.Pki, e.Message, e);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
        {
            throw new SupervisorAccessException(SupervisorAccessSetting.Pki, $"{Path.Combine(Path.GetFullPath(directory), SitePki.CaCertificateFile)} is not a PEM certificate: {e.Message}", e);
        }
        string certificatePath = Path.Combine(pki.Directory, name + ".crt.pem");
        string keyPath = Path.Combine(pki.Directory, name + ".key.pem");
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            siteCa.Dispose();
            throw new SupervisorAccessException(SupervisorAccessSetting.Pki,
                $"no server certificate '{name}' in '{pki.Directory}' (expected {name}.crt.pem and {name}.key.pem); issue one with `robot pki issue --dir {directory} --server --name {name}`");
        }
        X509Certificate2 server;
        try
        {
            server = SitePki.LoadWithKey(certificatePath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException or IOException or UnauthorizedAccessException)
        {
            siteCa.Dispose();
            throw new SupervisorAccessException(SupervisorAccessSetting.Pki, $"cannot load the server certificate {certificatePath} with key {keyPath}: {e.Message}", e);
        }
        // A server certificate from another CA, expired, or without serverAuth would fail every client's handshake: refuse it now.
        if (!SiteMtls.ValidateChain(server, siteCa, SiteMtls.ServerAuthOid, now, out string reason))
        {
            server.Dispose();
            siteCa.Dispose();
            throw new SupervisorAccessException(SupervisorAccessSetting.Pki, $"server certificate {certificatePath} is not a valid server certificate of the site CA in '{pki.Directory}': {reason}");
        }
        return (server, siteCa);
    }

    /// <summary>
    /// The policy file at <paramref name="path"/> (null: <paramref name="builtIn"/>, by default the
    /// supervisor's shipped policy), refused with <see cref="SupervisorAccessException"/> when it
    /// does not parse or any rule names none of <paramref name="knownMethods"/> (by default the
    /// supervisor's, <see cref="SupervisorMethods.All"/>). Shared by every host of the site that
    /// enforces a policy (the supervisor, the robot runtime's RobotService).
    /// </summary>
    public static AccessPolicy LoadPolicy(string? path, IReadOnlyList<string>? knownMethods = null, Func<AccessPolicy>? builtIn = null)
    {
        AccessPolicy policy;
        try
        {
            policy = path is null ? (builtIn ?? AccessPolicy.LoadBuiltIn)() : AccessPolicy.Load(path);
        }
        catch (AccessPolicyException e)
        {
            throw new SupervisorAccessException(SupervisorAccessSetting.Policy, e.Message, e);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            throw new SupervisorAccessException(SupervisorAccessSetting.Policy, $"cannot read the access policy '{path}': {e.Message}", e);
        }
        IReadOnlyList<string> unknown = policy.RulesMatchingNothing(knownMethods ?? SupervisorMethods.All);
        if (unknown.Count > 0)
        {
            var problem = new AccessPolicyException(policy.Source, unknown);
            throw new SupervisorAccessException(SupervisorAccessSetting.Policy, problem.Message, problem);
        }
        return policy;
    }
}
