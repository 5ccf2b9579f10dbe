using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Robot.Safety.Access;
using Robot.Safety.Audit;
using Robot.Safety.Hosting;
using Robot.Safety.Tests.Audit;
using Robot.Safety.Tests.TestSupport;

namespace Robot.Safety.Tests.Hosting;

/// <summary>
/// The real supervisor as <c>robot supervisor --pki DIR</c> builds it (<see cref="SupervisorAccess"/>,
/// the built-in policy), over mutual TLS on loopback, auditing to SQLite; a site PKI in a temp
/// folder with one client certificate per role (<c>ROLE-1</c>, but the robot's is <c>h1</c>, a
/// robot of the site), robot certificates for <c>h2</c> and the sensor <c>scanner-1</c>, and a
/// foreign CA's client.
/// </summary>
public sealed class SupervisorMtlsFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public string PkiDirectory => _dir.File("pki");

    public X509Certificate2 SiteCa { get; private set; } = null!;

    public Dictionary<string, X509Certificate2> ClientByRole { get; } = [];

    /// <summary>Robot-role certificates by name, beside <see cref="ClientByRole"/>'s: h2 and scanner-1.</summary>
    public Dictionary<string, X509Certificate2> RobotByName { get; } = [];

    /// <summary>The name in <paramref name="role"/>'s certificate.</summary>
    public static string NameFor(string role) => role == RobotRoles.Robot ? "h1" : $"{role}-1";

    /// <summary>A safety-engineer certificate of another site's CA.</summary>
    public X509Certificate2 ForeignClient { get; private set; } = null!;

    public SqliteAuditLog Audit { get; private set; } = null!;

    public SupervisorHost Host { get; private set; } = null!;

    public Uri Address => Host.Addresses[0];

    public async Task InitializeAsync()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        SitePki pki = SitePki.Init(PkiDirectory, "test-site", TimeSpan.FromDays(30), now);
        SiteCa = pki.LoadCaCertificate();
        pki.Issue(CertificateKind.Server, SupervisorAccessConstants.DefaultServerCertificateName, null, TimeSpan.FromDays(1), now);
        foreach (string role in RobotRoles.All)
        {
            IssuedCertificate issued = pki.Issue(CertificateKind.Client, NameFor(role), role, TimeSpan.FromDays(1), now);
            ClientByRole[role] = SitePki.LoadWithKey(issued.CertificatePath, issued.KeyPath);
        }
        foreach (string name in new[] { "h2", "scanner-1" })
        {
            IssuedCertificate issued = pki.Issue(CertificateKind.Client, name, RobotRoles.Robot, TimeSpan.FromDays(1), now);
            RobotByName[name] = SitePki.LoadWithKey(issued.CertificatePath, issued.KeyPath);
        }
        SitePki foreign = SitePki.Init(_dir.File("foreign"), "other-site", TimeSpan.FromDays(30), now);
        IssuedCertificate intruder = foreign.Issue(CertificateKind.Client, "intruder", RobotRoles.SafetyEngineer, TimeSpan.FromDays(1), now);
        ForeignClient = SitePki.LoadWithKey(intruder.CertificatePath, intruder.KeyPath);

        var access = new SupervisorAccessOptions { PkiDirectory = PkiDirectory };
        access.Urls.Add("https://127.0.0.1:0");
        SupervisorHostBuilder builder = SupervisorAccess.CreateHostBuilder(TestSites.BasicModel(), access);
        Audit = SqliteAuditLog.Open(_dir.File("audit.db"));
        builder.AuditLog = Audit;
        Host = await builder.StartAsync();
    }

    /// <summary>A channel that presents <paramref name="role"/>'s certificate and trusts only the site CA.</summary>
    public GrpcChannel ChannelFor(string role) => SiteMtls.CreateChannel(Address, ClientByRole[role], SiteCa);

    /// <summary>A channel that presents the robot certificate named <paramref name="name"/> (see <see cref="RobotByName"/>).</summary>
    public GrpcChannel RobotChannel(string name) => SiteMtls.CreateChannel(Address, RobotByName[name], SiteCa);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Audit.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
