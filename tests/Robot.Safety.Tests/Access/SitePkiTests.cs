using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Robot.Safety.Access;
using Robot.Safety.Tests.Audit;

namespace Robot.Safety.Tests.Access;

public class SitePkiTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    [Fact]
    public void Issue_ClientCertificate_CarriesRoleAndChainsToTheSiteCa()
    {
        using var dir = new TempDir();
        SitePki pki = SitePki.Init(dir.Path, "plant-7", TimeSpan.FromDays(365), s_now);
        IssuedCertificate issued = pki.Issue(CertificateKind.Client, "alice", RobotRoles.SafetyEngineer, TimeSpan.FromDays(30), s_now);
        using X509Certificate2 certificate = SitePki.LoadCertificate(issued.CertificatePath);
        using X509Certificate2 ca = pki.LoadCaCertificate();
        Assert.True(ClientCertificatePrincipal.TryGet(certificate, out RobotPrincipal? principal, out string? error), error);
        Assert.Equal("safety-engineer:alice", principal!.ToString());
        Assert.True(SiteMtls.ValidateChain(certificate, ca, "1.3.6.1.5.5.7.3.2", s_now, out string reason), reason);
        Assert.False(SiteMtls.ValidateChain(certificate, ca, "1.3.6.1.5.5.7.3.1", s_now, out _)); // not a server certificate
        Assert.False(SiteMtls.ValidateChain(certificate, ca, "1.3.6.1.5.5.7.3.2", s_now.AddDays(31), out _)); // expired
        Assert.Equal(256, certificate.GetECDsaPublicKey()!.KeySize);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(issued.KeyPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pki.CaKeyPath));
        }
    }

    [Fact]
    public void Init_Twice_Refuses()
    {
        using var dir = new TempDir();
        SitePki.Init(dir.Path, "plant-7", TimeSpan.FromDays(1), s_now);
        Assert.Throws<InvalidOperationException>(() => SitePki.Init(dir.Path, "plant-7", TimeSpan.FromDays(1), s_now));
    }

    [Fact]
    public void Issue_UnknownRoleOrBadName_ReportsBoth()
    {
        using var dir = new TempDir();
        SitePki pki = SitePki.Init(dir.Path, "plant-7", TimeSpan.FromDays(1), s_now);
        var e = Assert.Throws<ArgumentException>(() => pki.Issue(CertificateKind.Client, "bad name", "admin", TimeSpan.FromDays(1), s_now));
        Assert.Equal("name 'bad name' must be 1-64 of A-Z a-z 0-9 . _ - (starting alphanumeric); role 'admin' is not one of robot, operator, teleoperator, safety-engineer, auditor", e.Message);
    }

    [Fact]
    public void Principal_RoleInOuDisagreeingWithUri_IsRejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mallory, OU=auditor", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("robot-role:safety-engineer"));
        request.CertificateExtensions.Add(san.Build());
        using X509Certificate2 certificate = request.CreateSelfSigned(s_now.AddDays(-1), s_now.AddDays(1));
        Assert.False(ClientCertificatePrincipal.TryGet(certificate, out _, out string? error));
        Assert.Equal("certificate 'mallory' names role 'safety-engineer' in its SAN URI but 'auditor' in its OU", error);
    }

    [Fact]
    public void Principal_NoRole_IsRejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 certificate = new CertificateRequest("CN=nobody", key, HashAlgorithmName.SHA256).CreateSelfSigned(s_now.AddDays(-1), s_now.AddDays(1));
        Assert.False(ClientCertificatePrincipal.TryGet(certificate, out _, out string? error));
        Assert.Contains("carries no role", error, StringComparison.Ordinal);
    }
}
