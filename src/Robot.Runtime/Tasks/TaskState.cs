namespace Robot.Runtime.Tasks;

/// <summary>Where a task stands (Open-RMF's task states that apply to one robot).</summary>
public enum TaskState
{
    /// <summary>Accepted, waiting for the robot.</summary>
    Queued,

    /// <summary>The robot is working on it.</summary>
    Underway,

    /// <summary>Underway but held up (a protective stop, a person in a shared zone).</summary>
    Blocked,

    /// <summary>Final: could not be done.</summary>
    Failed,

    /// <summary>Final: ended gracefully on request.</summary>
    Canceled,

    /// <summary>Final: stopped immediately on request.</summary>
    Killed,

    /// <summary>Final: done.</summary>
    Completed,
}

/// <summary>Facts about <see cref="TaskState"/>.</summary>
public static class TaskStates
{
    /// <summary>True for the final states (failed, canceled, killed, completed): nothing changes a task after them.</summary>
    public static bool IsFinal(this TaskState state) => state is TaskState.Failed or TaskState.Canceled or TaskState.Killed or TaskState.Completed;

    /// <summary>The lower-case name operators see ("underway").</summary>
    public static string ToName(this TaskState state) => state switch
    {
        TaskState.Queued => "queued",
        TaskState.Underway => "underway",
        TaskState.Blocked => "blocked",
        TaskState.Failed => "failed",
        TaskState.Canceled => "canceled",
        TaskState.Killed => "killed",
        TaskState.Completed => "completed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Reads a name written by <see cref="ToName"/> (any case); false for anything else.</summary>
    public static bool TryParse(string? name, out TaskState state) => TryParseName(name, ToName, StringComparison.OrdinalIgnoreCase, out state);

    /// <summary>Finds the value of <typeparamref name="T"/> whose <paramref name="toName"/> is <paramref name="name"/>.</summary>
    internal static bool TryParseName<T>(string? name, Func<T, string> toName, StringComparison comparison, out T value) where T : struct, Enum
    {
        foreach (T candidate in Enum.GetValues<T>())
        {
            if (string.Equals(toName(candidate), name, comparison))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Every state name, in declaration order (for messages).</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<TaskState>().Select(s => s.ToName()).ToArray();
}
