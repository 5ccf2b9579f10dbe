using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Robot.Safety.Access;
using Robot.Safety.Audit;
using Robot.Safety.Contracts;
using Robot.Safety.Hosting;
using Robot.Safety.Tests.Access;
using Robot.Safety.Tests.TestSupport;
using ReflectionV1 = Grpc.Reflection.V1;
using ReflectionV1Alpha = Grpc.Reflection.V1Alpha;

namespace Robot.Safety.Tests.Hosting;

/// <summary>
/// Access control on the real supervisor host (<see cref="SupervisorMtlsFixture"/>): every RPC it
/// serves, called with every role over mutual TLS, is allowed or denied exactly as the shipped
/// policy file says, and every denial is in the SQLite audit log with principal and method.
/// </summary>
public sealed class SupervisorAccessControlTests(SupervisorMtlsFixture fixture) : IClassFixture<SupervisorMtlsFixture>
{
    private static DateTime Deadline => DateTime.UtcNow.AddSeconds(10);

    private static int s_siteVersion = 1;

    /// <summary>How to call each served method so that, when allowed, it succeeds (status OK).</summary>
    private Dictionary<string, Func<GrpcChannel, Task>> Calls() => new()
    {
        ["/robot.safety.v1.SafetySupervisor/Session"] = async channel =>
        {
            using var call = new Contracts.SafetySupervisor.SafetySupervisorClient(channel).Session(deadline: Deadline);
            await WriteIgnoringEndAsync(call.RequestStream, new RobotMessage { Hello = Hello("h1") });
            Assert.True(await call.ResponseStream.MoveNext(), "the session ended without a verdict");
        },
        ["/robot.safety.v1.SafetySupervisor/ReportPersons"] = async channel =>
            await new Contracts.SafetySupervisor.SafetySupervisorClient(channel).ReportPersonsAsync(
                new PersonReport { SensorId = SupervisorMtlsFixture.NameFor(RobotRoles.Robot), Persons = { new Person { PersonId = "p1", Position = new Vec2 { X = 5, Y = 35 } } } }, deadline: Deadline),
        ["/robot.safety.v1.SafetySupervisor/GetStatus"] = async channel =>
            await new Contracts.SafetySupervisor.SafetySupervisorClient(channel).GetStatusAsync(new StatusRequest(), deadline: Deadline),
        ["/robot.safety.v1.EmergencyStop/Trigger"] = async channel =>
            await new EmergencyStop.EmergencyStopClient(channel).TriggerAsync(new TriggerRequest { RobotIds = { "h2" }, Reason = "access test", Level = StopLevel.SettleThenCut }, deadline: Deadline),
        ["/robot.safety.v1.EmergencyStop/Reset"] = async channel =>
            await new EmergencyStop.EmergencyStopClient(channel).ResetAsync(new ResetRequest(), deadline: Deadline),
        ["/robot.safety.v1.EmergencyStop/Resume"] = async channel =>
            await new EmergencyStop.EmergencyStopClient(channel).ResumeAsync(new ResumeRequest(), deadline: Deadline),
        ["/robot.safety.v1.EmergencyStop/GetLatches"] = async channel =>
            await new EmergencyStop.EmergencyStopClient(channel).GetLatchesAsync(new LatchesRequest(), deadline: Deadline),
        ["/robot.safety.v1.EmergencyStop/RegisterEndpoint"] = async channel =>
            await new EmergencyStop.EmergencyStopClient(channel).RegisterEndpointAsync(Endpoint(), deadline: Deadline),
        ["/robot.safety.v1.EmergencyStop/CheckIn"] = async channel =>
        {
            // The endpoint is registered by a caller the policy lets register, so only the check-in's own access is tested.
            using GrpcChannel engineer = fixture.ChannelFor(RobotRoles.SafetyEngineer);
            RegisterEndpointReply endpoint = await new EmergencyStop.EmergencyStopClient(engineer).RegisterEndpointAsync(Endpoint(), deadline: Deadline);
            CheckInReply reply = await new EmergencyStop.EmergencyStopClient(channel).CheckInAsync(
                new CheckInRequest { EndpointId = endpoint.EndpointId, Challenge = endpoint.Challenge, Response = ~endpoint.Challenge, Level = StopLevel.None }, deadline: Deadline);
            Assert.True(reply.Accepted, reply.Detail);
        },
        ["/robot.safety.v1.Zones/List"] = async channel =>
            await new Zones.ZonesClient(channel).ListAsync(new ListZonesRequest(), deadline: Deadline),
        ["/robot.safety.v1.Zones/Validate"] = async channel =>
            Assert.True((await new Zones.ZonesClient(channel).ValidateAsync(new SiteDocument { Yaml = TestSites.Basic, Name = "basic" }, deadline: Deadline)).Valid),
        ["/robot.safety.v1.Zones/Apply"] = async channel =>
        {
            int version = Interlocked.Increment(ref s_siteVersion);
            ApplyZonesReply reply = await new Zones.ZonesClient(channel).ApplyAsync(
                new ApplyZonesRequest { Document = new SiteDocument { Yaml = TestSites.BasicVersion(version), Name = "basic" } }, deadline: Deadline);
            Assert.True(reply.Applied, string.Join("; ", reply.Errors));
        },
        ["/robot.safety.v1.Zones/Check"] = async channel =>
            await new Zones.ZonesClient(channel).CheckAsync(new CheckPointRequest { Point = new Vec2 { X = 22, Y = 10 } }, deadline: Deadline),
        ["/grpc.health.v1.Health/Check"] = async channel =>
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: Deadline)).Status),
        ["/grpc.health.v1.Health/Watch"] = async channel =>
        {
            using var call = new Health.HealthClient(channel).Watch(new HealthCheckRequest(), deadline: Deadline);
            Assert.True(await call.ResponseStream.MoveNext());
        },
        ["/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"] = async channel =>
        {
            using var call = new ReflectionV1Alpha.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: Deadline);
            await WriteIgnoringEndAsync(call.RequestStream, new ReflectionV1Alpha.ServerReflectionRequest { ListServices = "" });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "robot.safety.v1.EmergencyStop");
        },
        ["/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"] = async channel =>
        {
            using var call = new ReflectionV1.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: Deadline);
            await WriteIgnoringEndAsync(call.RequestStream, new ReflectionV1.ServerReflectionRequest { ListServices = "" });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "robot.safety.v1.Zones");
        },
    };

    private static Hello Hello(string robotId) => new()
    {
        RobotId = robotId,
        Footprint = { new Vec2 { X = 0.3, Y = 0.25 }, new Vec2 { X = -0.3, Y = 0.25 }, new Vec2 { X = -0.3, Y = -0.25 }, new Vec2 { X = 0.3, Y = -0.25 } },
        Reach = 0.2,
        ReactionTime = 0.05,
        MaxDeceleration = 1.0,
        MaxSpeed = 1.5,
    };

    private static RegisterEndpointRequest Endpoint() => new() { Name = "pendant", Role = "operator", Timeout = 600, RobotIds = { "h2" } };

    /// <summary>A denied streaming call may end before the client has written: the status tells, not the write.</summary>
    private static async Task WriteIgnoringEndAsync<T>(IClientStreamWriter<T> stream, T message)
    {
        try
        {
            await stream.WriteAsync(message);
        }
        catch (RpcException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task<StatusCode> StatusOf(Func<GrpcChannel, Task> call, GrpcChannel channel)
    {
        try
        {
            await call(channel);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private static string ShippedPolicyPath => Path.Combine(AccessPolicyTests.RepoRoot(), "safety", "Robot.Safety", "Access", "access-policy.yaml");

    [Fact]
    public async Task EveryRpc_EveryRole_AllowedOrDeniedExactlyAsThePolicyFileSays_AndEveryDenialIsAudited()
    {
        // The host enforces the built-in copy; it must be the file the expectations come from.
        Assert.Equal(File.ReadAllText(ShippedPolicyPath), AccessPolicy.BuiltInText());
        AccessPolicy policy = AccessPolicy.Load(ShippedPolicyPath);
        Dictionary<string, Func<GrpcChannel, Task>> calls = Calls();
        SortedSet<string> methods = SupervisorProtoMethods.All(Path.Combine(AccessPolicyTests.RepoRoot(), "safety", "protos"));
        Assert.Equal(methods, new SortedSet<string>(SupervisorMethods.All, StringComparer.Ordinal));
        Assert.Equal(methods, new SortedSet<string>(calls.Keys, StringComparer.Ordinal));

        long deniedBefore = LastDeniedIndex();
        var outcome = new Dictionary<(string Role, string Method), StatusCode>();
        var mismatches = new List<string>();
        foreach (string role in RobotRoles.All)
        {
            using GrpcChannel channel = fixture.ChannelFor(role);
            foreach (string method in methods)
            {
                bool allowed = policy.Decide(role, method, DateTimeOffset.UtcNow).Allowed;
                StatusCode code = await StatusOf(calls[method], channel);
                outcome[(role, method)] = code;
                if (code != (allowed ? StatusCode.OK : StatusCode.PermissionDenied))
                {
                    mismatches.Add($"{role} {method}: policy says {(allowed ? "allow" : "deny")}, got {code}");
                }
            }
        }
        Assert.Empty(mismatches);

        // Written by hand from the issue, so an empty or all-allowing policy cannot pass.
        Assert.Equal(StatusCode.PermissionDenied, outcome[(RobotRoles.Operator, "/robot.safety.v1.EmergencyStop/Reset")]);
        Assert.Equal(StatusCode.OK, outcome[(RobotRoles.SafetyEngineer, "/robot.safety.v1.EmergencyStop/Reset")]);
        Assert.Equal(StatusCode.PermissionDenied, outcome[(RobotRoles.Teleoperator, "/robot.safety.v1.EmergencyStop/Resume")]);
        Assert.Equal(StatusCode.OK, outcome[(RobotRoles.Operator, "/robot.safety.v1.EmergencyStop/Trigger")]);
        Assert.Equal(StatusCode.PermissionDenied, outcome[(RobotRoles.Auditor, "/robot.safety.v1.EmergencyStop/Trigger")]);
        Assert.Equal(StatusCode.OK, outcome[(RobotRoles.SafetyEngineer, "/robot.safety.v1.Zones/Apply")]);
        Assert.Equal(StatusCode.PermissionDenied, outcome[(RobotRoles.Operator, "/robot.safety.v1.Zones/Apply")]);
        Assert.Equal(StatusCode.OK, outcome[(RobotRoles.Robot, "/robot.safety.v1.SafetySupervisor/Session")]);
        Assert.Equal(StatusCode.PermissionDenied, outcome[(RobotRoles.SafetyEngineer, "/robot.safety.v1.SafetySupervisor/Session")]);
        Assert.All(RobotRoles.All, role => Assert.Equal(StatusCode.OK, outcome[(role, "/robot.safety.v1.SafetySupervisor/GetStatus")]));

        // Each denial is in the durable log once, with the principal (role:name from the certificate) and the method.
        var denied = outcome.Where(o => o.Value == StatusCode.PermissionDenied).Select(o => o.Key).ToList();
        Assert.InRange(denied.Count, 20, outcome.Count - 20);
        using AuditLogFile file = fixture.Audit.OpenReader();
        var records = file.Query(new AuditQuery(Type: "rpc.denied")).Where(e => e.Index > deniedBefore).Select(e => e.Record).ToList();
        var audited = records.Select(r => (r.Principal, Method: Method(r))).ToList();
        Assert.All(records, r => Assert.Equal((AuditCategory.Access, "denied", "supervisor"), (r.Category, r.Result, r.Source)));
        Assert.Equal(
            denied.Select(d => ($"{d.Role}:{SupervisorMtlsFixture.NameFor(d.Role)}", d.Method)).Order().ToList(),
            audited.Order().ToList());
    }

    [Fact]
    public async Task DeniedCall_ChangesNothing_AllowedCallIsAuditedUnderTheCertificatePrincipal()
    {
        using GrpcChannel operatorChannel = fixture.ChannelFor(RobotRoles.Operator);
        using GrpcChannel engineerChannel = fixture.ChannelFor(RobotRoles.SafetyEngineer);
        var asOperator = new EmergencyStop.EmergencyStopClient(operatorChannel);
        TriggerReply latch = await asOperator.TriggerAsync(new TriggerRequest { RobotIds = { "h1" }, Reason = "denied reset test" }, deadline: Deadline);

        // The operator's certificate decides, not a role claimed in the request.
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await asOperator.ResetAsync(new ResetRequest { LatchId = latch.LatchId, ClaimedRole = RobotRoles.SafetyEngineer }, deadline: Deadline));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains(fixture.Host.Supervisor.EStops.Latches, l => l.Id == latch.LatchId);

        ResetReply reset = await new EmergencyStop.EmergencyStopClient(engineerChannel).ResetAsync(new ResetRequest { LatchId = latch.LatchId }, deadline: Deadline);
        Assert.Equal([latch.LatchId], reset.ResetLatchIds);
        await fixture.Host.Supervisor.Audit.FlushAsync();
        using AuditLogFile file = fixture.Audit.OpenReader();
        Assert.Contains(file.Query(new AuditQuery(Type: "estop.reset")), e => e.Record.Principal == "safety-engineer:safety-engineer-1" && e.Record.Result == "ok");
    }

    [Fact]
    public async Task RobotCertificate_ActsOnlyUnderItsOwnName_SessionAsAnotherRobotOrReportAsAnotherSensor_IsDeniedAndAudited()
    {
        using GrpcChannel h1 = fixture.ChannelFor(RobotRoles.Robot);
        using GrpcChannel h2 = fixture.RobotChannel("h2");
        using GrpcChannel scanner = fixture.RobotChannel("scanner-1");
        long before = LastIndex();

        // h2's own session opens; h1's certificate cannot open one as h2 (which would close h2's).
        using var real = new Contracts.SafetySupervisor.SafetySupervisorClient(h2).Session(deadline: Deadline);
        await real.RequestStream.WriteAsync(new RobotMessage { Hello = Hello("h2") });
        Assert.True(await real.ResponseStream.MoveNext());
        Robot.Safety.Supervisor.RobotSession session = fixture.Host.Supervisor.Sessions["h2"];
        using var forged = new Contracts.SafetySupervisor.SafetySupervisorClient(h1).Session(deadline: Deadline);
        await WriteIgnoringEndAsync(forged.RequestStream, new RobotMessage { Hello = Hello("h2") });
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await forged.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("hello.robot_id: 'h2' is not the caller's certificate name ('robot:h1'); a robot opens sessions only as itself", refused.Status.Detail);
        Assert.Same(session, fixture.Host.Supervisor.Sessions["h2"]);
        Assert.False(session.Closed);

        // The sensor reports as itself; h1's certificate cannot replace its report.
        var report = new PersonReport { SensorId = "scanner-1", Persons = { new Person { PersonId = "p1", Position = new Vec2 { X = 5, Y = 35 } } } };
        Assert.Equal(1, (await new Contracts.SafetySupervisor.SafetySupervisorClient(scanner).ReportPersonsAsync(report, deadline: Deadline)).Accepted);
        var wipe = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Contracts.SafetySupervisor.SafetySupervisorClient(h1).ReportPersonsAsync(new PersonReport { SensorId = "scanner-1" }, deadline: Deadline));
        Assert.Equal(StatusCode.PermissionDenied, wipe.StatusCode);
        Assert.Equal("sensor_id: 'scanner-1' is not the caller's certificate name ('robot:h1'); a sensor reports only as itself", wipe.Status.Detail);

        await fixture.Host.Supervisor.Audit.FlushAsync();
        using AuditLogFile file = fixture.Audit.OpenReader();
        var refusals = file.Query(new AuditQuery()).Where(e => e.Index > before && e.Record.Category == AuditCategory.Access && e.Record.Result == "denied").Select(e => e.Record).ToList();
        Assert.Contains(refusals, r => r.Type == "session.refused" && r.Principal == "robot:h1" && r.RobotId == "h2");
        Assert.Contains(refusals, r => r.Type == "persons.refused" && r.Principal == "robot:h1" && r.Details!.Contains("scanner-1", StringComparison.Ordinal));
    }

    private long LastIndex()
    {
        using AuditLogFile file = fixture.Audit.OpenReader();
        return file.Count() - 1;
    }

    [Fact]
    public async Task ClientWithoutCertificate_IsRejectedAtTheTlsLayer()
    {
        var handler = new SocketsHttpHandler
        {
            // Trusts the server (this test is about the client side of the handshake) but presents no certificate.
            SslOptions = new() { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null },
        };
        using GrpcChannel channel = GrpcChannel.ForAddress(fixture.Address, new GrpcChannelOptions { HttpHandler = handler });
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Contracts.SafetySupervisor.SafetySupervisorClient(channel).GetStatusAsync(new StatusRequest(), deadline: Deadline));
        AssertTransportRejected(e.StatusCode);
    }

    [Fact]
    public async Task ClientCertificateFromAnotherCa_IsRejectedAtTheTlsLayer_AndAudited()
    {
        using GrpcChannel channel = SiteMtls.CreateChannel(fixture.Address, fixture.ForeignClient, fixture.SiteCa);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Contracts.SafetySupervisor.SafetySupervisorClient(channel).GetStatusAsync(new StatusRequest(), deadline: Deadline));
        AssertTransportRejected(e.StatusCode);
        // The TLS callback queues its record for the next group commit.
        bool audited = false;
        for (int i = 0; i < 200 && !audited; i++)
        {
            using AuditLogFile file = fixture.Audit.OpenReader();
            audited = file.Query(new AuditQuery(Type: "tls.rejected")).Any(r => r.Record.Details!.Contains("intruder", StringComparison.Ordinal));
            if (!audited)
            {
                await Task.Delay(20);
            }
        }
        Assert.True(audited, "no tls.rejected record names the foreign certificate");
    }

    [Fact]
    public async Task ClientThatDistrustsTheServer_DoesNotConnect()
    {
        using var dir = new Audit.TempDir();
        SitePki other = SitePki.Init(dir.File("pki"), "elsewhere", TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
        using X509Certificate2 otherCa = other.LoadCaCertificate();
        using GrpcChannel channel = SiteMtls.CreateChannel(fixture.Address, fixture.ClientByRole[RobotRoles.SafetyEngineer], otherCa);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Contracts.SafetySupervisor.SafetySupervisorClient(channel).GetStatusAsync(new StatusRequest(), deadline: Deadline));
        AssertTransportRejected(e.StatusCode);
    }

    /// <summary>
    /// A refused handshake: with TLS 1.3 the client may consider the handshake done when the
    /// server's alert arrives, so grpc-dotnet reports Unavailable or Internal.
    /// </summary>
    private static void AssertTransportRejected(StatusCode code) =>
        Assert.Contains(code, (StatusCode[])[StatusCode.Unavailable, StatusCode.Internal]);

    private long LastDeniedIndex()
    {
        using AuditLogFile file = fixture.Audit.OpenReader();
        return file.Query(new AuditQuery(Type: "rpc.denied")).Select(e => e.Index).DefaultIfEmpty(-1).Max();
    }

    private static string Method(AuditRecord record)
    {
        using JsonDocument details = JsonDocument.Parse(record.Details!);
        return details.RootElement.GetProperty("method").GetString()!;
    }
}
