using Grpc.Core;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;
using Robot.Safety.Supervisor;

namespace Robot.Safety.Hosting;

/// <summary>Copies between wire messages and domain types, and maps refusals to status codes.</summary>
public static class ProtoMapping
{
    public static Verdict ToProto(in SupervisorVerdict v) => new()
    {
        Kind = v.Kind,
        SpeedLimit = v.SpeedLimit,
        ReasonCode = v.ReasonCode,
        Reason = v.Reason,
        ZoneId = v.ZoneId ?? "",
        InReplyTo = v.InReplyTo,
        Challenge = v.Challenge,
        EstopLatched = v.EStopLatched,
        StopLevel = v.StopLevel,
        ZonesVersion = v.ZonesVersion,
        EchoSentUnixNanos = v.EchoSentUnixNanos,
    };

    public static RobotHello ToDomain(Hello hello) => new(
        hello.RobotId,
        hello.Footprint.Select(p => (p.X, p.Y)).ToArray(),
        hello.Reach,
        hello.ReactionTime,
        hello.MaxDeceleration,
        hello.MaxSpeed);

    public static RobotStateReport ToDomain(RobotState s) => new(
        s.Sequence,
        s.Challenge,
        s.ChallengeResponse,
        s.Position?.X ?? double.NaN,
        s.Position?.Y ?? double.NaN,
        s.Heading,
        s.Velocity?.X ?? double.NaN,
        s.Velocity?.Y ?? double.NaN,
        s.Reach,
        s.SentUnixNanos);

    public static ZoneInfo ToProto(Zone zone)
    {
        var info = new ZoneInfo
        {
            ZoneId = zone.Id,
            Kind = zone.Kind.ToName(),
            MaxSpeed = double.IsFinite(zone.MaxSpeed) ? zone.MaxSpeed : 0,
        };
        foreach (var c in zone.Ring)
        {
            info.Polygon.Add(new Vec2 { X = c.X, Y = c.Y });
        }
        info.RobotIds.AddRange(zone.RobotIds);
        return info;
    }

    public static EStopLatch ToProto(EmergencyStopLatch latch, bool causeCleared) => new()
    {
        LatchId = latch.Id,
        Cause = EmergencyStopLatch.CauseName(latch.Cause),
        Source = latch.Source,
        Reason = latch.Reason,
        RobotIds = { latch.RobotIds },
        TriggeredBy = latch.TriggeredBy,
        TriggeredUnixMs = latch.TriggeredAt.ToUnixTimeMilliseconds(),
        CauseCleared = causeCleared,
        Level = latch.Level,
    };

    public static IEnumerable<ValidationError> ToProto(IEnumerable<SiteValidationError> errors) =>
        errors.Select(e => new ValidationError { Line = e.Line, Column = e.Column, Path = e.Path, Message = e.Message });

    /// <summary>A refusal as the RpcException the client sees.</summary>
    public static RpcException ToRpc(SupervisorException e) => new(new Status(e.Error switch
    {
        SupervisorError.InvalidArgument => StatusCode.InvalidArgument,
        SupervisorError.NotFound => StatusCode.NotFound,
        SupervisorError.PermissionDenied => StatusCode.PermissionDenied,
        SupervisorError.FailedPrecondition => StatusCode.FailedPrecondition,
        SupervisorError.Aborted => StatusCode.Aborted,
        SupervisorError.Unavailable => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    }, e.Message));
}
