using System.Runtime.InteropServices;

namespace Robot.FirmwareBridge.Transport;

/// <summary>
/// The raw-tty baseline: a plain unbuffered <see cref="FileStream"/> on the tty (put in raw mode
/// with VMIN=1 first, as any raw user does). Reads block until at least one byte arrives and
/// ignore the timeout, so this is for the benchmark against a device that always answers, not
/// for production.
/// </summary>
public sealed class RawFileStreamTransport : ISerialTransport
{
    private FileStream? _stream;

    public RawFileStreamTransport(string portName, int baudRate)
    {
        PortName = portName;
        BaudRate = baudRate;
    }

    public string PortName { get; }

    public int BaudRate { get; private set; }

    public bool IsOpen => _stream is not null;

    public void Open()
    {
        if (_stream is not null)
        {
            return;
        }
        if (LinuxNative.IsSupportedArchitecture)
        {
            int fd = LinuxNative.Open(PortName, LinuxNative.O_RDWR | LinuxNative.O_NOCTTY | LinuxNative.O_CLOEXEC);
            if (fd < 0)
            {
                throw new SerialDisconnectedException($"cannot open {PortName}: errno {Marshal.GetLastPInvokeError()}");
            }
            try
            {
                LinuxNative.ConfigureRaw(fd, BaudRate, vmin: 1, vtime: 0);
            }
            finally
            {
                LinuxNative.Close(fd);
            }
        }
        try
        {
            _stream = new FileStream(PortName, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (IOException e)
        {
            throw new SerialDisconnectedException($"cannot open {PortName}: {e.Message}", e);
        }
    }

    public void Close()
    {
        _stream?.Dispose();
        _stream = null;
    }

    public void SetBaudRate(int baudRate) => BaudRate = baudRate;

    public void Write(ReadOnlySpan<byte> data) => Stream.Write(data);

    /// <summary>Blocks until at least one byte arrives; <paramref name="timeout"/> is ignored.</summary>
    public int Read(Span<byte> buffer, TimeSpan timeout) => Stream.Read(buffer);

    public void DiscardInput()
    {
    }

    public void Dispose() => Close();

    private FileStream Stream => _stream ?? throw new SerialDisconnectedException($"{PortName} is not open");
}
