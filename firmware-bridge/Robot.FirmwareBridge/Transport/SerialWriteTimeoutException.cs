namespace Robot.FirmwareBridge.Transport;

/// <summary>
/// A write could not hand its bytes to the driver in time (the output buffer stayed full: a
/// stalled adapter, a peer that stopped reading). The line is still open; some bytes may have
/// gone out. An <see cref="IOException"/>, so the bus threads and the clients' circuit breakers
/// treat it as the I/O failure it is.
/// </summary>
public sealed class SerialWriteTimeoutException : IOException
{
    /// <summary>A write timeout without details.</summary>
    public SerialWriteTimeoutException() : base("serial write timed out") { }

    /// <summary>A write timeout described by <paramref name="message"/>.</summary>
    public SerialWriteTimeoutException(string message) : base(message) { }

    /// <summary>A write timeout described by <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public SerialWriteTimeoutException(string message, Exception inner) : base(message, inner) { }
}
