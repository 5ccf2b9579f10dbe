using System.CommandLine;
using Robot.Safety.Access;
using Robot.Safety.Audit;
using Robot.Safety.Geofence;
using Robot.Safety.Hosting;

namespace Robot.Cli.Commands.Safety;

/// <summary>
/// <c>robot supervisor --config site.yaml [--urls …] [--pki DIR [--server-name N] [--policy FILE]]</c>:
/// runs the site safety supervisor. With <c>--pki</c> every service is served over mutual TLS and
/// every call is authorised by the access policy; without it the supervisor runs insecure, on
/// loopback only, and says so on stderr.
/// </summary>
[CliVerb]
public static class SupervisorCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "Site file (YAML): zones, robots, separation parameters. Example: safety/config/site.example.yaml.", Required = true };
        var urls = new Option<string[]>("--urls")
        {
            Description = $"Addresses to listen on (default {SupervisorAccessConstants.DefaultSecureUrl} with --pki, else {Robot.Safety.Supervisor.SupervisorConstants.DefaultUrl}; port 0 picks a free port). Without --pki only loopback addresses are allowed.",
            AllowMultipleArgumentsPerToken = true,
        };
        var pki = new Option<string?>("--pki")
        {
            Description = "Site PKI folder (robot pki init, then robot pki issue --server --name supervisor): serve every service over mutual TLS; callers need a client certificate of this CA, whose role the access policy checks. Without it: insecure mode, loopback only.",
        };
        var serverName = new Option<string>("--server-name")
        {
            Description = "Name of the server certificate in the --pki folder (NAME.crt.pem, NAME.key.pem).",
            DefaultValueFactory = _ => SupervisorAccessConstants.DefaultServerCertificateName,
        };
        var policy = new Option<string?>("--policy")
        {
            Description = "Access policy (YAML: role → allowed gRPC methods, default deny); needs --pki. Default: the shipped safety/Robot.Safety/Access/access-policy.yaml.",
        };
        var auditDb = new Option<FileInfo>("--audit-db")
        {
            Description = "Tamper-evident audit log (SQLite, RFC 6962 tree, signed heads); created when missing. Verify it with `robot audit verify --db FILE`.",
            DefaultValueFactory = _ => new FileInfo(Path.Combine("out", "supervisor", "audit.db")),
        };
        var command = new Command("supervisor", "Run the site safety supervisor (gRPC): geofences, speed and separation, watchdogs, emergency stops. Runs until Ctrl+C.")
        {
            config,
            urls,
            pki,
            serverName,
            policy,
            auditDb,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = CliOutput.From(parseResult);
            SiteModel site;
            try
            {
                site = SiteFileParser.Load(parseResult.GetValue(config)!.FullName);
            }
            catch (Exception e) when (e is SiteValidationException or IOException)
            {
                output.Error.WriteLine(e.Message);
                return 2;
            }
            var access = new SupervisorAccessOptions
            {
                PkiDirectory = parseResult.GetValue(pki),
                ServerCertificateName = parseResult.GetValue(serverName)!,
                PolicyPath = parseResult.GetValue(policy),
            };
            foreach (string url in parseResult.GetValue(urls) ?? [])
            {
                access.Urls.Add(url);
            }
            SupervisorHostBuilder builder;
            try
            {
                builder = SupervisorAccess.CreateHostBuilder(site, access);
            }
            catch (SupervisorAccessException e)
            {
                output.Error.WriteLine($"robot supervisor: {FlagOf(e.Setting)}: {e.Message}");
                return 2;
            }
            FileInfo db = parseResult.GetValue(auditDb)!;
            db.Directory?.Create();
            await using SqliteAuditLog audit = SqliteAuditLog.Open(db.FullName);
            builder.AuditLog = audit;
            await using SupervisorHost host = await builder.StartAsync(ct);
            output.Progress($"supervisor: site '{site.Name}' version {site.Version} ({site.Zones.Count} zones, {site.Robots.Count} robots), sha256 {site.ContentHash}");
            output.Progress($"supervisor: listening on {string.Join(", ", host.Addresses)}");
            output.Progress($"supervisor: audit log {db.FullName} (durable: WAL, synchronous=FULL, group commit)");
            if (access.MutualTls)
            {
                output.Progress($"supervisor: mutual TLS with the site CA in {Path.GetFullPath(access.PkiDirectory!)}; access policy {access.PolicyPath ?? AccessPolicy.BuiltInSource} (default deny; denials audited)");
            }
            else
            {
                SiteMtls.WarnInsecure(string.Join(", ", host.Addresses), error: output.Error);
            }
            try
            {
                // Ends on Ctrl+C (the command's token) or SIGTERM (the host's lifetime stops the app).
                await host.WaitForShutdownAsync(ct);
            }
            catch (OperationCanceledException)
            {
            }
            output.Progress("supervisor: stopping; robots stop on their verdict timeouts");
            return 0;
        });
        return command;
    }

    private static string FlagOf(SupervisorAccessSetting setting) => setting switch
    {
        SupervisorAccessSetting.Urls => "--urls",
        SupervisorAccessSetting.Pki => "--pki",
        SupervisorAccessSetting.ServerCertificateName => "--server-name",
        _ => "--policy",
    };
}
