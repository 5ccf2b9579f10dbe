namespace Robot.Runtime.Tasks;

/// <summary>
/// What an executor reports while a task runs. Each call is recorded (SQLite, a few ms at
/// most), published to watchers and, for blocks, audited: call it when something changes, never
/// from a control tick.
/// </summary>
public interface ITaskProgress
{
    /// <summary>The task entered <paramref name="phase"/>; <paramref name="detail"/> says more (e.g. Pick, "attempt 2 of 3").</summary>
    /// <param name="phase">The phase now running.</param>
    /// <param name="detail">Free text for operators; may be empty.</param>
    void Phase(TaskPhase phase, string detail);

    /// <summary>Pick attempt number <paramref name="attempt"/> (1-based) starts.</summary>
    /// <param name="attempt">1 for the first attempt.</param>
    void Attempt(int attempt);

    /// <summary>The robot cannot go on for now, e.g. "protective stop: person in zone packing". The task becomes BLOCKED.</summary>
    /// <param name="reason">Why; goes to watchers and the audit log.</param>
    void Blocked(string reason);

    /// <summary>The block is over; the task is UNDERWAY again.</summary>
    /// <param name="reason">Why it may go on.</param>
    void Unblocked(string reason);
}
