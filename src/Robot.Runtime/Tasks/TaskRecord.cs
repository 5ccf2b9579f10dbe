namespace Robot.Runtime.Tasks;

/// <summary>A task as stored: the request and where it stands. Immutable; every change makes a new record (see <see cref="TaskStateMachine"/>).</summary>
/// <param name="Id">Unique id, <c>t-N</c> with N the submission sequence.</param>
/// <param name="Request">What was asked for.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Reason">Why it is in its state, or what the robot is doing (never empty).</param>
/// <param name="Phase">Last phase the executor reported; null before it starts.</param>
/// <param name="Attempts">Pick attempts so far.</param>
/// <param name="CreatedAt">When it was accepted (UTC).</param>
/// <param name="UpdatedAt">When it last changed (UTC).</param>
/// <param name="SubmittedBy">Principal that submitted it ("role:name", "insecure:loopback", or "system").</param>
/// <param name="Sequence">Submission order, from 1; breaks ties between equal priorities (FIFO).</param>
public sealed record TaskRecord(
    string Id,
    PickTaskRequest Request,
    TaskState State,
    string Reason,
    TaskPhase? Phase,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string SubmittedBy,
    long Sequence);
