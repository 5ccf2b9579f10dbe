using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Robot.Safety.Contracts;
using Robot.Safety.Hosting;
using Robot.Safety.Supervisor;
using Robot.Safety.Tests.TestSupport;

namespace Robot.Safety.Tests.Hosting;

/// <summary>The supervisor over real gRPC on loopback (Kestrel on 127.0.0.1, a free port).</summary>
public sealed class SupervisorGrpcTests : IAsyncLifetime
{
    private SupervisorHost _host = null!;
    private GrpcChannel _channel = null!;
    private readonly InMemoryAuditLog _audit = new();

    public async Task InitializeAsync()
    {
        var builder = new SupervisorHostBuilder(TestSites.BasicModel()) { AuditLog = _audit };
        builder.Options.Urls.Clear();
        builder.Options.Urls.Add("http://127.0.0.1:0");
        _host = await builder.StartAsync();
        _channel = GrpcChannel.ForAddress(_host.Addresses[0]);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
    }

    private static DateTime Deadline => DateTime.UtcNow.AddSeconds(10);

    private static RobotMessage HelloMessage(string id = "h1") => new()
    {
        Hello = new Hello
        {
            RobotId = id,
            Footprint = { new Vec2 { X = 0.3, Y = 0.25 }, new Vec2 { X = -0.3, Y = 0.25 }, new Vec2 { X = -0.3, Y = -0.25 }, new Vec2 { X = 0.3, Y = -0.25 } },
            Reach = 0.2,
            ReactionTime = 0.05,
            MaxDeceleration = 1.0,
            MaxSpeed = 1.5,
        },
    };

    private static RobotMessage StateMessage(ulong sequence, ulong challenge, double x = 10, double y = 20, double vx = 0) => new()
    {
        State = new RobotState
        {
            Sequence = sequence,
            Challenge = challenge,
            ChallengeResponse = ~challenge,
            Position = new Vec2 { X = x, Y = y },
            Velocity = new Vec2 { X = vx, Y = 0 },
        },
    };

    /// <summary>Next verdict that answers <paramref name="sequence"/> (skips pushed ones, e.g. a slow first JIT).</summary>
    private static async Task<Verdict> ReplyTo(IAsyncStreamReader<Verdict> stream, ulong sequence)
    {
        while (await stream.MoveNext())
        {
            if (stream.Current.InReplyTo == sequence)
            {
                return stream.Current;
            }
        }
        throw new InvalidOperationException("stream ended");
    }

    /// <summary>
    /// Sends states at (<paramref name="x"/>, <paramref name="y"/>) from <paramref name="sequence"/>
    /// on until one is answered with a permit (at most 20). On a loaded machine an answer can
    /// arrive after the heartbeat timeout (JIT, thread pool growth): the watchdog then stops the
    /// robot, and only the next answered state permits again. Returns the last answer and its sequence.
    /// </summary>
    private static async Task<(Verdict Verdict, ulong Sequence)> PermitFor(AsyncDuplexStreamingCall<RobotMessage, Verdict> call, ulong sequence, ulong challenge,
        double x, double y, double vx)
    {
        for (ulong last = sequence + 19; ; sequence++)
        {
            await call.RequestStream.WriteAsync(StateMessage(sequence, challenge, x, y, vx));
            Verdict answer = await ReplyTo(call.ResponseStream, sequence);
            if (answer.Kind == VerdictKind.Permit || sequence == last)
            {
                return (answer, sequence);
            }
            challenge = answer.Challenge;
        }
    }

    [Fact]
    public async Task Session_HelloThenAnsweredStates_GetsPermitsWithReasonAndZone()
    {
        var client = new Contracts.SafetySupervisor.SafetySupervisorClient(_channel);
        using var call = client.Session(deadline: Deadline);
        await call.RequestStream.WriteAsync(HelloMessage());
        Assert.True(await call.ResponseStream.MoveNext());
        Verdict first = call.ResponseStream.Current;
        Assert.Equal(ReasonCode.ReasonSessionStarting, first.ReasonCode);

        (Verdict permit, ulong sequence) = await PermitFor(call, 1, first.Challenge, 10, 20, 0);
        Assert.Equal(VerdictKind.Permit, permit.Kind);
        Assert.Equal(sequence, permit.InReplyTo);

        (Verdict limited, _) = await PermitFor(call, sequence + 1, permit.Challenge, 18.7, 10, 1.2);
        Assert.Equal(VerdictKind.Permit, limited.Kind);
        Assert.Equal(0.5, limited.SpeedLimit);
        Assert.Equal("aisle", limited.ZoneId);
        Assert.Contains("speed zone 'aisle'", limited.Reason, StringComparison.Ordinal);
        await call.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task Session_UnknownRobot_IsNotFound()
    {
        var client = new Contracts.SafetySupervisor.SafetySupervisorClient(_channel);
        using var call = client.Session(deadline: Deadline);
        await call.RequestStream.WriteAsync(HelloMessage("intruder"));
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains("unknown robot 'intruder'", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_StateBeforeHello_IsInvalidArgument()
    {
        var client = new Contracts.SafetySupervisor.SafetySupervisorClient(_channel);
        using var call = client.Session(deadline: Deadline);
        await call.RequestStream.WriteAsync(StateMessage(1, 1));
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public async Task OversizeMessage_IsRejectedWithResourceExhausted()
    {
        var zones = new Zones.ZonesClient(_channel);
        string huge = "# " + new string('x', 100 * 1024) + "\n" + TestSites.Basic;
        var e = await Assert.ThrowsAsync<RpcException>(async () => await zones.ValidateAsync(new SiteDocument { Yaml = huge }, deadline: Deadline));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
    }

    [Fact]
    public async Task Trigger_PushesEmergencyStopIntoTheOpenSession_AndResetNeedsTheRole()
    {
        var client = new Contracts.SafetySupervisor.SafetySupervisorClient(_channel);
        var estop = new EmergencyStop.EmergencyStopClient(_channel);
        using var call = client.Session(deadline: Deadline);
        await call.RequestStream.WriteAsync(HelloMessage());
        Assert.True(await call.ResponseStream.MoveNext());
        await call.RequestStream.WriteAsync(StateMessage(1, call.ResponseStream.Current.Challenge));
        await ReplyTo(call.ResponseStream, 1);

        TriggerReply trigger = await estop.TriggerAsync(new TriggerRequest { Reason = "test" }, deadline: Deadline);
        Verdict pushed;
        do
        {
            Assert.True(await call.ResponseStream.MoveNext());
            pushed = call.ResponseStream.Current;
        }
        while (pushed.ReasonCode == ReasonCode.ReasonHeartbeatLost);
        Assert.Equal(VerdictKind.EmergencyStop, pushed.Kind);
        Assert.Equal(StopLevel.SettleThenCut, pushed.StopLevel);

        var denied = await Assert.ThrowsAsync<RpcException>(async () => await estop.ResetAsync(new ResetRequest { LatchId = trigger.LatchId, ClaimedRole = "operator" }, deadline: Deadline));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var headers = new Metadata { { SupervisorConstants.RoleClaimHeader, EmergencyStopRegistry.SafetyRole } };
        ResetReply reset = await estop.ResetAsync(new ResetRequest { LatchId = trigger.LatchId }, headers, Deadline);
        Assert.Equal([trigger.LatchId], reset.ResetLatchIds);
        await call.RequestStream.CompleteAsync();

        await _host.Supervisor.Audit.FlushAsync();
        Assert.Contains(_audit.Snapshot(), r => r.Type == "estop.reset" && r.Result == "ok" && r.Principal == CallerIdentity.InsecurePrincipal);
    }

    [Fact]
    public async Task Zones_ApplyInvalid_ReturnsLineNumberedErrorsAndKeepsTheVersion_ApplyValid_SwapsIt()
    {
        var zones = new Zones.ZonesClient(_channel);
        string broken = TestSites.BasicVersion(2).Replace("[[20, 5], [24, 5], [24, 30], [20, 30]]", "[[20, 5], [24, 5]]", StringComparison.Ordinal);
        ApplyZonesReply refused = await zones.ApplyAsync(new ApplyZonesRequest { Document = new SiteDocument { Yaml = broken }, ClaimedRole = "safety-engineer" }, deadline: Deadline);
        Assert.False(refused.Applied);
        Assert.Equal(1, refused.Version);
        ValidationError error = Assert.Single(refused.Errors);
        Assert.Equal(23, error.Line);

        ApplyZonesReply applied = await zones.ApplyAsync(new ApplyZonesRequest { Document = new SiteDocument { Yaml = TestSites.BasicVersion(2) }, ExpectedVersion = 1, ClaimedRole = "safety-engineer" }, deadline: Deadline);
        Assert.True(applied.Applied);
        ListZonesReply list = await zones.ListAsync(new ListZonesRequest(), deadline: Deadline);
        Assert.Equal(2, list.Version);
        Assert.Equal(applied.ContentHash, list.ContentHash);
        CheckPointReply check = await zones.CheckAsync(new CheckPointRequest { Point = new Vec2 { X = 22, Y = 10 } }, deadline: Deadline);
        Assert.Equal(["hall", "aisle"], check.Zones.Select(z => z.ZoneId));
    }

    [Fact]
    public async Task ReportPersons_NaN_IsInvalidArgument_AndStatusCountsTracks()
    {
        var client = new Contracts.SafetySupervisor.SafetySupervisorClient(_channel);
        var bad = new PersonReport { SensorId = "s1", Persons = { new Person { PersonId = "p", Position = new Vec2 { X = double.NaN, Y = 1 } } } };
        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.ReportPersonsAsync(bad, deadline: Deadline));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        await client.ReportPersonsAsync(new PersonReport { SensorId = "s1", Persons = { new Person { PersonId = "p", Position = new Vec2 { X = 5, Y = 5 } } } }, deadline: Deadline);
        SupervisorStatus status = await client.GetStatusAsync(new StatusRequest(), deadline: Deadline);
        Assert.Equal(1, status.TrackedPersons);
        Assert.True(status.Insecure);
        Assert.Equal(["free", "h1", "h2"], status.Robots.Select(r => r.RobotId));
    }

    [Fact]
    public async Task HealthCheck_IsServing_AndReflectionListsTheServices()
    {
        var health = new Health.HealthClient(_channel);
        HealthCheckResponse response = await health.CheckAsync(new HealthCheckRequest(), deadline: Deadline);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);

        var reflection = new ServerReflection.ServerReflectionClient(_channel);
        using var call = reflection.ServerReflectionInfo(deadline: Deadline);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        string[] services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.Contains("robot.safety.v1.SafetySupervisor", services);
        Assert.Contains("robot.safety.v1.EmergencyStop", services);
        Assert.Contains("robot.safety.v1.Zones", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task EndpointCheckIn_WrongAnswer_IsNotAccepted()
    {
        var estop = new EmergencyStop.EmergencyStopClient(_channel);
        RegisterEndpointReply endpoint = await estop.RegisterEndpointAsync(new RegisterEndpointRequest { Name = "pendant", Role = "operator", Timeout = 5 }, deadline: Deadline);
        CheckInReply bad = await estop.CheckInAsync(new CheckInRequest { EndpointId = endpoint.EndpointId, Challenge = endpoint.Challenge, Response = endpoint.Challenge }, deadline: Deadline);
        Assert.False(bad.Accepted);
        CheckInReply good = await estop.CheckInAsync(new CheckInRequest { EndpointId = endpoint.EndpointId, Challenge = endpoint.Challenge, Response = ~endpoint.Challenge }, deadline: Deadline);
        Assert.True(good.Accepted);
        Assert.NotEqual(endpoint.Challenge, good.NextChallenge);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await estop.RegisterEndpointAsync(new RegisterEndpointRequest { Name = "x", Timeout = double.NaN }, deadline: Deadline));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }
}
