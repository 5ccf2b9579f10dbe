using Grpc.Core;
using Robot.Safety.Contracts;
using Robot.Safety.Supervisor;

namespace Robot.Safety.Hosting;

/// <summary>Emergency stop over gRPC: trigger, reset, resume, endpoints; thin over the domain.</summary>
public sealed class EmergencyStopService : EmergencyStop.EmergencyStopBase
{
    private readonly Supervisor.SafetySupervisor _supervisor;

    public EmergencyStopService(Supervisor.SafetySupervisor supervisor)
    {
        _supervisor = supervisor;
    }

    private CallerIdentity Caller(ServerCallContext context, string? claimedRole) =>
        CallerIdentityResolver.Resolve(context, claimedRole, _supervisor.Options.Insecure);

    public override Task<TriggerReply> Trigger(TriggerRequest request, ServerCallContext context) => Guard(() =>
    {
        EmergencyStopLatch latch = _supervisor.TriggerEmergencyStop(request.RobotIds, request.Reason, request.Level, Caller(context, null));
        return new TriggerReply { LatchId = latch.Id };
    });

    // Reset and resume answer only once their audit records are durable (or say they are not).
    public override Task<ResetReply> Reset(ResetRequest request, ServerCallContext context) => GuardDurable(() =>
    {
        var (reset, remaining) = _supervisor.ResetEmergencyStop(request.LatchId, Caller(context, request.ClaimedRole));
        var reply = new ResetReply();
        reply.ResetLatchIds.AddRange(reset.Select(l => l.Id));
        reply.Remaining.AddRange(remaining);
        return reply;
    });

    public override Task<ResumeReply> Resume(ResumeRequest request, ServerCallContext context) => GuardDurable(() =>
    {
        var reply = new ResumeReply();
        reply.ResumedRobotIds.AddRange(_supervisor.Resume(request.RobotIds, Caller(context, request.ClaimedRole)));
        return reply;
    });

    public override Task<LatchesReply> GetLatches(LatchesRequest request, ServerCallContext context) => Guard(() =>
    {
        var reply = new LatchesReply();
        foreach (EmergencyStopLatch latch in _supervisor.EStops.Latches)
        {
            reply.Latches.Add(ProtoMapping.ToProto(latch, _supervisor.EStops.IsCauseCleared(latch, out _)));
        }
        reply.Endpoints.AddRange(EndpointStatus(_supervisor));
        return reply;
    });

    public override Task<RegisterEndpointReply> RegisterEndpoint(RegisterEndpointRequest request, ServerCallContext context) => Guard(() =>
    {
        if (!double.IsFinite(request.Timeout))
        {
            throw new SupervisorException(SupervisorError.InvalidArgument, $"timeout: expected a finite number of seconds, got {request.Timeout}");
        }
        foreach (string id in request.RobotIds)
        {
            if (!_supervisor.Site.Robots.ContainsKey(id))
            {
                throw new SupervisorException(SupervisorError.NotFound, $"robot_ids: unknown robot '{id}'");
            }
        }
        EmergencyStopEndpoint endpoint = _supervisor.EStops.RegisterEndpoint(request.Name, request.Role, TimeSpan.FromSeconds(request.Timeout), request.RobotIds, Caller(context, null).Principal);
        return new RegisterEndpointReply { EndpointId = endpoint.Id, Challenge = endpoint.Challenge };
    });

    public override Task<CheckInReply> CheckIn(CheckInRequest request, ServerCallContext context) => Guard(() =>
    {
        var (accepted, next, detail) = _supervisor.EStops.CheckIn(request.EndpointId, request.Challenge, request.Response, request.Level);
        return new CheckInReply { Accepted = accepted, NextChallenge = next, Detail = detail };
    });

    internal static IEnumerable<EStopEndpointStatus> EndpointStatus(Supervisor.SafetySupervisor supervisor) =>
        supervisor.EStops.Endpoints().Select(e => new EStopEndpointStatus
        {
            EndpointId = e.Endpoint.Id,
            Name = e.Endpoint.Name,
            Timeout = e.Endpoint.Timeout.TotalSeconds,
            LastCheckInAge = e.SinceCheckIn.TotalSeconds,
            Expired = e.Endpoint.Expired,
            RobotIds = { e.Endpoint.RobotIds },
        });

    /// <summary>As <see cref="Guard"/>, then waits until the action's audit records are durable.</summary>
    private async Task<T> GuardDurable<T>(Func<T> action)
    {
        T reply = await Guard(action).ConfigureAwait(false);
        try
        {
            await _supervisor.Audit.DurableAsync().ConfigureAwait(false);
        }
        catch (SupervisorException e)
        {
            throw ProtoMapping.ToRpc(new SupervisorException(e.Error, $"the action was applied but its audit record is not durable: {e.Message}"));
        }
        return reply;
    }

    private static Task<T> Guard<T>(Func<T> action)
    {
        try
        {
            return Task.FromResult(action());
        }
        catch (SupervisorException e)
        {
            throw ProtoMapping.ToRpc(e);
        }
    }
}
