namespace Robot.Core.Description;

/// <summary>A robot description failed validation; <see cref="Errors"/> lists every problem at once.</summary>
public sealed class InvalidRobotDescriptionException : Exception
{
    public InvalidRobotDescriptionException(IReadOnlyList<string> errors)
        : base("invalid robot description: " + string.Join("; ", errors))
    {
        Errors = errors;
    }

    public InvalidRobotDescriptionException() : this(Array.Empty<string>()) { }

    public InvalidRobotDescriptionException(string message) : base(message) { Errors = [message]; }

    public InvalidRobotDescriptionException(string message, Exception inner) : base(message, inner) { Errors = [message]; }

    /// <summary>Every validation error, one sentence each.</summary>
    public IReadOnlyList<string> Errors { get; }
}
