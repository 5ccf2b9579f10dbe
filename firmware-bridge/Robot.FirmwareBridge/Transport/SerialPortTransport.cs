using System.IO.Ports;

namespace Robot.FirmwareBridge.Transport;

/// <summary>
/// The portable transport on System.IO.Ports (Windows, macOS, Linux). Reads go through
/// BaseStream on the caller's thread (DataReceived is unreliable); DtrEnable is left alone (it
/// throws on a pseudo-terminal). On Unix, ReadTimeout values under 30 ms are raised to 30 ms and
/// the stream polls every 1 ms, so round trips are milliseconds: fine for scans and tools, not for
/// a 1 kHz loop on Linux (use <see cref="LinuxTtyTransport"/>).
/// </summary>
public sealed class SerialPortTransport : ISerialTransport
{
    private SerialPort? _port;
    private int _lastTimeoutMs = -2;

    public SerialPortTransport(string portName, int baudRate)
    {
        PortName = portName;
        BaudRate = baudRate;
    }

    public string PortName { get; }

    public int BaudRate { get; private set; }

    public bool IsOpen => _port?.IsOpen == true;

    public void Open()
    {
        if (IsOpen)
        {
            return;
        }
        var port = new SerialPort(PortName, BaudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = 100,
            WriteTimeout = 1000,
            ReadBufferSize = 64 * 1024,
        };
        try
        {
            port.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            port.Dispose();
            throw new SerialDisconnectedException($"cannot open {PortName}: {e.Message}", e);
        }
        _port = port;
        _lastTimeoutMs = -2;
    }

    public void Close()
    {
        SerialPort? port = _port;
        _port = null;
        if (port is null)
        {
            return;
        }
        try
        {
            port.Close();
        }
        catch (IOException)
        {
            // Closing a port whose device vanished can throw; it is closed either way.
        }
        port.Dispose();
    }

    public void SetBaudRate(int baudRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baudRate);
        if (_port is not null)
        {
            _port.BaudRate = baudRate;
        }
        BaudRate = baudRate;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        SerialPort port = EnsureOpen();
        try
        {
            port.BaseStream.Write(data);
        }
        catch (TimeoutException e)
        {
            // The output stayed full for WriteTimeout: the line is still there, so it stays open.
            throw new SerialWriteTimeoutException($"{PortName}: the output stayed full for {port.WriteTimeout} ms", e);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            Close();
            throw new SerialDisconnectedException($"{PortName}: write failed: {e.Message}", e);
        }
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        SerialPort port = EnsureOpen();
        int ms = Math.Max(1, (int)Math.Ceiling(timeout.TotalMilliseconds));
        if (ms != _lastTimeoutMs)
        {
            port.ReadTimeout = ms;
            _lastTimeoutMs = ms;
        }
        try
        {
            return port.BaseStream.Read(buffer);
        }
        catch (TimeoutException)
        {
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            Close();
            throw new SerialDisconnectedException($"{PortName}: read failed: {e.Message}", e);
        }
    }

    public void DiscardInput()
    {
        try
        {
            _port?.DiscardInBuffer();
        }
        catch (IOException)
        {
        }
    }

    public void Dispose() => Close();

    private SerialPort EnsureOpen() => _port is { IsOpen: true } p ? p : throw new SerialDisconnectedException($"{PortName} is not open");
}
