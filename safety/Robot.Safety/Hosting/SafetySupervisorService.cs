using Grpc.Core;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;
using Robot.Safety.Supervisor;
using Contract = Robot.Safety.Contracts.SafetySupervisor;

namespace Robot.Safety.Hosting;

/// <summary>Robot sessions, person reports and status over gRPC; thin over <see cref="Supervisor.SafetySupervisor"/>.</summary>
public sealed class SafetySupervisorService : Contract.SafetySupervisorBase
{
    private readonly Supervisor.SafetySupervisor _supervisor;

    public SafetySupervisorService(Supervisor.SafetySupervisor supervisor)
    {
        _supervisor = supervisor;
    }

    public override async Task Session(IAsyncStreamReader<RobotMessage> requestStream, IServerStreamWriter<Verdict> responseStream, ServerCallContext context)
    {
        CancellationToken ct = context.CancellationToken;
        CallerIdentity caller = CallerIdentityResolver.Resolve(context, null, _supervisor.Options.Insecure);
        if (!await requestStream.MoveNext(ct).ConfigureAwait(false))
        {
            return;
        }
        if (requestStream.Current.BodyCase != RobotMessage.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message of a session must be a hello (robot id, footprint, reach, stopping capability)"));
        }
        RobotSession session;
        try
        {
            session = _supervisor.OpenSession(ProtoMapping.ToDomain(requestStream.Current.Hello), caller);
        }
        catch (SupervisorException e)
        {
            throw ProtoMapping.ToRpc(e);
        }
        Task writer = WriteVerdictsAsync(session, responseStream, ct);
        string end = "stream ended by the robot";
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(ct, session.Ending);
        try
        {
            while (await requestStream.MoveNext(reading.Token).ConfigureAwait(false))
            {
                RobotMessage message = requestStream.Current;
                if (message.BodyCase != RobotMessage.BodyOneofCase.State)
                {
                    end = "protocol error: a second hello";
                    throw new RpcException(new Status(StatusCode.InvalidArgument, "only the first message of a session may be a hello"));
                }
                _supervisor.OnState(session, ProtoMapping.ToDomain(message.State));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            end = session.Closed ? session.CloseReason ?? "closed" : "connection lost";
        }
        finally
        {
            _supervisor.CloseSession(session, end);
            try
            {
                await writer.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                // The client is gone; nothing more can be written.
            }
        }
    }

    // Each verdict is flushed as soon as it is written unless more are already queued behind it:
    // then they are buffered (BufferHint) and go out with the last one's flush, so a backlog
    // drains in one write instead of one per verdict.
    private static readonly WriteOptions s_buffered = new(WriteFlags.BufferHint);
    private static readonly WriteOptions s_flushed = new();

    private static async Task WriteVerdictsAsync(RobotSession session, IServerStreamWriter<Verdict> stream, CancellationToken ct)
    {
        var outbox = session.Outbox.Reader;
        while (await outbox.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            // Read one ahead: whether another verdict waits decides if this one is flushed.
            bool have = outbox.TryRead(out SupervisorVerdict verdict);
            while (have)
            {
                have = outbox.TryRead(out SupervisorVerdict next);
                stream.WriteOptions = have ? s_buffered : s_flushed;
                await stream.WriteAsync(ProtoMapping.ToProto(verdict), ct).ConfigureAwait(false);
                verdict = next;
            }
        }
    }

    public override Task<PersonReportAck> ReportPersons(PersonReport request, ServerCallContext context)
    {
        try
        {
            var persons = request.Persons.Select(p => new TrackedPerson(p.Position?.X ?? double.NaN, p.Position?.Y ?? double.NaN, p.Uncertainty, $"{request.SensorId}/{p.PersonId}")).ToArray();
            CallerIdentity caller = CallerIdentityResolver.Resolve(context, null, _supervisor.Options.Insecure);
            return Task.FromResult(new PersonReportAck { Accepted = _supervisor.ReportPersons(request.SensorId, persons, caller) });
        }
        catch (SupervisorException e)
        {
            throw ProtoMapping.ToRpc(e);
        }
    }

    public override Task<SupervisorStatus> GetStatus(StatusRequest request, ServerCallContext context)
    {
        SiteModel site = _supervisor.Site;
        var status = new SupervisorStatus
        {
            ZonesVersion = site.Version,
            ZonesHash = site.ContentHash,
            TrackedPersons = _supervisor.Persons.Snapshot.Length,
            Insecure = _supervisor.Options.Insecure,
        };
        foreach (string robotId in site.Robots.Keys.Order(StringComparer.Ordinal))
        {
            var robot = new RobotStatus { RobotId = robotId, HeartbeatAge = -1 };
            if (_supervisor.Sessions.TryGetValue(robotId, out RobotSession? session))
            {
                robot.Connected = true;
                robot.Lost = session.Lost;
                robot.LastVerdict = ProtoMapping.ToProto(session.LastVerdict);
                long heartbeat = session.LastHeartbeat;
                robot.HeartbeatAge = heartbeat == 0 ? -1 : _supervisor.Time.GetElapsedTime(heartbeat).TotalSeconds;
                robot.Position = new Vec2 { X = session.LastMotion.X, Y = session.LastMotion.Y };
            }
            status.Robots.Add(robot);
        }
        foreach (EmergencyStopLatch latch in _supervisor.EStops.Latches)
        {
            status.Latches.Add(ProtoMapping.ToProto(latch, _supervisor.EStops.IsCauseCleared(latch, out _)));
        }
        status.Endpoints.AddRange(EmergencyStopService.EndpointStatus(_supervisor));
        return Task.FromResult(status);
    }
}
