using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Robot.Safety.Access;
using Robot.Safety.Hosting;
using Robot.Safety.Supervisor;

namespace Robot.Cli.Commands.Safety;

/// <summary>
/// The flags every supervisor client verb shares: the address and, for a supervisor that runs
/// mutual TLS, the caller's certificate: <c>--pki DIR --name N</c> (the files
/// <c>robot pki issue</c> wrote) or <c>--cert/--key/--ca</c>. The certificate's role is what the
/// supervisor's access policy checks. Add them with <see cref="AddTo"/>, connect with
/// <see cref="Open"/> inside <see cref="Call"/>.
/// </summary>
internal sealed class SupervisorClientOptions
{
    private readonly Option<string?> _supervisor;
    private readonly string _insecureDefault;
    private readonly string _secureDefault;
    private readonly string _what;

    /// <summary>The supervisor's flags: <c>--supervisor URL</c> and the certificate flags.</summary>
    public SupervisorClientOptions()
        : this("--supervisor", "supervisor", SupervisorConstants.DefaultUrl, SupervisorAccessConstants.DefaultSecureUrl)
    {
    }

    /// <summary>
    /// The same flags for another mutual-TLS service of the site (e.g. <c>--robot URL</c> for the
    /// robot runtime's RobotService): <paramref name="addressFlag"/> names the address flag,
    /// <paramref name="what"/> the service in messages.
    /// </summary>
    public SupervisorClientOptions(string addressFlag, string what, string insecureDefault, string secureDefault)
    {
        _what = what;
        _insecureDefault = insecureDefault;
        _secureDefault = secureDefault;
        _supervisor = new Option<string?>(addressFlag)
        {
            Description = $"{char.ToUpperInvariant(what[0])}{what[1..]} address (default {insecureDefault}, or {secureDefault} when a certificate is given).",
        };
    }

    private readonly Option<string?> _pki = new("--pki") { Description = "Site PKI folder (robot pki init|issue): use NAME.crt.pem, NAME.key.pem and ca.crt.pem from it (mutual TLS); needs --name." };

    private readonly Option<string?> _name = new("--name") { Description = "Name of your certificate in the --pki folder (robot pki issue --name)." };

    private readonly Option<FileInfo?> _cert = new("--cert") { Description = "Client certificate (PEM) for mutual TLS; needs --key and --ca." };

    private readonly Option<FileInfo?> _key = new("--key") { Description = "Private key (PEM) of --cert." };

    private readonly Option<FileInfo?> _ca = new("--ca") { Description = "Site CA certificate (PEM) the server's certificate must chain to." };

    /// <summary>Adds the address and certificate flags to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option option in (Option[])[_supervisor, _pki, _name, _cert, _key, _ca])
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// A channel to the supervisor: mutual TLS when a certificate is given, plain HTTP/2 (an
    /// insecure loopback supervisor) otherwise. Bad or contradictory flags throw
    /// <see cref="SupervisorClientUsageException"/>, which <see cref="Call"/> reports with exit code 2.
    /// </summary>
    public GrpcChannel Open(ParseResult parseResult)
    {
        (string Certificate, string Key, string Ca)? files = CertificateFiles(parseResult);
        string flag = _supervisor.Name;
        string address = parseResult.GetValue(_supervisor) ?? (files is null ? _insecureDefault : _secureDefault);
        if (!Uri.TryCreate(address, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new SupervisorClientUsageException(flag, $"'{address}' is not an http:// or https:// address");
        }
        if (files is null)
        {
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                throw new SupervisorClientUsageException(flag, $"'{address}' is a mutual-TLS {_what}: give your certificate with --pki DIR --name N or --cert/--key/--ca");
            }
            return GrpcChannel.ForAddress(uri);
        }
        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new SupervisorClientUsageException(flag, $"'{address}' is plain HTTP; a client certificate is presented over https:// only");
        }
        var (certificatePath, keyPath, caPath) = files.Value;
        X509Certificate2 client, ca;
        try
        {
            client = SitePki.LoadWithKey(certificatePath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new SupervisorClientUsageException("--cert", $"cannot load the certificate {certificatePath} with key {keyPath}: {e.Message}");
        }
        try
        {
            ca = SitePki.LoadCertificate(caPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException or IOException or UnauthorizedAccessException)
        {
            client.Dispose();
            throw new SupervisorClientUsageException("--ca", $"{caPath} is not a PEM certificate: {e.Message}");
        }
        return SiteMtls.CreateChannel(uri, client, ca);
    }

    /// <summary>The certificate, key and CA files the flags name, or null for none; checks they exist.</summary>
    private (string Certificate, string Key, string Ca)? CertificateFiles(ParseResult parseResult)
    {
        string? pki = parseResult.GetValue(_pki), name = parseResult.GetValue(_name);
        FileInfo? cert = parseResult.GetValue(_cert), key = parseResult.GetValue(_key), ca = parseResult.GetValue(_ca);
        bool anyFile = cert is not null || key is not null || ca is not null;
        if (pki is not null && anyFile)
        {
            throw new SupervisorClientUsageException("--pki", "give either --pki DIR --name N or --cert/--key/--ca, not both");
        }
        if (pki is not null || name is not null)
        {
            if (pki is null || name is null)
            {
                // Name the flag that is missing.
                throw new SupervisorClientUsageException(pki is null ? "--pki" : "--name", "--pki and --name go together: --pki DIR --name N uses DIR/N.crt.pem, DIR/N.key.pem and DIR/ca.crt.pem");
            }
            if (!Directory.Exists(pki))
            {
                throw new SupervisorClientUsageException("--pki", $"'{Path.GetFullPath(pki)}' does not exist");
            }
            string certificateFile = Path.Combine(pki, name + ".crt.pem"), keyFile = Path.Combine(pki, name + ".key.pem"), caFile = Path.Combine(pki, SitePki.CaCertificateFile);
            foreach (var (flag, file) in (ReadOnlySpan<(string, string)>)[("--name", certificateFile), ("--name", keyFile), ("--pki", caFile)])
            {
                if (!File.Exists(file))
                {
                    throw new SupervisorClientUsageException(flag, $"{Path.GetFullPath(file)}: no such file");
                }
            }
            return (certificateFile, keyFile, caFile);
        }
        if (!anyFile)
        {
            return null;
        }
        ReadOnlySpan<(string Flag, FileInfo? File)> given = [("--cert", cert), ("--key", key), ("--ca", ca)];
        foreach (var (flag, file) in given)
        {
            if (file is null)
            {
                throw new SupervisorClientUsageException(flag, "--cert, --key and --ca go together (your certificate, its key, the site CA)");
            }
        }
        foreach (var (flag, file) in given)
        {
            if (!file!.Exists)
            {
                throw new SupervisorClientUsageException(flag, $"{file.FullName}: no such file");
            }
        }
        return (cert!.FullName, key!.FullName, ca!.FullName);
    }

    /// <summary>The role an insecure (loopback) supervisor trusts a caller to claim.</summary>
    public static Option<string> Role() => new("--role") { Description = "Role to claim on an insecure (loopback) supervisor, e.g. safety-engineer; with mTLS the certificate decides." };

    /// <summary>Every call gets a deadline.</summary>
    public static DateTime Deadline => DateTime.UtcNow.AddSeconds(5);

    public static Metadata Headers(string? role) => string.IsNullOrEmpty(role) ? [] : new Metadata { { SupervisorConstants.RoleClaimHeader, role } };

    /// <summary>
    /// Runs a client call; prints a gRPC failure on stderr and returns 1, or a bad flag and
    /// returns 2.
    /// </summary>
    public static async Task<int> Call(CliOutput output, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (SupervisorClientUsageException e)
        {
            output.Error.WriteLine($"error: {e.Flag}: {e.Message}");
            return 2;
        }
        catch (RpcException e)
        {
            output.Error.WriteLine($"error: {e.StatusCode}: {e.Status.Detail}");
            return 1;
        }
    }
}
