namespace Robot.FirmwareBridge.Transport;

/// <summary>
/// A byte pipe to one serial bus. Implementations: <see cref="LinuxTtyTransport"/> (fast,
/// Linux default), <see cref="SerialPortTransport"/> (System.IO.Ports, portable) and
/// <see cref="RawFileStreamTransport"/> (the raw-tty baseline of the benchmark).
/// Not thread-safe: one bus owner reads and writes.
/// </summary>
public interface ISerialTransport : IDisposable
{
    /// <summary>Device path (<c>/dev/ttyUSB0</c>, a socat link, <c>COM3</c>).</summary>
    string PortName { get; }

    /// <summary>Line rate in baud.</summary>
    int BaudRate { get; }

    /// <summary>True between a successful <see cref="Open"/> and <see cref="Close"/> or a disconnect.</summary>
    bool IsOpen { get; }

    /// <summary>Opens the device (raw 8N1, no flow control). Throws <see cref="SerialDisconnectedException"/> when it is not there.</summary>
    void Open();

    /// <summary>Closes the device; safe to call twice.</summary>
    void Close();

    /// <summary>Changes the line rate (the device stays open).</summary>
    void SetBaudRate(int baudRate);

    /// <summary>
    /// Writes every byte (blocks until the kernel took them). Throws
    /// <see cref="SerialWriteTimeoutException"/> when the output stays full (the line stays open)
    /// and <see cref="SerialDisconnectedException"/> when the device went away.
    /// </summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>
    /// Reads what is available into <paramref name="buffer"/>, waiting up to
    /// <paramref name="timeout"/> for the first byte. Returns the count, 0 on timeout.
    /// Throws <see cref="SerialDisconnectedException"/> when the device went away.
    /// </summary>
    int Read(Span<byte> buffer, TimeSpan timeout);

    /// <summary>Drops bytes received but not read (stale replies).</summary>
    void DiscardInput();
}

/// <summary>The serial device went away (unplugged, the socat peer died) or could not be opened.</summary>
public sealed class SerialDisconnectedException : IOException
{
    public SerialDisconnectedException() : base("serial device disconnected") { }

    public SerialDisconnectedException(string message) : base(message) { }

    public SerialDisconnectedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Which transport to open.</summary>
public enum TransportKind
{
    /// <summary>The fast Linux transport on Linux, System.IO.Ports elsewhere.</summary>
    Default,
    /// <summary><see cref="LinuxTtyTransport"/>.</summary>
    Fast,
    /// <summary><see cref="SerialPortTransport"/>.</summary>
    SystemIOPorts,
    /// <summary><see cref="RawFileStreamTransport"/> (benchmark baseline; no read timeout).</summary>
    RawFileStream,
}

/// <summary>Creates transports.</summary>
public static class SerialTransports
{
    /// <summary>A closed transport of <paramref name="kind"/> for <paramref name="portName"/>.</summary>
    public static ISerialTransport Create(string portName, int baudRate, TransportKind kind = TransportKind.Default) => kind switch
    {
        TransportKind.Default => OperatingSystem.IsLinux() ? new LinuxTtyTransport(portName, baudRate) : new SerialPortTransport(portName, baudRate),
        TransportKind.Fast => new LinuxTtyTransport(portName, baudRate),
        TransportKind.SystemIOPorts => new SerialPortTransport(portName, baudRate),
        TransportKind.RawFileStream => new RawFileStreamTransport(portName, baudRate),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Parses a transport name as the CLI spells it (fast, ports, raw, default).</summary>
    public static TransportKind Parse(string name) => name.ToLowerInvariant() switch
    {
        "default" => TransportKind.Default,
        "fast" or "linux" => TransportKind.Fast,
        "ports" or "system.io.ports" or "serialport" => TransportKind.SystemIOPorts,
        "raw" or "filestream" => TransportKind.RawFileStream,
        _ => throw new ArgumentException($"unknown transport '{name}' (fast, ports, raw, default)", nameof(name)),
    };
}
