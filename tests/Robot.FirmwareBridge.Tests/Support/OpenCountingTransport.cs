using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Tests.Support;

/// <summary>A real transport that counts the calls to <see cref="Open"/> (a decorator, not a fake: every call goes through).</summary>
public sealed class OpenCountingTransport(ISerialTransport inner) : ISerialTransport
{
    /// <summary>Calls to <see cref="Open"/>, whether they succeeded or threw.</summary>
    public int Opens { get; private set; }

    public string PortName => inner.PortName;

    public int BaudRate => inner.BaudRate;

    public bool IsOpen => inner.IsOpen;

    public void Open()
    {
        Opens++;
        inner.Open();
    }

    public void Close() => inner.Close();

    public void SetBaudRate(int baudRate) => inner.SetBaudRate(baudRate);

    public void Write(ReadOnlySpan<byte> data) => inner.Write(data);

    public int Read(Span<byte> buffer, TimeSpan timeout) => inner.Read(buffer, timeout);

    public void DiscardInput() => inner.DiscardInput();

    public void Dispose() => inner.Dispose();
}
