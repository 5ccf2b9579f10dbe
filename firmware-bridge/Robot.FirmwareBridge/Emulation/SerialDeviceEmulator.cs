using System.Diagnostics;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Emulation;

/// <summary>
/// Runs a device model on one end of a serial line (a socat pty) on a dedicated thread: reads
/// bytes, lets the subclass decode and answer, applies <see cref="Faults"/> to every reply. When
/// the line goes away (the pty pair was unplugged) it keeps trying to reopen it, like a device
/// that is plugged back in.
/// </summary>
public abstract class SerialDeviceEmulator : IDisposable
{
    private readonly ISerialTransport _transport;
    private readonly byte[] _rx = new byte[64 * 1024];
    private int _rxCount;
    private Thread? _thread;
    private volatile bool _stop;
    private volatile bool _disconnected;

    protected SerialDeviceEmulator(ISerialTransport transport, FaultInjection? faults)
    {
        _transport = transport;
        Faults = faults ?? new FaultInjection();
    }

    public FaultInjection Faults { get; }

    /// <summary>Requests handled (decoded packets addressed to this device set).</summary>
    public long RequestsHandled { get; protected set; }

    /// <summary>Packets with a bad CRC or broken framing that were dropped.</summary>
    public long BadPackets { get; protected set; }

    /// <summary>Last exception that stopped the loop (for diagnostics).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>The port the emulator serves.</summary>
    public string PortName => _transport.PortName;

    /// <summary>Opens the line and starts the device thread.</summary>
    public void Start()
    {
        if (_thread is not null)
        {
            return;
        }
        _transport.Open();
        _stop = false;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"emulator {_transport.PortName}", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Closes the device side (the host sees silence).</summary>
    public void Disconnect()
    {
        _disconnected = true;
        _transport.Close();
    }

    /// <summary>Reopens after <see cref="Disconnect"/>.</summary>
    public void Reconnect() => _disconnected = false;

    public void Stop()
    {
        _stop = true;
        _thread?.Join(TimeSpan.FromSeconds(5));
        _thread = null;
        _transport.Close();
    }

    public void Dispose()
    {
        Stop();
        _transport.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Decodes and answers what <paramref name="rx"/> holds; returns the bytes consumed.</summary>
    protected abstract int Process(ReadOnlySpan<byte> rx);

    /// <summary>Sends a reply through the fault injection.</summary>
    protected void Send(Span<byte> reply)
    {
        int n = Faults.Apply(reply);
        if (n > 0)
        {
            _transport.Write(reply[..n]);
        }
    }

    /// <summary>Sends bytes as they are (faults already applied).</summary>
    protected void SendRaw(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.IsEmpty)
        {
            _transport.Write(bytes);
        }
    }

    /// <summary>Waits <paramref name="microseconds"/> precisely (return delay).</summary>
    protected static void Delay(int microseconds)
    {
        if (microseconds <= 0)
        {
            return;
        }
        long until = Stopwatch.GetTimestamp() + (microseconds * Stopwatch.Frequency / 1_000_000);
        if (microseconds > 2000)
        {
            Thread.Sleep((microseconds - 1500) / 1000);
        }
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(20);
        }
    }

    private void Loop()
    {
        while (!_stop)
        {
            try
            {
                if (_disconnected || !_transport.IsOpen)
                {
                    if (!_disconnected)
                    {
                        TryReopen();
                    }
                    else
                    {
                        Thread.Sleep(10);
                    }
                    continue;
                }
                int n = _transport.Read(_rx.AsSpan(_rxCount), TimeSpan.FromMilliseconds(50));
                if (n == 0)
                {
                    continue;
                }
                if (Faults.Silent)
                {
                    continue;
                }
                _rxCount += n;
                int consumed = Process(_rx.AsSpan(0, _rxCount));
                if (consumed > 0)
                {
                    _rx.AsSpan(consumed, _rxCount - consumed).CopyTo(_rx);
                    _rxCount -= consumed;
                }
                if (_rxCount == _rx.Length)
                {
                    _rxCount = 0; // garbage flood: start over
                }
            }
            catch (SerialDisconnectedException)
            {
                _rxCount = 0;
                Thread.Sleep(10);
            }
            catch (Exception e) when (e is IOException or TimeoutException)
            {
                LastError = e;
                _rxCount = 0;
                Thread.Sleep(10);
            }
        }
    }

    private void TryReopen()
    {
        try
        {
            _transport.Open();
            _rxCount = 0;
        }
        catch (SerialDisconnectedException)
        {
            Thread.Sleep(20);
        }
    }
}
