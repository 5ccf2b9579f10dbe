using System.CommandLine;
using Robot.Safety.Audit;
using Robot.Safety.Geofence;
using Robot.Safety.Hosting;

namespace Robot.Cli.Commands.Safety;

/// <summary><c>robot supervisor --config site.yaml [--urls …]</c>: runs the site safety supervisor.</summary>
[CliVerb]
public static class SupervisorCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "Site file (YAML): zones, robots, separation parameters. Example: safety/config/site.example.yaml.", Required = true };
        var urls = new Option<string[]>("--urls") { Description = "Addresses to listen on (default http://127.0.0.1:50051; port 0 picks a free port).", AllowMultipleArgumentsPerToken = true };
        var auditDb = new Option<FileInfo>("--audit-db")
        {
            Description = "Tamper-evident audit log (SQLite, RFC 6962 tree, signed heads); created when missing. Verify it with `robot audit verify --db FILE`.",
            DefaultValueFactory = _ => new FileInfo(Path.Combine("out", "supervisor", "audit.db")),
        };
        var command = new Command("supervisor", "Run the site safety supervisor (gRPC): geofences, speed and separation, watchdogs, emergency stops. Runs until Ctrl+C.")
        {
            config,
            urls,
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
            FileInfo db = parseResult.GetValue(auditDb)!;
            db.Directory?.Create();
            await using SqliteAuditLog audit = SqliteAuditLog.Open(db.FullName);
            var builder = new SupervisorHostBuilder(site) { AuditLog = audit };
            string[] addresses = parseResult.GetValue(urls) ?? [];
            if (addresses.Length > 0)
            {
                builder.Options.Urls.Clear();
                foreach (string url in addresses)
                {
                    builder.Options.Urls.Add(url);
                }
            }
            await using SupervisorHost host = await builder.StartAsync(ct);
            output.Progress($"supervisor: site '{site.Name}' version {site.Version} ({site.Zones.Count} zones, {site.Robots.Count} robots), sha256 {site.ContentHash}");
            output.Progress($"supervisor: listening on {string.Join(", ", host.Addresses)}");
            output.Progress($"supervisor: audit log {db.FullName} (durable: WAL, synchronous=FULL, group commit)");
            output.Progress("supervisor: WARNING insecure mode (no mTLS): callers are 'insecure:loopback' and role claims are trusted");
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
}
