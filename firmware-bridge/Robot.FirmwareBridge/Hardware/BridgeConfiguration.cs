using System.Globalization;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.JointBoard;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Hardware;

/// <summary>What kind of device a bus carries.</summary>
public enum BusKind
{
    /// <summary>Our leg/waist motor boards (joint-board protocol).</summary>
    JointBoard,
    /// <summary>Dynamixel Protocol 2.0 servos (arms, grippers).</summary>
    Dynamixel,
}

/// <summary>One serial bus.</summary>
/// <param name="Name">Name the joint mappings refer to.</param>
/// <param name="Port">Device path.</param>
/// <param name="BaudRate">Line rate.</param>
/// <param name="Kind">Device kind.</param>
/// <param name="RateHz">Cycle rate; 0 = as fast as the bus allows (the default for Dynamixel; boards default to 1000).</param>
/// <param name="Transport">Transport (default: the fast one on Linux).</param>
public sealed record BusDefinition(string Name, string Port, int BaudRate, BusKind Kind, double RateHz = 0, TransportKind Transport = TransportKind.Default);

/// <summary>Where one joint of the robot description lives.</summary>
/// <param name="Joint">Joint name in the robot description.</param>
/// <param name="Bus">Bus name.</param>
/// <param name="DeviceId">Board ID or servo ID.</param>
/// <param name="Channel">Joint index on the board (boards only).</param>
/// <param name="Direction">+1 or −1: joint angle = Direction · device angle + Offset.</param>
/// <param name="Offset">Radians.</param>
public sealed record JointMapping(string Joint, string Bus, byte DeviceId, int Channel = 0, double Direction = 1, double Offset = 0);

/// <summary>Buses and the joint → bus mapping of a <see cref="BridgeHardware"/>.</summary>
public sealed record BridgeConfiguration(IReadOnlyList<BusDefinition> Buses, IReadOnlyList<JointMapping> Joints)
{
    public DynamixelBusOptions DynamixelOptions { get; init; } = new() { ReplyTimeout = TimeSpan.FromMilliseconds(5) };

    public JointBoardOptions JointBoardOptions { get; init; } = new();

    /// <summary>A sample older than this makes <see cref="BridgeHardware.Read"/> return false.</summary>
    public TimeSpan MaxSampleAge { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Joint boards: a command older than this is no longer sent; the boards are made limp and
    /// the hardware moves to Error (a hung control loop must not leave the legs on an old PD
    /// target and feed-forward). Default 20 ms: 20 periods of the 1 kHz loop, a few of a slower
    /// policy, above the loop's usual scheduling hiccups, and no longer than the boards' own
    /// watchdog (the protocol recommends 20–50 ms for firmware; the emulator uses 100 ms), so a
    /// hung loop is caught on the host even where the board's watchdog is set long. Must be
    /// positive. Dynamixel servos are not affected: in position mode they hold their last goal
    /// with their own PID.
    /// </summary>
    public TimeSpan MaxCommandAge { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long Configure waits for the first sample of every bus.</summary>
    public TimeSpan ConfigureTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Every problem with the mapping against the description's joints, empty when valid.</summary>
    public List<string> Validate(IReadOnlyList<string> jointNames)
    {
        var errors = new List<string>();
        if (MaxCommandAge <= TimeSpan.Zero)
        {
            errors.Add($"MaxCommandAge must be positive (got {MaxCommandAge.TotalMilliseconds} ms)");
        }
        var buses = Buses.ToDictionary(b => b.Name, StringComparer.Ordinal);
        if (buses.Count != Buses.Count)
        {
            errors.Add("two buses share a name");
        }
        foreach (string name in jointNames)
        {
            int n = Joints.Count(j => j.Joint == name);
            if (n != 1)
            {
                errors.Add($"joint '{name}' is mapped {n} times (needs exactly 1)");
            }
        }
        foreach (JointMapping m in Joints)
        {
            if (!jointNames.Contains(m.Joint))
            {
                errors.Add($"mapping names joint '{m.Joint}', which the robot does not have");
            }
            if (!buses.TryGetValue(m.Bus, out BusDefinition? bus))
            {
                errors.Add($"joint '{m.Joint}' names unknown bus '{m.Bus}'");
                continue;
            }
            // Written so that NaN fails: every comparison with NaN is false.
            if (!(Math.Abs(Math.Abs(m.Direction) - 1) <= 1e-12))
            {
                errors.Add($"joint '{m.Joint}': direction must be +1 or -1 (got {m.Direction.ToString(CultureInfo.InvariantCulture)})");
            }
            if (!double.IsFinite(m.Offset))
            {
                errors.Add($"joint '{m.Joint}': offset must be a finite number of radians (got {m.Offset.ToString(CultureInfo.InvariantCulture)})");
            }
            if (bus.Kind == BusKind.Dynamixel && m.DeviceId > DynamixelPacket.MaxId)
            {
                errors.Add($"joint '{m.Joint}': servo ID {m.DeviceId} is over 252");
            }
        }
        foreach (var board in Joints.Where(j => buses.TryGetValue(j.Bus, out var b) && b.Kind == BusKind.JointBoard).GroupBy(j => (j.Bus, j.DeviceId)))
        {
            int[] channels = [.. board.Select(j => j.Channel).Order()];
            if (!channels.SequenceEqual(Enumerable.Range(0, channels.Length)))
            {
                errors.Add($"board {board.Key.DeviceId} on '{board.Key.Bus}': channels must be 0..{channels.Length - 1} once each");
            }
        }
        foreach (var servos in Joints.Where(j => buses.TryGetValue(j.Bus, out var b) && b.Kind == BusKind.Dynamixel).GroupBy(j => (j.Bus, j.DeviceId)))
        {
            if (servos.Count() > 1)
            {
                errors.Add($"servo {servos.Key.DeviceId} on '{servos.Key.Bus}' is mapped to several joints");
            }
        }
        return errors;
    }
}
