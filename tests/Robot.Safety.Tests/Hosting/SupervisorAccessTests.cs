using Robot.Safety.Access;
using Robot.Safety.Hosting;
using Robot.Safety.Supervisor;
using Robot.Safety.Tests.Audit;
using Robot.Safety.Tests.TestSupport;

namespace Robot.Safety.Tests.Hosting;

/// <summary>
/// <see cref="SupervisorAccess.CreateHostBuilder"/>: the mode follows the PKI folder, and every
/// bad setting is refused, naming the setting and the file (and line), before anything listens.
/// </summary>
public sealed class SupervisorAccessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A site PKI with the supervisor's server certificate, as robot pki init|issue make it.</summary>
    private string MakePki(string name = "pki")
    {
        string path = _dir.File(name);
        SitePki pki = SitePki.Init(path, "test-site", TimeSpan.FromDays(30), DateTimeOffset.UtcNow);
        pki.Issue(CertificateKind.Server, SupervisorAccessConstants.DefaultServerCertificateName, null, TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
        return path;
    }

    private static SupervisorAccessException Refused(SupervisorAccessOptions access) =>
        Assert.Throws<SupervisorAccessException>(() => SupervisorAccess.CreateHostBuilder(TestSites.BasicModel(), access));

    [Fact]
    public void Defaults_ArePinned()
    {
        Assert.Equal("https://127.0.0.1:50051", SupervisorAccessConstants.DefaultSecureUrl);
        Assert.Equal("supervisor", SupervisorAccessConstants.DefaultServerCertificateName);
        var access = new SupervisorAccessOptions();
        Assert.Null(access.PkiDirectory);
        Assert.Null(access.PolicyPath);
        Assert.Empty(access.Urls);
        Assert.False(access.MutualTls);
    }

    [Fact]
    public void WithoutPki_InsecureOnLoopback()
    {
        SupervisorHostBuilder builder = SupervisorAccess.CreateHostBuilder(TestSites.BasicModel(), new SupervisorAccessOptions());
        Assert.True(builder.Options.Insecure);
        Assert.Equal([SupervisorConstants.DefaultUrl], builder.Options.Urls);
    }

    [Fact]
    public void WithPki_MutualTlsOnTheSecureDefaultAddress()
    {
        SupervisorHostBuilder builder = SupervisorAccess.CreateHostBuilder(TestSites.BasicModel(), new SupervisorAccessOptions { PkiDirectory = MakePki() });
        Assert.False(builder.Options.Insecure);
        Assert.Equal([SupervisorAccessConstants.DefaultSecureUrl], builder.Options.Urls);
    }

    [Theory]
    [InlineData("http://0.0.0.0:50051")]
    [InlineData("http://192.168.1.10:50051")]
    [InlineData("http://supervisor.site.local:50051")]
    [InlineData("http://[::]:50051")]
    public void Insecure_NonLoopbackAddress_IsRefused(string url)
    {
        var access = new SupervisorAccessOptions();
        access.Urls.Add("http://127.0.0.1:0");
        access.Urls.Add(url);
        SupervisorAccessException e = Refused(access);
        Assert.Equal(SupervisorAccessSetting.Urls, e.Setting);
        Assert.StartsWith($"'{url}' is not a loopback address; without mutual TLS the supervisor runs insecure", e.Message, StringComparison.Ordinal);
        Assert.Contains("--pki DIR", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:0")]
    [InlineData("http://[::1]:0")]
    [InlineData("http://127.0.0.1:0")]
    public void Insecure_LoopbackAddress_IsAllowed(string url)
    {
        var access = new SupervisorAccessOptions();
        access.Urls.Add(url);
        Assert.True(SupervisorAccess.CreateHostBuilder(TestSites.BasicModel(), access).Options.Insecure);
    }

    [Fact]
    public void Insecure_HttpsAddressOrPolicy_IsRefused()
    {
        var https = new SupervisorAccessOptions();
        https.Urls.Add("https://127.0.0.1:0");
        Assert.Equal("'https://127.0.0.1:0' is not an http:// address; https:// needs the PKI folder (--pki DIR) for mutual TLS", Refused(https).Message);
        SupervisorAccessException policy = Refused(new SupervisorAccessOptions { PolicyPath = "p.yaml" });
        Assert.Equal(SupervisorAccessSetting.Policy, policy.Setting);
        Assert.Contains("enforced only with mutual TLS", policy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MutualTls_PlainHttpAddress_IsRefused()
    {
        var access = new SupervisorAccessOptions { PkiDirectory = MakePki() };
        access.Urls.Add("http://127.0.0.1:0");
        SupervisorAccessException e = Refused(access);
        Assert.Equal((SupervisorAccessSetting.Urls, "'http://127.0.0.1:0' is not an https:// address; with mutual TLS every address is served over TLS"), (e.Setting, e.Message));
    }

    [Fact]
    public void MissingPkiDirectory_IsRefused_NamingIt()
    {
        string missing = _dir.File("no-such-pki");
        SupervisorAccessException e = Refused(new SupervisorAccessOptions { PkiDirectory = missing });
        Assert.Equal(SupervisorAccessSetting.Pki, e.Setting);
        Assert.Equal($"'{missing}' does not exist; make the site PKI with `robot pki init --dir {missing}`", e.Message);
    }

    [Fact]
    public void PkiWithoutCa_IsRefused()
    {
        string empty = _dir.File("empty");
        Directory.CreateDirectory(empty);
        SupervisorAccessException e = Refused(new SupervisorAccessOptions { PkiDirectory = empty });
        Assert.Equal(SupervisorAccessSetting.Pki, e.Setting);
        Assert.StartsWith($"no site CA in '{empty}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbledCaCertificate_IsRefused_NamingTheFile()
    {
        string pki = MakePki();
        File.WriteAllText(Path.Combine(pki, SitePki.CaCertificateFile), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        SupervisorAccessException e = Refused(new SupervisorAccessOptions { PkiDirectory = pki });
        Assert.Equal(SupervisorAccessSetting.Pki, e.Setting);
        Assert.StartsWith($"{Path.Combine(pki, SitePki.CaCertificateFile)} is not a PEM certificate: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbledServerKey_IsRefused_NamingTheFiles()
    {
        string pki = MakePki();
        File.WriteAllText(Path.Combine(pki, "supervisor.key.pem"), "garbage\n");
        SupervisorAccessException e = Refused(new SupervisorAccessOptions { PkiDirectory = pki });
        Assert.Equal(SupervisorAccessSetting.Pki, e.Setting);
        Assert.StartsWith($"cannot load the server certificate {Path.Combine(pki, "supervisor.crt.pem")} with key {Path.Combine(pki, "supervisor.key.pem")}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingServerCertificate_IsRefused_SayingHowToIssueIt()
    {
        string pki = MakePki();
        SupervisorAccessException e = Refused(new SupervisorAccessOptions { PkiDirectory = pki, ServerCertificateName = "hall-2" });
        Assert.Equal(SupervisorAccessSetting.Pki, e.Setting);
        Assert.Equal($"no server certificate 'hall-2' in '{pki}' (expected hall-2.crt.pem and hall-2.key.pem); issue one with `robot pki issue --dir {pki} --server --name hall-2`", e.Message);
    }

    [Fact]
    public void ServerCertificateOfAnotherCa_IsRefused()
    {
        string pki = MakePki();
        string other = MakePki("other");
        foreach (string file in (string[])["supervisor.crt.pem", "supervisor.key.pem"])
        {
            File.Copy(Path.Combine(other, file), Path.Combine(pki, file), overwrite: true);
        }
        SupervisorAccessException e = Refused(new SupervisorAccessOptions { PkiDirectory = pki });
        Assert.Equal(SupervisorAccessSetting.Pki, e.Setting);
        Assert.StartsWith($"server certificate {Path.Combine(pki, "supervisor.crt.pem")} is not a valid server certificate of the site CA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientCertificateAsServerCertificate_IsRefused()
    {
        string pki = MakePki();
        SitePki.Open(pki).Issue(CertificateKind.Client, "op-1", RobotRoles.Operator, TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
        SupervisorAccessException e = Refused(new SupervisorAccessOptions { PkiDirectory = pki, ServerCertificateName = "op-1" });
        Assert.Contains("is not a valid server certificate of the site CA", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Lines of a policy file with one problem each, and the error every line yields (file and line in front).</summary>
    [Theory]
    [InlineData("  operator:\n    - /robot.safety.v1.EmergencyStop/Trigger\n  forklift-driver:\n    - /robot.safety.v1.Zones/List",
        ":5:3: roles.forklift-driver: unknown role; expected one of robot, operator, teleoperator, safety-engineer, auditor")]
    [InlineData("  safety-engineer:\n    - /robot.safety.v1.EmergencyStop/Reset\n    - /robot.safety.v1.EmergencyStop/Rest\n    - /robot.safety.v2.Zones/*",
        ":5: '/robot.safety.v1.EmergencyStop/Rest' matches no known method", ":6: '/robot.safety.v2.Zones/*' matches no known method")]
    public void PolicyWithUnknownRoleOrMethod_IsRefused_NamingFileAndLine(string roles, params string[] errors)
    {
        string policy = _dir.File("policy.yaml");
        File.WriteAllText(policy, "version: 1\nroles:\n" + roles + "\n");
        SupervisorAccessException e = Refused(new SupervisorAccessOptions { PkiDirectory = MakePki(), PolicyPath = policy });
        Assert.Equal(SupervisorAccessSetting.Policy, e.Setting);
        Assert.Equal($"access policy {policy} is invalid:" + string.Concat(errors.Select(error => $"{Environment.NewLine}  {policy}{error}")), e.Message);
    }

    [Fact]
    public void MissingPolicyFile_IsRefused()
    {
        string policy = _dir.File("nope.yaml");
        SupervisorAccessException e = Refused(new SupervisorAccessOptions { PkiDirectory = MakePki(), PolicyPath = policy });
        Assert.Equal(SupervisorAccessSetting.Policy, e.Setting);
        Assert.StartsWith($"cannot read the access policy '{policy}': ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltInPolicy_LoadsAndNamesOnlyServedMethods()
    {
        AccessPolicy policy = AccessPolicy.LoadBuiltIn();
        Assert.Equal(AccessPolicy.BuiltInSource, policy.Source);
        Assert.Empty(policy.RulesMatchingNothing(SupervisorMethods.All));
    }
}
