using System.Buffers.Binary;
using Robot.Core.Hardware;
using Robot.FirmwareBridge.Dynamixel;

namespace Robot.FirmwareBridge.JointBoard;

/// <summary>Frame types of the joint-board protocol (firmware-bridge/docs/joint-board-protocol.md).</summary>
public enum JointBoardFrameType : byte
{
    /// <summary>Host → board: per-joint position, velocity, kp, kd, feed-forward torque. Answered with State.</summary>
    Command = 0x01,
    /// <summary>Board → host: per-joint position, velocity, torque, temperature, fault flags.</summary>
    State = 0x02,
    /// <summary>Host → board: liveness probe. Answered with Heartbeat.</summary>
    HeartbeatRequest = 0x03,
    /// <summary>Board → host: uptime, firmware, joint count, flags, bus voltage, error counter.</summary>
    Heartbeat = 0x04,
    /// <summary>Host → board: send State without applying anything (reading while not commanding).</summary>
    StateRequest = 0x05,
}

/// <summary>Command frame flags.</summary>
[Flags]
public enum CommandOptions : byte
{
    None = 0,
    /// <summary>Apply the joint commands; without it every joint is limp (zero torque).</summary>
    Enable = 0x01,
    /// <summary>Clear latched faults (watchdog, joint faults) before applying.</summary>
    ClearFaults = 0x02,
}

/// <summary>Board flags in State and Heartbeat.</summary>
[Flags]
public enum BoardStatus : byte
{
    None = 0,
    /// <summary>Joints are driven (the last command had Enable and no fault latched).</summary>
    Enabled = 0x01,
    /// <summary>No command arrived within the watchdog time: the board went limp. Latched until ClearFaults.</summary>
    WatchdogTripped = 0x02,
    /// <summary>At least one joint reports a fault.</summary>
    JointFault = 0x04,
}

/// <summary>Per-joint fault flags in the State frame.</summary>
[Flags]
public enum JointFaults : ushort
{
    None = 0,
    OverTemperature = 0x0001,
    OverCurrent = 0x0002,
    Encoder = 0x0004,
    PositionLimit = 0x0008,
    Driver = 0x0010,
}

/// <summary>One joint's measured state from a board.</summary>
public record struct JointSample(float Position, float Velocity, float Torque, short TemperatureDeciCelsius, JointFaults Faults)
{
    public readonly double TemperatureCelsius => TemperatureDeciCelsius / 10.0;
}

/// <summary>A decoded frame header.</summary>
public readonly record struct JointBoardFrame(JointBoardFrameType Type, byte BoardId, byte Sequence, int PayloadOffset, int PayloadLength, int WireLength);

/// <summary>State frame header fields.</summary>
public readonly record struct BoardStateHeader(int JointCount, byte AckSequence, BoardStatus Status, uint BoardTimeMicroseconds);

/// <summary>Heartbeat payload.</summary>
public readonly record struct BoardHeartbeat(uint UptimeMilliseconds, byte FirmwareMajor, byte FirmwareMinor, byte JointCount, BoardStatus Status, ushort BusVoltageMillivolts, ushort RxErrors);

/// <summary>
/// The joint-board wire format, version 1: <c>A5 5A | ver | type | board | seq | len_L len_H |
/// payload | crc_L crc_H</c>, CRC-16/BUYPASS (the Dynamixel CRC) over every byte before the CRC,
/// numbers little-endian, floats IEEE-754 binary32. Encoding and decoding are allocation-free.
/// </summary>
public static class JointBoardProtocol
{
    public const byte Sync0 = 0xA5;
    public const byte Sync1 = 0x5A;
    public const byte Version = 0x01;
    public const int HeaderLength = 8;
    public const int Overhead = HeaderLength + 2;
    public const int MaxJoints = 16;
    public const int MaxPayload = 512;
    public const int CommandJointBytes = 20;
    public const int StateJointBytes = 16;
    public const int HeartbeatRequestPayload = 4;
    public const int HeartbeatPayload = 12;

    public static int CommandFrameLength(int joints) => Overhead + 2 + (CommandJointBytes * joints);

    public static int StateFrameLength(int joints) => Overhead + 8 + (StateJointBytes * joints);

    /// <summary>Writes a Command frame; returns its length.</summary>
    public static int EncodeCommand(Span<byte> dst, byte boardId, byte sequence, CommandOptions flags, ReadOnlySpan<JointCommand> commands)
    {
        if (commands.Length is 0 or > MaxJoints)
        {
            throw new ArgumentOutOfRangeException(nameof(commands), commands.Length, $"a board has 1–{MaxJoints} joints");
        }
        Span<byte> p = dst[HeaderLength..];
        p[0] = (byte)commands.Length;
        p[1] = (byte)flags;
        int o = 2;
        foreach (JointCommand c in commands)
        {
            BinaryPrimitives.WriteSingleLittleEndian(p[o..], (float)c.Position);
            BinaryPrimitives.WriteSingleLittleEndian(p[(o + 4)..], (float)c.Velocity);
            BinaryPrimitives.WriteSingleLittleEndian(p[(o + 8)..], (float)c.Kp);
            BinaryPrimitives.WriteSingleLittleEndian(p[(o + 12)..], (float)c.Kd);
            BinaryPrimitives.WriteSingleLittleEndian(p[(o + 16)..], (float)c.FeedForwardTorque);
            o += CommandJointBytes;
        }
        return Finish(dst, JointBoardFrameType.Command, boardId, sequence, o);
    }

    /// <summary>Writes a State frame (the board's side); returns its length.</summary>
    public static int EncodeState(Span<byte> dst, byte boardId, byte sequence, byte ackSequence, BoardStatus flags, uint boardTimeMicroseconds, ReadOnlySpan<JointSample> joints)
    {
        Span<byte> p = dst[HeaderLength..];
        p[0] = (byte)joints.Length;
        p[1] = ackSequence;
        p[2] = (byte)flags;
        p[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], boardTimeMicroseconds);
        int o = 8;
        foreach (JointSample j in joints)
        {
            BinaryPrimitives.WriteSingleLittleEndian(p[o..], j.Position);
            BinaryPrimitives.WriteSingleLittleEndian(p[(o + 4)..], j.Velocity);
            BinaryPrimitives.WriteSingleLittleEndian(p[(o + 8)..], j.Torque);
            BinaryPrimitives.WriteInt16LittleEndian(p[(o + 12)..], j.TemperatureDeciCelsius);
            BinaryPrimitives.WriteUInt16LittleEndian(p[(o + 14)..], (ushort)j.Faults);
            o += StateJointBytes;
        }
        return Finish(dst, JointBoardFrameType.State, boardId, sequence, o);
    }

    /// <summary>Writes a Heartbeat Request (host time in ms); returns its length.</summary>
    public static int EncodeHeartbeatRequest(Span<byte> dst, byte boardId, byte sequence, uint hostTimeMilliseconds)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(dst[HeaderLength..], hostTimeMilliseconds);
        return Finish(dst, JointBoardFrameType.HeartbeatRequest, boardId, sequence, HeartbeatRequestPayload);
    }

    /// <summary>Writes a State Request (empty payload); returns its length.</summary>
    public static int EncodeStateRequest(Span<byte> dst, byte boardId, byte sequence) =>
        Finish(dst, JointBoardFrameType.StateRequest, boardId, sequence, 0);

    /// <summary>Writes a Heartbeat (the board's side); returns its length.</summary>
    public static int EncodeHeartbeat(Span<byte> dst, byte boardId, byte sequence, in BoardHeartbeat h)
    {
        Span<byte> p = dst[HeaderLength..];
        BinaryPrimitives.WriteUInt32LittleEndian(p, h.UptimeMilliseconds);
        p[4] = h.FirmwareMajor;
        p[5] = h.FirmwareMinor;
        p[6] = h.JointCount;
        p[7] = (byte)h.Status;
        BinaryPrimitives.WriteUInt16LittleEndian(p[8..], h.BusVoltageMillivolts);
        BinaryPrimitives.WriteUInt16LittleEndian(p[10..], h.RxErrors);
        return Finish(dst, JointBoardFrameType.Heartbeat, boardId, sequence, HeartbeatPayload);
    }

    /// <summary>
    /// Finds and checks one frame in <paramref name="input"/> (bytes before the sync are
    /// skipped). <paramref name="consumed"/> as in <see cref="DynamixelPacket.TryDecode"/>:
    /// the frame (and garbage before it) on success, one byte past a bad sync otherwise.
    /// </summary>
    public static DecodeStatus TryDecode(ReadOnlySpan<byte> input, out JointBoardFrame frame, out int consumed)
    {
        frame = default;
        int start = input.IndexOf([Sync0, Sync1]);
        if (start < 0)
        {
            consumed = input.Length > 0 && input[^1] == Sync0 ? input.Length - 1 : input.Length;
            return DecodeStatus.NeedMoreData;
        }
        consumed = start;
        ReadOnlySpan<byte> f = input[start..];
        if (f.Length < HeaderLength)
        {
            return DecodeStatus.NeedMoreData;
        }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(f[6..]);
        if (f[2] != Version || length > MaxPayload || f[3] is 0 or > (byte)JointBoardFrameType.StateRequest)
        {
            consumed = start + 1;
            return DecodeStatus.Malformed;
        }
        int total = length + Overhead;
        if (f.Length < total)
        {
            return DecodeStatus.NeedMoreData;
        }
        if (DynamixelCrc.Compute(f[..(total - 2)]) != BinaryPrimitives.ReadUInt16LittleEndian(f[(total - 2)..]))
        {
            consumed = start + 1;
            return DecodeStatus.CrcError;
        }
        var type = (JointBoardFrameType)f[3];
        if (!PayloadLengthValid(type, f.Slice(HeaderLength, length)))
        {
            consumed = start + 1;
            return DecodeStatus.Malformed;
        }
        frame = new JointBoardFrame(type, f[4], f[5], start + HeaderLength, length, total);
        consumed = start + total;
        return DecodeStatus.Ok;
    }

    /// <summary>Reads a Command payload: flags and the joint commands (returns the joint count).</summary>
    public static int ReadCommand(ReadOnlySpan<byte> payload, out CommandOptions flags, Span<JointCommand> commands)
    {
        int count = payload[0];
        flags = (CommandOptions)payload[1];
        for (int i = 0, o = 2; i < count && i < commands.Length; i++, o += CommandJointBytes)
        {
            commands[i] = new JointCommand(
                BinaryPrimitives.ReadSingleLittleEndian(payload[o..]),
                BinaryPrimitives.ReadSingleLittleEndian(payload[(o + 4)..]),
                BinaryPrimitives.ReadSingleLittleEndian(payload[(o + 8)..]),
                BinaryPrimitives.ReadSingleLittleEndian(payload[(o + 12)..]),
                BinaryPrimitives.ReadSingleLittleEndian(payload[(o + 16)..]));
        }
        return count;
    }

    /// <summary>Reads a State payload into <paramref name="joints"/>.</summary>
    public static BoardStateHeader ReadState(ReadOnlySpan<byte> payload, Span<JointSample> joints)
    {
        int count = payload[0];
        var header = new BoardStateHeader(count, payload[1], (BoardStatus)payload[2], BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]));
        for (int i = 0, o = 8; i < count && i < joints.Length; i++, o += StateJointBytes)
        {
            joints[i] = new JointSample(
                BinaryPrimitives.ReadSingleLittleEndian(payload[o..]),
                BinaryPrimitives.ReadSingleLittleEndian(payload[(o + 4)..]),
                BinaryPrimitives.ReadSingleLittleEndian(payload[(o + 8)..]),
                BinaryPrimitives.ReadInt16LittleEndian(payload[(o + 12)..]),
                (JointFaults)BinaryPrimitives.ReadUInt16LittleEndian(payload[(o + 14)..]));
        }
        return header;
    }

    public static BoardHeartbeat ReadHeartbeat(ReadOnlySpan<byte> p) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(p), p[4], p[5], p[6], (BoardStatus)p[7],
        BinaryPrimitives.ReadUInt16LittleEndian(p[8..]), BinaryPrimitives.ReadUInt16LittleEndian(p[10..]));

    public static uint ReadHeartbeatRequest(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadUInt32LittleEndian(p);

    private static bool PayloadLengthValid(JointBoardFrameType type, ReadOnlySpan<byte> p) => type switch
    {
        JointBoardFrameType.Command => p.Length >= 2 && p[0] is >= 1 and <= MaxJoints && p.Length == 2 + (CommandJointBytes * p[0]),
        JointBoardFrameType.State => p.Length >= 8 && p[0] is >= 1 and <= MaxJoints && p.Length == 8 + (StateJointBytes * p[0]),
        JointBoardFrameType.HeartbeatRequest => p.Length == HeartbeatRequestPayload,
        JointBoardFrameType.Heartbeat => p.Length == HeartbeatPayload,
        JointBoardFrameType.StateRequest => p.Length == 0,
        _ => false,
    };

    private static int Finish(Span<byte> dst, JointBoardFrameType type, byte boardId, byte sequence, int payloadLength)
    {
        dst[0] = Sync0;
        dst[1] = Sync1;
        dst[2] = Version;
        dst[3] = (byte)type;
        dst[4] = boardId;
        dst[5] = sequence;
        BinaryPrimitives.WriteUInt16LittleEndian(dst[6..], (ushort)payloadLength);
        int end = HeaderLength + payloadLength;
        BinaryPrimitives.WriteUInt16LittleEndian(dst[end..], DynamixelCrc.Compute(dst[..end]));
        return end + 2;
    }
}
