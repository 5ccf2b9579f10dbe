namespace Robot.FirmwareBridge.Dynamixel;

/// <summary>Base of every bus-level failure. Disconnects surface as <see cref="Transport.SerialDisconnectedException"/>.</summary>
public class DynamixelException : IOException
{
    public DynamixelException() { }

    public DynamixelException(string message) : base(message) { }

    public DynamixelException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>No (or an incomplete) reply within the timeout. Reads retry on it.</summary>
public class DynamixelTimeoutException : DynamixelException
{
    public DynamixelTimeoutException() { }

    public DynamixelTimeoutException(string message) : base(message) { }

    public DynamixelTimeoutException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A reply with a bad CRC or impossible framing. Reads retry on it.</summary>
public sealed class DynamixelCorruptReplyException : DynamixelException
{
    public DynamixelCorruptReplyException() { }

    public DynamixelCorruptReplyException(string message) : base(message) { }

    public DynamixelCorruptReplyException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A write was sent but its outcome is unknown (no status, or a corrupt one): the device may
/// have carried it out. Never re-sent automatically; the caller decides with fresh state.
/// </summary>
public sealed class DynamixelWriteUncertainException : DynamixelException
{
    public DynamixelWriteUncertainException() { }

    public DynamixelWriteUncertainException(string message) : base(message) { }

    public DynamixelWriteUncertainException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The device answered with a non-zero error number.</summary>
public sealed class DynamixelStatusException : DynamixelException
{
    public DynamixelStatusException(DynamixelStatus status, string operation)
        : base($"{operation}: device {status}")
    {
        Status = status;
    }

    public DynamixelStatusException() { }

    public DynamixelStatusException(string message) : base(message) { }

    public DynamixelStatusException(string message, Exception inner) : base(message, inner) { }

    public DynamixelStatus Status { get; }
}

/// <summary>The bus is lost (device gone), waiting for reconnect, or its circuit breaker is open: the call was not attempted.</summary>
public sealed class DynamixelBusUnavailableException : DynamixelException
{
    public DynamixelBusUnavailableException() { }

    public DynamixelBusUnavailableException(string message) : base(message) { }

    public DynamixelBusUnavailableException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>After a reconnect, writes are refused until the owner re-reads state and calls Rearm (no stale goal).</summary>
public sealed class DynamixelNotArmedException : DynamixelException
{
    public DynamixelNotArmedException() : base("the bus reconnected: read present state and call Rearm() before writing") { }

    public DynamixelNotArmedException(string message) : base(message) { }

    public DynamixelNotArmedException(string message, Exception inner) : base(message, inner) { }
}
