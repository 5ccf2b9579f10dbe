using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Emulation;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Tests.Support;

/// <summary>A socat pty pair with the Dynamixel emulator on one end and a bus on the other.</summary>
public sealed class BusRig : IDisposable
{
    public BusRig(string servos = "1-7:xm430", byte returnDelay = 0, TransportKind kind = TransportKind.Fast, DynamixelBusOptions? options = null, byte baudRegister = 3, int hostBaud = 1_000_000, bool linkBaud = false)
    {
        Pty = new SocatPtyPair();
        Emulator = new DynamixelBusEmulator(new LinuxTtyTransport(Pty.PathB, 1_000_000), DynamixelBusEmulator.ParseServos(servos, baudRegister, returnDelay));
        HostTransport = SerialTransports.Create(Pty.PathA, hostBaud, kind);
        if (linkBaud)
        {
            Emulator.HostBaudRate = () => HostTransport.BaudRate;
        }
        Emulator.Start();
        Bus = new DynamixelBus(HostTransport, options ?? Generous);
        Bus.Open();
        // Warm up both ends (JIT, first syscalls) so short timeouts in fault tests mean faults.
        byte first = Emulator.Servos[0].Id;
        if (!linkBaud || HostTransport.BaudRate == Emulator.Servos[0].BaudRate)
        {
            Bus.TryPing(first, TimeSpan.FromSeconds(5));
            Bus.TryPing(first, TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>Timeouts for a loaded 2-core test machine.</summary>
    public static DynamixelBusOptions Generous { get; } = new()
    {
        ReplyTimeout = TimeSpan.FromMilliseconds(300),
        ReconnectFirstDelay = TimeSpan.FromMilliseconds(20),
        ReconnectAttempts = 40,
    };

    public SocatPtyPair Pty { get; }

    public DynamixelBusEmulator Emulator { get; }

    public ISerialTransport HostTransport { get; }

    public DynamixelBus Bus { get; }

    public void Dispose()
    {
        Bus.Dispose();
        Emulator.Dispose();
        Pty.Dispose();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(5);
        }
        return condition();
    }
}
