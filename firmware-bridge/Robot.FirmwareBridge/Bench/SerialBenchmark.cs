using System.Diagnostics;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Emulation;
using Robot.FirmwareBridge.Hardware;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Bench;

/// <summary>Round-trip statistics, microseconds.</summary>
public sealed record RoundTripStats(int Samples, double P50, double P99, double Mean, double Max, int Failures = 0);

/// <summary>Result of <see cref="SerialBenchmark.Run"/>.</summary>
public sealed record SerialBenchmarkResult(
    int Servos,
    int BaudRate,
    string Request,
    IReadOnlyDictionary<string, RoundTripStats> RoundTripUs,
    double FastToRawRatio,
    double SyncReadHz,
    double FastSyncReadHz,
    double LeaderArmHz,
    IReadOnlyDictionary<string, double> Targets,
    IReadOnlyDictionary<string, bool> TargetsMet,
    string Note);

/// <summary>
/// <c>robot bench serial</c>: over socat pseudo-terminal pairs with the servo emulator (7
/// XM430, return delay 0) on the far end, the round trip of a Sync Read of Present Position
/// through System.IO.Ports, the fast Linux transport and a raw-tty baseline (a plain FileStream,
/// measured in the same run), then the sustained Sync Read rate of the fast transport, the Fast
/// Sync Read rate, and the leader-arm reader's rate (7 XL330).
/// </summary>
public static class SerialBenchmark
{
    public const string SystemIOPorts = "systemIOPorts";
    public const string Fast = "fast";
    public const string Raw = "raw";

    public static SerialBenchmarkResult Run(int samples = 3000, double sustainSeconds = 2, int servos = 7, Action<string>? progress = null)
    {
        progress ??= _ => { };
        byte[] ids = [.. Enumerable.Range(1, servos).Select(i => (byte)i)];
        var roundTrips = new Dictionary<string, RoundTripStats>(StringComparer.Ordinal);

        progress($"bench serial: System.IO.Ports transport, {Math.Max(200, samples / 10)} sync reads of {servos} servos");
        roundTrips[SystemIOPorts] = WithBus(TransportKind.SystemIOPorts, servos, bus => Measure(Math.Max(200, samples / 10), () => SyncRead(bus, ids)));
        progress($"bench serial: fast transport, {samples} sync reads");
        roundTrips[Fast] = WithBus(TransportKind.Fast, servos, bus => Measure(samples, () => SyncRead(bus, ids)));
        progress($"bench serial: raw FileStream baseline, {samples} sync reads");
        roundTrips[Raw] = MeasureRaw(samples, servos, ids);

        progress($"bench serial: sustained sync read rate (fast transport, {sustainSeconds} s)");
        double syncHz = WithBus(TransportKind.Fast, servos, bus => Sustain(sustainSeconds, () => SyncRead(bus, ids)));
        double fastSyncHz = WithBus(TransportKind.Fast, servos, bus =>
        {
            var group = new SyncReadGroup(X.PresentPosition, 4, ids, fast: true);
            return Sustain(sustainSeconds, () => group.Read(bus));
        });
        progress($"bench serial: leader arm reader ({servos} XL330, Fast Sync Read, {sustainSeconds} s)");
        double leaderHz = LeaderArm(servos, ids, sustainSeconds);

        double ratio = roundTrips[Fast].P50 / roundTrips[Raw].P50;
        var targets = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["fastToRawRatioMax"] = 1.3,
            ["syncReadHzMin"] = 1000,
            ["leaderArmHzMin"] = 500,
        };
        var met = new Dictionary<string, bool>(StringComparer.Ordinal)
        {
            ["fastToRawRatio"] = ratio <= 1.3,
            ["syncReadHz"] = syncHz >= 1000,
            ["leaderArmHz"] = leaderHz >= 500,
        };
        return new SerialBenchmarkResult(servos, 1_000_000, $"Sync Read of Present Position (4 bytes) from {servos} servos", roundTrips, ratio, syncHz, fastSyncHz, leaderHz, targets, met,
            "pseudo-terminals have no wire time: these figures are the software path (kernel pty + emulator on the same machine); on a 1 Mbaud line add ~1.2 ms of wire time for this transaction (119 bytes at 10 bits each)");
    }

    private static void SyncRead(DynamixelBus bus, byte[] ids)
    {
        Span<byte> data = stackalloc byte[4 * 16];
        Span<DynamixelStatus> statuses = stackalloc DynamixelStatus[16];
        bus.SyncRead(X.PresentPosition, 4, ids, data[..(4 * ids.Length)], statuses[..ids.Length]);
    }

    private static T WithBus<T>(TransportKind kind, int servos, Func<DynamixelBus, T> run, string model = "xm430")
    {
        using var pty = new SocatPtyPair();
        using var emulator = new DynamixelBusEmulator(new LinuxTtyTransport(pty.PathB, 1_000_000), DynamixelBusEmulator.ParseServos($"1-{servos}:{model}", baudRegister: 3, returnDelay: 0));
        emulator.Start();
        using var bus = new DynamixelBus(SerialTransports.Create(pty.PathA, 1_000_000, kind), new DynamixelBusOptions { ReplyTimeout = TimeSpan.FromMilliseconds(200) });
        bus.Open();
        bus.TryPing(1, TimeSpan.FromSeconds(2));
        return run(bus);
    }

    private static RoundTripStats Measure(int samples, Action transaction)
    {
        for (int i = 0; i < Math.Min(200, samples / 5); i++)
        {
            Try(transaction);
        }
        var us = new List<double>(samples);
        int failures = 0;
        for (int i = 0; i < samples; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            if (Try(transaction))
            {
                us.Add((Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency);
            }
            else
            {
                failures++;
            }
        }
        return Stats([.. us]) with { Failures = failures };
    }

    private static double Sustain(double seconds, Action transaction)
    {
        for (int i = 0; i < 100; i++)
        {
            Try(transaction);
        }
        long count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (Try(transaction))
            {
                count++;
            }
        }
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The baseline: the same request written and its 7 replies read with a plain FileStream, no parsing beyond counting bytes.</summary>
    private static RoundTripStats MeasureRaw(int samples, int servos, byte[] ids)
    {
        using var pty = new SocatPtyPair();
        using var emulator = new DynamixelBusEmulator(new LinuxTtyTransport(pty.PathB, 1_000_000), DynamixelBusEmulator.ParseServos($"1-{servos}:xm430", baudRegister: 3, returnDelay: 0));
        emulator.Start();
        using var raw = new RawFileStreamTransport(pty.PathA, 1_000_000);
        raw.Open();
        var request = new byte[64];
        int n = DynamixelInstructions.SyncRead(request, X.PresentPosition, 4, ids);
        int expected = servos * 15; // each status: 11 bytes + 4 data
        var buffer = new byte[4096];
        void Transaction()
        {
            raw.Write(request.AsSpan(0, n));
            int got = 0;
            while (got < expected)
            {
                got += raw.Read(buffer.AsSpan(got), TimeSpan.Zero);
            }
        }
        return Measure(samples, Transaction);
    }

    private static double LeaderArm(int servos, byte[] ids, double seconds)
    {
        using var pty = new SocatPtyPair();
        using var emulator = new DynamixelBusEmulator(new LinuxTtyTransport(pty.PathB, 1_000_000), DynamixelBusEmulator.ParseServos($"1-{servos}:xl330", baudRegister: 3, returnDelay: 0));
        emulator.Start();
        using var bus = new DynamixelBus(new LinuxTtyTransport(pty.PathA, 1_000_000), new DynamixelBusOptions { ReplyTimeout = TimeSpan.FromMilliseconds(50) });
        bus.Open();
        bus.TryPing(1, TimeSpan.FromSeconds(2));
        using var reader = new LeaderArmReader(bus, ids);
        reader.Start();
        Thread.Sleep(300);
        long s0 = reader.Samples;
        var clock = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        long s1 = reader.Samples;
        double hz = (s1 - s0) / clock.Elapsed.TotalSeconds;
        reader.Stop();
        return hz;
    }

    /// <summary>Runs one transaction; a failed one (timeout on a loaded machine) is counted, not fatal.</summary>
    private static bool Try(Action transaction)
    {
        try
        {
            transaction();
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static RoundTripStats Stats(double[] us)
    {
        if (us.Length == 0)
        {
            return new RoundTripStats(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        double[] sorted = [.. us.Order()];
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new RoundTripStats(sorted.Length, Math.Round(P(0.50), 1), Math.Round(P(0.99), 1), Math.Round(us.Average(), 1), Math.Round(sorted[^1], 1));
    }
}
