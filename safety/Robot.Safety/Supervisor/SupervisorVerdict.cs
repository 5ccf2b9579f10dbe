using Robot.Safety.Contracts;

namespace Robot.Safety.Supervisor;

/// <summary>A verdict as the domain produces it; the service copies it into the wire message.</summary>
public readonly record struct SupervisorVerdict(
    VerdictKind Kind,
    double SpeedLimit,
    ReasonCode ReasonCode,
    string Reason,
    string? ZoneId,
    ulong InReplyTo,
    ulong Challenge,
    bool EStopLatched,
    StopLevel StopLevel,
    long ZonesVersion,
    long EchoSentUnixNanos);

/// <summary>A robot state as received, before validation.</summary>
public readonly record struct RobotStateReport(
    ulong Sequence,
    ulong Challenge,
    ulong ChallengeResponse,
    double X,
    double Y,
    double Heading,
    double Vx,
    double Vy,
    double Reach,
    long SentUnixNanos);

/// <summary>The Hello of a session, before validation. Footprint in the base frame, metres.</summary>
public sealed record RobotHello(
    string RobotId,
    IReadOnlyList<(double X, double Y)> Footprint,
    double Reach,
    double ReactionTime,
    double MaxDeceleration,
    double MaxSpeed);
