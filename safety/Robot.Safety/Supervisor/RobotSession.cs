using System.Threading.Channels;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;

namespace Robot.Safety.Supervisor;

/// <summary>
/// The supervisor's view of one robot's open session. Verdicts leave through
/// <see cref="Outbox"/>, which one writer drains into the stream, so answers to states and
/// verdicts pushed by watchdogs and e-stops never write to the stream concurrently.
/// </summary>
#pragma warning disable CA1001 // _ending has no timer or wait handle to release; it lives as long as the session.
public sealed class RobotSession
#pragma warning restore CA1001
{
    internal RobotSession(string robotId, RobotProfile profile, long openedAt)
    {
        RobotId = robotId;
        Profile = profile;
        OpenedAt = openedAt;
    }

    public string RobotId { get; }
    public RobotProfile Profile { get; }
    public long OpenedAt { get; }

    /// <summary>Verdicts to send, in order.</summary>
    public Channel<SupervisorVerdict> Outbox { get; } = Channel.CreateUnbounded<SupervisorVerdict>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    internal Lock Sync { get; } = new();
    internal GeofenceEvaluator Evaluator { get; } = new();
    internal ChallengeWindow Challenges { get; } = new();
    internal ulong LastSequence { get; set; }
    /// <summary>TimeProvider timestamp of the last valid heartbeat; 0 before the first.</summary>
    internal long LastHeartbeat { get; set; }
    internal RobotMotion LastMotion { get; set; }
    internal (VerdictKind Kind, ReasonCode Reason, string? Zone) LastDecision { get; set; }

    /// <summary>Last verdict sent.</summary>
    public SupervisorVerdict LastVerdict { get; internal set; }

    /// <summary>True once the heartbeat is overdue, until the next valid one.</summary>
    public bool Lost { get; internal set; }

    /// <summary>True once the session ended (closed, replaced).</summary>
    public bool Closed { get; internal set; }

    /// <summary>Cancelled when the session ends, so the stream's reader stops waiting.</summary>
    public CancellationToken Ending => _ending.Token;

    internal void SignalEnd() => _ending.Cancel();

    private readonly CancellationTokenSource _ending = new();

    /// <summary>Why it ended.</summary>
    public string? CloseReason { get; internal set; }
}
