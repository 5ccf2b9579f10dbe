using System.Diagnostics;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Tests.Support;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Tests.Transport;

/// <summary>Transports over real socat pseudo-terminal pairs.</summary>
public class TransportTests
{
    private static readonly TimeSpan s_generous = TimeSpan.FromSeconds(5);

    internal static byte[] ReadExactly(ISerialTransport t, int count, TimeSpan timeout)
    {
        var result = new byte[count];
        int got = 0;
        var clock = Stopwatch.StartNew();
        while (got < count && clock.Elapsed < timeout)
        {
            got += t.Read(result.AsSpan(got), TimeSpan.FromMilliseconds(100));
        }
        Assert.Equal(count, got);
        return result;
    }

    [Theory]
    [InlineData(TransportKind.Fast, TransportKind.Fast)]
    [InlineData(TransportKind.SystemIOPorts, TransportKind.Fast)]
    [InlineData(TransportKind.Fast, TransportKind.SystemIOPorts)]
    public void Echo_BothDirections_BytesArriveIntact(TransportKind hostKind, TransportKind deviceKind)
    {
        using var pty = new SocatPtyPair();
        using ISerialTransport host = SerialTransports.Create(pty.PathA, 1_000_000, hostKind);
        using ISerialTransport device = SerialTransports.Create(pty.PathB, 1_000_000, deviceKind);
        host.Open();
        device.Open();
        byte[] all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        host.Write(all);
        Assert.Equal(all, ReadExactly(device, all.Length, s_generous));
        device.Write(all.AsSpan(0, 14));
        Assert.Equal(all[..14], ReadExactly(host, 14, s_generous));
    }

    [Theory]
    [InlineData(TransportKind.Fast)]
    [InlineData(TransportKind.SystemIOPorts)]
    public void Write_FarEndNotReading_ThrowsSerialWriteTimeout(TransportKind kind)
    {
        using var pty = new SocatPtyPair();
        using ISerialTransport host = SerialTransports.Create(pty.PathA, 1_000_000, kind);
        using ISerialTransport device = SerialTransports.Create(pty.PathB, 1_000_000, TransportKind.Fast);
        host.Open();
        device.Open(); // and never read: the ptys' buffers fill up
        byte[] chunk = new byte[4096];
        IOException? failure = null;
        var clock = Stopwatch.StartNew();
        while (failure is null && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                host.Write(chunk);
            }
            catch (IOException e)
            {
                failure = e;
            }
        }
        SerialWriteTimeoutException timeout = Assert.IsType<SerialWriteTimeoutException>(failure);
        Assert.Contains(pty.PathA, timeout.Message, StringComparison.Ordinal);
        Assert.True(host.IsOpen); // a full line is not a lost one
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Reconnect_DeviceStaysAway_OpensExactlyReconnectAttemptsTimes(int attempts)
    {
        var transport = new OpenCountingTransport(new LinuxTtyTransport(Path.Combine(Path.GetTempPath(), $"no-such-tty-{Guid.NewGuid():N}"), 1_000_000));
        using var bus = new DynamixelBus(transport, new DynamixelBusOptions { ReconnectAttempts = attempts, ReconnectFirstDelay = TimeSpan.FromMilliseconds(1) });
        Assert.False(bus.Reconnect());
        Assert.Equal(attempts, transport.Opens);
    }

    [Fact]
    public void RawFileStream_Echo_Works()
    {
        using var pty = new SocatPtyPair();
        using ISerialTransport host = SerialTransports.Create(pty.PathA, 1_000_000, TransportKind.RawFileStream);
        using ISerialTransport device = SerialTransports.Create(pty.PathB, 1_000_000, TransportKind.Fast);
        host.Open();
        device.Open();
        host.Write([1, 2, 3]);
        Assert.Equal([1, 2, 3], ReadExactly(device, 3, s_generous));
        device.Write([4, 5]);
        Assert.Equal([4, 5], ReadExactly(host, 2, s_generous));
    }

    [Theory]
    [InlineData(9600)]
    [InlineData(1_000_000)]
    [InlineData(3_000_000)]
    [InlineData(4_000_000)]
    [InlineData(4_500_000)]
    [InlineData(2_345_678)]
    public void FastTransport_CustomBaudRate_IsSetWithoutError(int baud)
    {
        using var pty = new SocatPtyPair();
        using var t = new LinuxTtyTransport(pty.PathA, 57_600);
        t.Open();
        t.SetBaudRate(baud);
        Assert.Equal(baud, t.BaudRate);
        Assert.Equal(baud, t.KernelBaudRate);
    }

    [Fact]
    public void FastTransport_ReadTimeout_ReturnsZero()
    {
        using var pty = new SocatPtyPair();
        using var t = new LinuxTtyTransport(pty.PathA, 1_000_000);
        t.Open();
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, t.Read(new byte[8], TimeSpan.FromMilliseconds(20)));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(15));
    }

    [Fact]
    public void FastTransport_PeerUnplugged_ReadThrowsDisconnected_ThenReopensAfterReplug()
    {
        using var pty = new SocatPtyPair();
        using var t = new LinuxTtyTransport(pty.PathA, 1_000_000);
        t.Open();
        pty.Unplug();
        Assert.Throws<SerialDisconnectedException>(() =>
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < s_generous)
            {
                t.Read(new byte[8], TimeSpan.FromMilliseconds(50));
            }
        });
        Assert.False(t.IsOpen);
        Assert.Throws<SerialDisconnectedException>(t.Open);
        pty.Replug();
        t.Open();
        using var device = new LinuxTtyTransport(pty.PathB, 1_000_000);
        device.Open();
        device.Write([9]);
        Assert.Equal([9], ReadExactly(t, 1, s_generous));
    }

    [Fact]
    public void Open_MissingDevice_ThrowsDisconnected()
    {
        Assert.Throws<SerialDisconnectedException>(() => new LinuxTtyTransport("/nonexistent/tty", 115200).Open());
        Assert.Throws<SerialDisconnectedException>(() => new SerialPortTransport("/nonexistent/tty", 115200).Open());
    }

    [Fact]
    public void DiscardInput_DropsPendingBytes()
    {
        using var pty = new SocatPtyPair();
        using var host = new LinuxTtyTransport(pty.PathA, 1_000_000);
        using var device = new LinuxTtyTransport(pty.PathB, 1_000_000);
        host.Open();
        device.Open();
        device.Write([1, 2, 3]);
        Thread.Sleep(100);
        host.DiscardInput();
        Assert.Equal(0, host.Read(new byte[8], TimeSpan.FromMilliseconds(50)));
    }
}
