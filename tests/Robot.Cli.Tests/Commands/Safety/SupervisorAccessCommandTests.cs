using Robot.Safety.Access;
using Robot.Safety.Audit;

namespace Robot.Cli.Tests.Commands.Safety;

/// <summary>
/// <c>robot supervisor --pki/--policy</c> and the client verbs' <c>--pki/--name</c>,
/// <c>--cert/--key/--ca</c>: bad flags exit 2 naming the flag; a real supervisor process over
/// mutual TLS lets an operator trigger but not reset, and a safety engineer reset.
/// </summary>
public sealed class SupervisorAccessCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robot-cli-access-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string File(string name) => Path.Combine(_dir, name);

    private static string SiteFile => Path.Combine(RepoPaths.Root, "safety", "config", "site.example.yaml");

    /// <summary>A site PKI with the supervisor's server certificate and one client certificate per role (ROLE-1), made by the CLI.</summary>
    private string MakePki(string name = "pki")
    {
        string pki = File(name);
        Assert.Equal(0, CliRunner.Run("pki", "init", "--dir", pki, "--site", "test").ExitCode);
        Assert.Equal(0, CliRunner.Run("pki", "issue", "--dir", pki, "--server", "--name", "supervisor").ExitCode);
        foreach (string role in RobotRoles.All)
        {
            Assert.Equal(0, CliRunner.Run("pki", "issue", "--dir", pki, "--role", role, "--name", $"{role}-1").ExitCode);
        }
        return pki;
    }

    [Fact]
    public void Supervisor_InsecureOnNonLoopbackAddress_Exits2NamingUrls_AndCreatesNoAuditLog()
    {
        string db = File("audit.db");
        var (code, _, stderr) = CliRunner.Run("supervisor", "--config", SiteFile, "--urls", "http://0.0.0.0:0", "--audit-db", db);
        Assert.Equal(2, code);
        Assert.StartsWith("robot supervisor: --urls: 'http://0.0.0.0:0' is not a loopback address; without mutual TLS the supervisor runs insecure", stderr, StringComparison.Ordinal);
        Assert.Contains("--pki DIR", stderr, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(db));
    }

    [Fact]
    public void Supervisor_MissingPki_Exits2NamingPki()
    {
        string missing = File("no-pki");
        var (code, _, stderr) = CliRunner.Run("supervisor", "--config", SiteFile, "--pki", missing, "--audit-db", File("audit.db"));
        Assert.Equal(2, code);
        Assert.Equal($"robot supervisor: --pki: '{missing}' does not exist; make the site PKI with `robot pki init --dir {missing}`", stderr.Trim());
    }

    [Fact]
    public void Supervisor_PolicyWithUnknownRole_Exits2NamingFileAndLine()
    {
        string policy = File("policy.yaml");
        System.IO.File.WriteAllText(policy, "version: 1\nroles:\n  root:\n    - /robot.safety.v1.EmergencyStop/Reset\n");
        var (code, _, stderr) = CliRunner.Run("supervisor", "--config", SiteFile, "--pki", MakePki(), "--policy", policy, "--urls", "https://127.0.0.1:0", "--audit-db", File("audit.db"));
        Assert.Equal(2, code);
        Assert.StartsWith($"robot supervisor: --policy: access policy {policy} is invalid:", stderr, StringComparison.Ordinal);
        Assert.Contains($"{policy}:3:3: roles.root: unknown role", stderr, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(File("audit.db")));
    }

    [Fact]
    public void Supervisor_PolicyWithoutPki_Exits2()
    {
        var (code, _, stderr) = CliRunner.Run("supervisor", "--config", SiteFile, "--policy", File("p.yaml"), "--audit-db", File("audit.db"));
        Assert.Equal(2, code);
        Assert.StartsWith("robot supervisor: --policy: ", stderr, StringComparison.Ordinal);
        Assert.Contains("(--pki DIR)", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--key", "estop", "status", "--cert", "c.pem")]
    [InlineData("--name", "zones", "list", "--pki", ".")]
    [InlineData("--pki", "estop", "trigger", "--name", "operator-1")]
    [InlineData("--pki", "estop", "reset", "--pki", ".", "--name", "x", "--ca", "ca.pem")]
    [InlineData("--supervisor", "zones", "list", "--supervisor", "https://127.0.0.1:1")]
    [InlineData("--supervisor", "estop", "status", "--supervisor", "ftp://127.0.0.1:1")]
    public void ClientVerb_BadCertificateFlags_Exit2NamingTheFlag(string flag, params string[] args)
    {
        var (code, _, stderr) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {flag}: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientVerb_MissingCertificateFileInPki_Exits2NamingName()
    {
        string pki = File("pki");
        Assert.Equal(0, CliRunner.Run("pki", "init", "--dir", pki).ExitCode);
        var (code, _, stderr) = CliRunner.Run("estop", "status", "--pki", pki, "--name", "nobody");
        Assert.Equal(2, code);
        Assert.Equal($"error: --name: {Path.Combine(pki, "nobody.crt.pem")}: no such file", stderr.Trim());
    }

    [Fact]
    public void ClientVerb_CertificateOverPlainHttp_Exits2NamingSupervisor()
    {
        string pki = MakePki();
        var (code, _, stderr) = CliRunner.Run("estop", "status", "--pki", pki, "--name", "auditor-1", "--supervisor", "http://127.0.0.1:1");
        Assert.Equal(2, code);
        Assert.Equal("error: --supervisor: 'http://127.0.0.1:1' is plain HTTP; a client certificate is presented over https:// only", stderr.Trim());
    }

    [Fact]
    public async Task SupervisorProcess_MutualTls_OperatorTriggers_OnlySafetyEngineerResets_DenialAudited()
    {
        string pki = MakePki();
        string db = File("audit.db");
        int exit;
        await using (SupervisorProcess supervisor = await SupervisorProcess.StartAsync("--config", SiteFile, "--pki", pki, "--urls", "https://127.0.0.1:0", "--audit-db", db))
        {
            Assert.Equal("https", supervisor.Address.Scheme);
            Assert.DoesNotContain("INSECURE", supervisor.Stderr, StringComparison.Ordinal);
            Assert.Contains("mutual TLS with the site CA", supervisor.Stderr, StringComparison.Ordinal);
            string url = supervisor.Address.ToString();

            var trigger = CliRunner.Run("estop", "trigger", "--supervisor", url, "--pki", pki, "--name", "operator-1", "--json");
            Assert.True(trigger.ExitCode == 0, trigger.Stderr);
            var refused = CliRunner.Run("estop", "reset", "--supervisor", url, "--pki", pki, "--name", "operator-1", "--role", "safety-engineer");
            Assert.Equal(1, refused.ExitCode);
            Assert.StartsWith("error: PermissionDenied: permission denied: role operator may not call /robot.safety.v1.EmergencyStop/Reset", refused.Stderr, StringComparison.Ordinal);

            // The same safety engineer through --cert/--key/--ca.
            string[] engineer = ["--cert", Path.Combine(pki, "safety-engineer-1.crt.pem"), "--key", Path.Combine(pki, "safety-engineer-1.key.pem"), "--ca", Path.Combine(pki, "ca.crt.pem")];
            var reset = CliRunner.Run(["estop", "reset", "--supervisor", url, .. engineer, "--json"]);
            Assert.True(reset.ExitCode == 0, reset.Stderr);
            Assert.Contains("\"reset\": [", reset.Stdout, StringComparison.Ordinal);
            var list = CliRunner.Run("zones", "list", "--supervisor", url, "--pki", pki, "--name", "auditor-1");
            Assert.True(list.ExitCode == 0, list.Stderr);
            Assert.Contains("version 1", list.Stdout, StringComparison.Ordinal);

            // No certificate at all: the verb refuses an https address without one; a foreign CA's certificate fails the handshake.
            string foreign = File("foreign");
            Assert.Equal(0, CliRunner.Run("pki", "init", "--dir", foreign).ExitCode);
            Assert.Equal(0, CliRunner.Run("pki", "issue", "--dir", foreign, "--role", "safety-engineer", "--name", "intruder").ExitCode);
            System.IO.File.Copy(Path.Combine(pki, "ca.crt.pem"), Path.Combine(foreign, "ca.crt.pem"), overwrite: true);
            var intruder = CliRunner.Run("estop", "status", "--supervisor", url, "--pki", foreign, "--name", "intruder");
            Assert.Equal(1, intruder.ExitCode);
            Assert.Matches("^error: (Unavailable|Internal): ", intruder.Stderr);

            exit = await supervisor.StopAsync();
        }
        Assert.Equal(0, exit);
        using AuditLogFile file = AuditLogFile.Open(db);
        AuditEntry denial = Assert.Single(file.Query(new AuditQuery(Type: "rpc.denied")));
        Assert.Equal("operator:operator-1", denial.Record.Principal);
        Assert.Contains("\"method\":\"/robot.safety.v1.EmergencyStop/Reset\"", denial.Record.Details, StringComparison.Ordinal);
        Assert.Contains(file.Query(new AuditQuery(Type: "estop.reset")), e => e.Record.Principal == "safety-engineer:safety-engineer-1" && e.Record.Result == "ok");
    }

    [Fact]
    public async Task SupervisorProcess_WithoutPki_WarnsLoudlyOnStderr_AndServesLoopback()
    {
        await using SupervisorProcess supervisor = await SupervisorProcess.StartAsync("--config", SiteFile, "--urls", "http://127.0.0.1:0", "--audit-db", File("audit.db"));
        Assert.Equal("http", supervisor.Address.Scheme);
        Assert.True(System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(supervisor.Address.Host)));
        // The banner follows the listening line; give the child a moment to flush it.
        for (int i = 0; i < 100 && !supervisor.Stderr.Contains("any role", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }
        Assert.Contains($"WARNING: INSECURE MODE on {supervisor.Address.ToString().TrimEnd('/')}", supervisor.Stderr, StringComparison.Ordinal);
        Assert.Contains("any process on this machine can claim", supervisor.Stderr, StringComparison.Ordinal);
        var status = CliRunner.Run("estop", "status", "--supervisor", supervisor.Address.ToString());
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Equal(0, await supervisor.StopAsync());
    }
}
