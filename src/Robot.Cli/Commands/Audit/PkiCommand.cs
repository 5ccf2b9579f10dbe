using System.CommandLine;
using System.Globalization;
using System.Net;
using Robot.Safety.Access;

namespace Robot.Cli.Commands.Audit;

/// <summary>
/// <c>robot pki init --dir D</c> makes the site CA; <c>robot pki issue --dir D --role R --name N</c>
/// issues a client certificate carrying the role (or <c>--server</c> a server certificate).
/// </summary>
[CliVerb]
public static class PkiCommand
{
    public sealed record InitResult(string Directory, string CaCertificate, string CaKey, string Subject, DateTimeOffset NotAfter);

    public static Command Create()
    {
        var command = new Command("pki", "Site certificate authority for mutual TLS: make the CA, issue client (with a role) and server certificates.");
        command.Subcommands.Add(Init());
        command.Subcommands.Add(Issue());
        return command;
    }

    private static Option<string> Dir() => new("--dir") { Description = "Folder of the site CA and issued certificates.", DefaultValueFactory = _ => "pki" };

    private static Command Init()
    {
        var dir = Dir();
        var site = new Option<string>("--site") { Description = "Site name in the CA's subject.", DefaultValueFactory = _ => "site" };
        var days = new Option<int>("--days") { Description = "CA validity, days.", DefaultValueFactory = _ => 3650 };
        var json = CommonOptions.Json();
        var command = new Command("init", "Make a site CA (ECDSA P-256): ca.crt.pem and ca.key.pem (mode 0600). Refuses to overwrite one.") { dir, site, days, json };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            int d = parseResult.GetValue(days);
            if (d is < 1 or > 36500)
            {
                output.Error.WriteLine($"robot pki init: --days {d} must be in 1..36500");
                return 2;
            }
            SitePki pki;
            try
            {
                pki = SitePki.Init(parseResult.GetValue(dir)!, parseResult.GetValue(site)!, TimeSpan.FromDays(d), DateTimeOffset.UtcNow);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                output.Error.WriteLine($"robot pki init: {e.Message}");
                return 1;
            }
            using var ca = pki.LoadCaCertificate();
            var result = new InitResult(pki.Directory, pki.CaCertificatePath, pki.CaKeyPath, ca.Subject, ca.NotAfter.ToUniversalTime());
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                output.Out.WriteLine($"site CA '{result.Subject}' valid until {result.NotAfter:yyyy-MM-dd}");
                output.Out.WriteLine($"certificate {result.CaCertificate}");
                output.Out.WriteLine($"private key {result.CaKey} (keep it offline; whoever holds it can issue any role)");
            }
            return 0;
        });
        return command;
    }

    private static Command Issue()
    {
        var dir = Dir();
        var role = new Option<string?>("--role") { Description = $"Role of a client certificate: {string.Join(", ", RobotRoles.All)}." };
        var name = new Option<string>("--name") { Description = "Principal name (subject CN and file name).", Required = true };
        var server = new Option<bool>("--server") { Description = "Issue a server certificate (serverAuth) instead of a client one." };
        var dns = new Option<string[]>("--dns") { Description = "Server DNS names (default localhost).", AllowMultipleArgumentsPerToken = true };
        var ip = new Option<string[]>("--ip") { Description = "Server IP addresses (default 127.0.0.1 and ::1).", AllowMultipleArgumentsPerToken = true };
        var days = new Option<int>("--days") { Description = "Validity, days.", DefaultValueFactory = _ => 365 };
        var json = CommonOptions.Json();
        var command = new Command("issue", "Issue a certificate from the site CA: a client certificate names its role (SAN URI robot-role:R and OU=R); --server makes a server certificate.")
        {
            dir, role, name, server, dns, ip, days, json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            bool isServer = parseResult.GetValue(server);
            string? r = parseResult.GetValue(role);
            if (!isServer && r is null)
            {
                output.Error.WriteLine($"robot pki issue: --role is required for a client certificate ({string.Join(", ", RobotRoles.All)})");
                return 2;
            }
            var addresses = new List<IPAddress>();
            foreach (string text in parseResult.GetValue(ip) ?? [])
            {
                if (!IPAddress.TryParse(text, out IPAddress? address))
                {
                    output.Error.WriteLine($"robot pki issue: --ip '{text}' is not an IP address");
                    return 2;
                }
                addresses.Add(address);
            }
            string[] dnsNames = parseResult.GetValue(dns) ?? [];
            try
            {
                SitePki pki = SitePki.Open(parseResult.GetValue(dir)!);
                IssuedCertificate issued = pki.Issue(isServer ? CertificateKind.Server : CertificateKind.Client, parseResult.GetValue(name)!, r,
                    TimeSpan.FromDays(parseResult.GetValue(days)), DateTimeOffset.UtcNow, dnsNames.Length > 0 ? dnsNames : null, addresses.Count > 0 ? addresses : null);
                if (parseResult.GetValue(json))
                {
                    output.WriteJson(issued);
                }
                else
                {
                    output.Out.WriteLine($"{(isServer ? "server" : "client")} certificate '{issued.Subject}'{(issued.Role is null ? "" : $" role {issued.Role}")} valid until {issued.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
                    output.Out.WriteLine($"certificate {issued.CertificatePath}");
                    output.Out.WriteLine($"private key {issued.KeyPath}");
                }
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or IOException or System.Security.Cryptography.CryptographicException)
            {
                output.Error.WriteLine($"robot pki issue: {e.Message}");
                return e is ArgumentException ? 2 : 1;
            }
        });
        return command;
    }
}
