using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Robot.Safety.Access;
using Robot.Safety.Audit;
using Robot.Safety.Tests.Access.Probe;
using Robot.Safety.Tests.Audit;

namespace Robot.Safety.Tests.Access;

/// <summary>A site CA, one client certificate per role, a server certificate, a foreign CA, and the probe server over mTLS.</summary>
public sealed class MtlsFixture : IAsyncLifetime
{
    public const string Service = "/robot.tests.access.v1.AccessProbe/";

    public const string PolicyYaml = """
        version: 1
        description: probe policy for the access-control tests
        allRoles:
          - /robot.tests.access.v1.AccessProbe/GetStatus
        roles:
          robot:
            - /robot.tests.access.v1.AccessProbe/WatchVerdicts
          operator:
            - /robot.tests.access.v1.AccessProbe/DispatchTask
            - /robot.tests.access.v1.AccessProbe/WatchVerdicts
          teleoperator:
            - /robot.tests.access.v1.AccessProbe/Teleoperate
            - /robot.tests.access.v1.AccessProbe/UploadDemonstration
          safety-engineer:
            - /robot.tests.access.v1.AccessProbe/ResetEmergencyStop
            - /robot.tests.access.v1.AccessProbe/WatchVerdicts
            - /robot.tests.access.v1.AuditProbe/*
          auditor:
            - /robot.tests.access.v1.AuditProbe/Read
            - /robot.tests.access.v1.AccessProbe/ExportAudit
        """;

    /// <summary>The policy above, written out by hand: method → roles allowed.</summary>
    public static readonly Dictionary<string, string[]> Expected = new()
    {
        ["GetStatus"] = [.. RobotRoles.All],
        ["DispatchTask"] = ["operator"],
        ["ResetEmergencyStop"] = ["safety-engineer"],
        ["ExportAudit"] = ["auditor"],
        ["WatchVerdicts"] = ["robot", "operator", "safety-engineer"],
        ["UploadDemonstration"] = ["teleoperator"],
        ["Teleoperate"] = ["teleoperator"],
        ["AuditProbe.Read"] = ["safety-engineer", "auditor"],
    };

    private readonly TempDir _dir = new();

    public RecordingAuditLog Audit { get; } = new();

    public X509Certificate2 SiteCa { get; private set; } = null!;

    public Dictionary<string, X509Certificate2> ClientByRole { get; } = [];

    public X509Certificate2 ForeignClient { get; private set; } = null!;

    public X509Certificate2 ServerCertificate { get; private set; } = null!;

    public AccessPolicy Policy { get; } = AccessPolicy.Parse(PolicyYaml, "probe-policy.yaml");

    internal AccessProbeServer Server { get; private set; } = null!;

    public string Directory => _dir.Path;

    public async Task InitializeAsync()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        SitePki pki = SitePki.Init(_dir.File("site"), "test-site", TimeSpan.FromDays(30), now);
        SiteCa = pki.LoadCaCertificate();
        foreach (string role in RobotRoles.All)
        {
            IssuedCertificate issued = pki.Issue(CertificateKind.Client, $"{role}-1", role, TimeSpan.FromDays(1), now);
            ClientByRole[role] = SitePki.LoadWithKey(issued.CertificatePath, issued.KeyPath);
        }
        IssuedCertificate server = pki.Issue(CertificateKind.Server, "supervisor", null, TimeSpan.FromDays(1), now);
        ServerCertificate = SitePki.LoadWithKey(server.CertificatePath, server.KeyPath);

        SitePki foreign = SitePki.Init(_dir.File("foreign"), "other-site", TimeSpan.FromDays(30), now);
        IssuedCertificate intruder = foreign.Issue(CertificateKind.Client, "intruder", RobotRoles.SafetyEngineer, TimeSpan.FromDays(1), now);
        ForeignClient = SitePki.LoadWithKey(intruder.CertificatePath, intruder.KeyPath);

        Server = await AccessProbeServer.StartAsync(Policy, Audit, ServerCertificate, SiteCa);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}

public class MutualTlsAccessTests(MtlsFixture fixture) : IClassFixture<MtlsFixture>
{
    private static CallOptions Options => new(deadline: DateTime.UtcNow.AddSeconds(10));

    /// <summary>Calls <paramref name="method"/> the way its kind requires; returns the reply text or the status code.</summary>
    private static async Task<(StatusCode Code, string Text)> CallAsync(GrpcChannel channel, string method)
    {
        var client = new AccessProbe.AccessProbeClient(channel);
        var request = new ProbeRequest { Text = "hi" };
        try
        {
            switch (method)
            {
                case "GetStatus":
                    return (StatusCode.OK, (await client.GetStatusAsync(request, Options)).Text);
                case "DispatchTask":
                    return (StatusCode.OK, (await client.DispatchTaskAsync(request, Options)).Text);
                case "ResetEmergencyStop":
                    return (StatusCode.OK, (await client.ResetEmergencyStopAsync(request, Options)).Text);
                case "ExportAudit":
                    return (StatusCode.OK, (await client.ExportAuditAsync(request, Options)).Text);
                case "AuditProbe.Read":
                    return (StatusCode.OK, (await new AuditProbe.AuditProbeClient(channel).ReadAsync(request, Options)).Text);
                case "WatchVerdicts":
                {
                    using var call = client.WatchVerdicts(request, Options);
                    var texts = new List<string>();
                    await foreach (ProbeReply reply in call.ResponseStream.ReadAllAsync())
                    {
                        texts.Add(reply.Text);
                    }
                    Assert.Equal(2, texts.Count);
                    return (StatusCode.OK, texts[0]);
                }
                case "UploadDemonstration":
                {
                    using var call = client.UploadDemonstration(Options);
                    await WriteIgnoringEndAsync(call.RequestStream, request);
                    return (StatusCode.OK, (await call.ResponseAsync).Text);
                }
                case "Teleoperate":
                {
                    using var call = client.Teleoperate(Options);
                    await WriteIgnoringEndAsync(call.RequestStream, request);
                    string? text = null;
                    await foreach (ProbeReply reply in call.ResponseStream.ReadAllAsync())
                    {
                        text ??= reply.Text;
                    }
                    return (StatusCode.OK, text ?? "");
                }
                default:
                    throw new ArgumentException(method);
            }
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.Status.Detail);
        }
    }

    /// <summary>A denied streaming call may end before the client finishes writing: that is fine, the status tells.</summary>
    private static async Task WriteIgnoringEndAsync(IClientStreamWriter<ProbeRequest> stream, ProbeRequest request)
    {
        try
        {
            await stream.WriteAsync(request);
            await stream.CompleteAsync();
        }
        catch (RpcException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>
    /// The server refuses the TLS handshake. With TLS 1.3 the client may already consider the
    /// handshake done when the server's alert arrives, so grpc-dotnet reports Unavailable or Internal.
    /// </summary>
    private static void AssertTransportRejected(StatusCode code) =>
        Assert.Contains(code, (StatusCode[])[StatusCode.Unavailable, StatusCode.Internal]);

    [Fact]
    public async Task EveryMethod_EveryRole_AllowedOrDeniedExactlyAsThePolicySays()
    {
        int deniedBefore = fixture.Audit.Records.Count(r => r.Type == "rpc.denied");
        var mismatches = new List<string>();
        int denied = 0;
        foreach (string role in RobotRoles.All)
        {
            using GrpcChannel channel = SiteMtls.CreateChannel(fixture.Server.Address, fixture.ClientByRole[role], fixture.SiteCa);
            foreach (var (method, allowedRoles) in MtlsFixture.Expected)
            {
                bool expected = allowedRoles.Contains(role);
                string fullName = method == "AuditProbe.Read" ? "/robot.tests.access.v1.AuditProbe/Read" : MtlsFixture.Service + method;
                Assert.Equal(expected, fixture.Policy.Decide(role, fullName, DateTimeOffset.UtcNow).Allowed);
                var (code, text) = await CallAsync(channel, method);
                if (expected && (code != StatusCode.OK || (method != "AuditProbe.Read" && text != $"{role}:{role}-1")))
                {
                    mismatches.Add($"{role} {method}: expected OK as {role}:{role}-1, got {code} '{text}'");
                }
                if (!expected)
                {
                    denied++;
                    if (code != StatusCode.PermissionDenied)
                    {
                        mismatches.Add($"{role} {method}: expected PermissionDenied, got {code} '{text}'");
                    }
                }
            }
        }
        Assert.Empty(mismatches);
        var denials = fixture.Audit.Records.Where(r => r.Type == "rpc.denied").Skip(deniedBefore).ToList();
        Assert.Equal(denied, denials.Count);
        AuditRecord sample = Assert.Single(denials, r => r.Principal == "robot:robot-1" && r.Details!.Contains("ResetEmergencyStop", StringComparison.Ordinal));
        Assert.Equal((AuditCategory.Access, "denied"), (sample.Category, sample.Result));
        using JsonDocument details = JsonDocument.Parse(sample.Details!);
        Assert.Equal("/robot.tests.access.v1.AccessProbe/ResetEmergencyStop", details.RootElement.GetProperty("method").GetString());
    }

    [Fact]
    public async Task ClientCertificateFromAnotherCa_IsRejectedAtTheHandshake()
    {
        using GrpcChannel channel = SiteMtls.CreateChannel(fixture.Server.Address, fixture.ForeignClient, fixture.SiteCa);
        var (code, _) = await CallAsync(channel, "GetStatus");
        AssertTransportRejected(code);
        for (int i = 0; i < 100 && !fixture.Audit.Records.Any(r => r.Type == "tls.rejected"); i++)
        {
            await Task.Delay(20);
        }
        Assert.Contains(fixture.Audit.Records, r => r.Type == "tls.rejected" && r.Details!.Contains("intruder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoClientCertificate_IsRejected()
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new() { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null },
        };
        using GrpcChannel channel = GrpcChannel.ForAddress(fixture.Server.Address, new GrpcChannelOptions { HttpHandler = handler });
        var (code, _) = await CallAsync(channel, "GetStatus");
        AssertTransportRejected(code);
    }

    [Fact]
    public async Task ServerFromAnotherCa_IsRejectedByTheClient()
    {
        using var dir = new TempDir();
        SitePki foreign = SitePki.Init(dir.File("pki"), "elsewhere", TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
        using X509Certificate2 foreignCa = foreign.LoadCaCertificate();
        using GrpcChannel channel = SiteMtls.CreateChannel(fixture.Server.Address, fixture.ClientByRole[RobotRoles.Operator], foreignCa);
        var (code, text) = await CallAsync(channel, "GetStatus");
        // The client's own validation fails the handshake (grpc-dotnet reports it as Internal or Unavailable).
        Assert.Contains(code, (StatusCode[])[StatusCode.Unavailable, StatusCode.Internal]);
        Assert.Contains("SSL", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task InsecureLoopback_RoleFromHeader_PolicyStillApplies()
    {
        var audit = new RecordingAuditLog();
        await using AccessProbeServer server = await AccessProbeServer.StartAsync(fixture.Policy, audit, null, null);
        using GrpcChannel channel = GrpcChannel.ForAddress(server.Address);
        var client = new AccessProbe.AccessProbeClient(channel);
        var asOperator = new Metadata { { "x-robot-role", "operator" }, { "x-robot-name", "dev" } };
        ProbeReply reply = await client.DispatchTaskAsync(new ProbeRequest(), asOperator, DateTime.UtcNow.AddSeconds(10));
        Assert.Equal("operator:dev", reply.Text);
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await client.ResetEmergencyStopAsync(new ProbeRequest(), asOperator, DateTime.UtcNow.AddSeconds(10)));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var anonymous = await Assert.ThrowsAsync<RpcException>(async () => await client.GetStatusAsync(new ProbeRequest(), deadline: DateTime.UtcNow.AddSeconds(10)));
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(["operator:dev (insecure)", "anonymous"], audit.Records.Select(r => r.Principal));
    }

    [Fact]
    public void InsecureLoopback_NonLoopbackAddress_IsRefused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SiteMtls.EnsureLoopback(System.Net.IPAddress.Parse("192.168.1.10")));
        Assert.Contains("loopback", e.Message, StringComparison.Ordinal);
        SiteMtls.EnsureLoopback(System.Net.IPAddress.IPv6Loopback);
    }

    [Fact]
    public async Task ExpiredPolicy_DeniesEverything()
    {
        AccessPolicy expired = AccessPolicy.Parse(MtlsFixture.PolicyYaml + "\nnotAfter: 2020-01-01T00:00:00Z\n", "expired.yaml");
        var audit = new RecordingAuditLog();
        await using AccessProbeServer server = await AccessProbeServer.StartAsync(expired, audit, fixture.ServerCertificate, fixture.SiteCa);
        using GrpcChannel channel = SiteMtls.CreateChannel(server.Address, fixture.ClientByRole[RobotRoles.SafetyEngineer], fixture.SiteCa);
        var (code, text) = await CallAsync(channel, "GetStatus");
        Assert.Equal(StatusCode.PermissionDenied, code);
        Assert.Contains("expired", text, StringComparison.Ordinal);
        Assert.Single(audit.Records);
    }
}
