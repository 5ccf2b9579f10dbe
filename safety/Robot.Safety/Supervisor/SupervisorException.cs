namespace Robot.Safety.Supervisor;

/// <summary>Kinds of refusal; the gRPC layer maps each to a status code.</summary>
public enum SupervisorError
{
    InvalidArgument,
    NotFound,
    PermissionDenied,
    FailedPrecondition,
    Aborted,
    Unavailable,
}

/// <summary>A request the supervisor refuses, with a message naming the field, value and expectation.</summary>
public sealed class SupervisorException : Exception
{
    public SupervisorException(SupervisorError error, string message) : base(message)
    {
        Error = error;
    }

    public SupervisorException() : this(SupervisorError.InvalidArgument, "invalid request") { }

    public SupervisorException(string message) : this(SupervisorError.InvalidArgument, message) { }

    public SupervisorException(string message, Exception inner) : base(message, inner) { }

    public SupervisorError Error { get; }
}
