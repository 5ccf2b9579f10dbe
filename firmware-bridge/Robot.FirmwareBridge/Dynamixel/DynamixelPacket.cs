using System.Buffers.Binary;

namespace Robot.FirmwareBridge.Dynamixel;

/// <summary>Outcome of <see cref="DynamixelPacket.TryDecode"/>.</summary>
public enum DecodeStatus
{
    /// <summary>A whole packet with a good CRC was decoded.</summary>
    Ok,
    /// <summary>No whole packet yet; read more bytes and call again with the unconsumed rest.</summary>
    NeedMoreData,
    /// <summary>A packet was delimited but its CRC is wrong.</summary>
    CrcError,
    /// <summary>A packet was delimited but is impossible (LEN too small, bad stuffing, too large for the caller's buffer).</summary>
    Malformed,
}

/// <summary>A decoded packet: the parameters were written to the caller's buffer.</summary>
/// <param name="Id">Device ID (0xFE for broadcast and Fast Sync/Bulk Read replies).</param>
/// <param name="Instruction">Instruction byte (0x55 for a status packet).</param>
/// <param name="ParameterLength">Bytes written to the parameter buffer (for a status: ERR and the data).</param>
/// <param name="WireLength">Bytes the packet occupied on the wire, stuffing included.</param>
public readonly record struct DecodedPacket(byte Id, byte Instruction, int ParameterLength, int WireLength)
{
    /// <summary>The instruction as an enum.</summary>
    public DynamixelInstruction Kind => (DynamixelInstruction)Instruction;
}

/// <summary>
/// Dynamixel Protocol 2.0 framing: <c>FF FF FD 00 | ID | LEN_L LEN_H | INST | P… | CRC_L CRC_H</c>.
/// Encoding and decoding work in caller buffers and do not allocate.
/// <para>
/// Byte stuffing is defined on the raw (unstuffed) instruction+parameter field: after every raw
/// <c>FF FF FD</c> an extra <c>FD</c> is sent. The decoder mirrors this exactly: it appends each
/// received byte to the raw field, and whenever the raw field ends in <c>FF FF FD</c> the next
/// received byte must be the stuffed <c>FD</c>, which is dropped. Because the pattern cannot
/// overlap itself, chained patterns such as <c>FF FF FD FF FD</c> or <c>FF FF FD FD FD</c>
/// round-trip exactly (the property tests check random payloads rich in these bytes).
/// </para>
/// </summary>
public static class DynamixelPacket
{
    /// <summary>Bytes of the header <c>FF FF FD 00</c>.</summary>
    public const int HeaderLength = 4;

    /// <summary>Offset of the instruction byte.</summary>
    public const int InstructionOffset = 7;

    /// <summary>Offset of the first parameter.</summary>
    public const int ParameterOffset = 8;

    /// <summary>Broadcast ID.</summary>
    public const byte BroadcastId = 0xFE;

    /// <summary>Largest legal device ID.</summary>
    public const byte MaxId = 252;

    /// <summary>Largest total packet size (LEN is 16 bits).</summary>
    public const int MaxPacketLength = 0xFFFF + 7;

    /// <summary>Worst-case encoded size of a packet with <paramref name="parameterLength"/> raw parameter bytes.</summary>
    public static int MaxEncodedLength(int parameterLength) => 10 + parameterLength + ((parameterLength + 1) / 3);

    /// <summary>
    /// Encodes a packet into <paramref name="destination"/> and returns its total length.
    /// <paramref name="parameters"/> may not overlap <paramref name="destination"/>.
    /// </summary>
    public static int Encode(Span<byte> destination, byte id, byte instruction, ReadOnlySpan<byte> parameters)
    {
        if (destination.Length < ParameterOffset + parameters.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes; the packet needs at least {MaxEncodedLength(parameters.Length)}", nameof(destination));
        }
        parameters.CopyTo(destination[ParameterOffset..]);
        return Finish(destination, id, instruction, parameters.Length);
    }

    /// <inheritdoc cref="Encode(Span{byte}, byte, byte, ReadOnlySpan{byte})"/>
    public static int Encode(Span<byte> destination, byte id, DynamixelInstruction instruction, ReadOnlySpan<byte> parameters) =>
        Encode(destination, id, (byte)instruction, parameters);

    /// <summary>
    /// Completes a packet whose raw parameters the caller already wrote at
    /// <c>destination[8 .. 8 + rawParameterLength]</c>: stuffs them in place, writes header, ID,
    /// LEN, instruction and CRC. Returns the total length. This is the zero-copy path the
    /// instruction builders use.
    /// </summary>
    public static int Finish(Span<byte> destination, byte id, byte instruction, int rawParameterLength)
    {
        int fieldLength = 1 + rawParameterLength;
        destination[InstructionOffset] = instruction;
        Span<byte> field = destination.Slice(InstructionOffset, fieldLength);
        int stuffCount = CountStuffing(field);
        int total = InstructionOffset + fieldLength + stuffCount + 2;
        if (total > MaxPacketLength)
        {
            throw new ArgumentException($"a packet of {total} bytes exceeds the protocol's 16-bit length", nameof(rawParameterLength));
        }
        if (destination.Length < total)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes; the packet needs {total}", nameof(destination));
        }
        if (stuffCount > 0)
        {
            StuffInPlace(destination.Slice(InstructionOffset, fieldLength + stuffCount), fieldLength, stuffCount);
        }
        destination[0] = 0xFF;
        destination[1] = 0xFF;
        destination[2] = 0xFD;
        destination[3] = 0x00;
        destination[4] = id;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[5..], (ushort)(total - 7));
        ushort crc = DynamixelCrc.Compute(destination[..(total - 2)]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[(total - 2)..], crc);
        return total;
    }

    /// <summary>Number of stuffing bytes the raw field needs (one per <c>FF FF FD</c>).</summary>
    public static int CountStuffing(ReadOnlySpan<byte> rawField)
    {
        int count = 0;
        for (int i = 2; i < rawField.Length; i++)
        {
            if (rawField[i] == 0xFD && rawField[i - 1] == 0xFF && rawField[i - 2] == 0xFF)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Stuffs a raw field into <paramref name="destination"/>; returns the stuffed length.</summary>
    public static int Stuff(ReadOnlySpan<byte> rawField, Span<byte> destination)
    {
        int o = 0;
        for (int i = 0; i < rawField.Length; i++)
        {
            destination[o++] = rawField[i];
            if (i >= 2 && rawField[i] == 0xFD && rawField[i - 1] == 0xFF && rawField[i - 2] == 0xFF)
            {
                destination[o++] = 0xFD;
            }
        }
        return o;
    }

    /// <summary>
    /// Removes stuffing from <paramref name="stuffed"/> into <paramref name="destination"/>;
    /// returns the raw length, or -1 when the stuffing is invalid (a raw <c>FF FF FD</c> not
    /// followed by <c>FD</c>) or the destination is too small. The two spans may be the same
    /// memory (unstuffing never grows).
    /// </summary>
    public static int Unstuff(ReadOnlySpan<byte> stuffed, Span<byte> destination)
    {
        int o = 0;
        // The last two raw bytes, tracked so a dropped stuffing byte never becomes part of a pattern.
        byte r1 = 0, r2 = 0;
        int i = 0;
        while (i < stuffed.Length)
        {
            byte b = stuffed[i++];
            if (o >= destination.Length)
            {
                return -1;
            }
            destination[o++] = b;
            if (b == 0xFD && r1 == 0xFF && r2 == 0xFF && o >= 3)
            {
                if (i >= stuffed.Length || stuffed[i] != 0xFD)
                {
                    return -1;
                }
                i++;
                // The raw history after a pattern: ... FF FD; an FD cannot complete a new pattern next.
            }
            r2 = r1;
            r1 = b;
        }
        return o;
    }

    private static void StuffInPlace(Span<byte> span, int rawLength, int stuffCount)
    {
        int shift = stuffCount;
        for (int j = rawLength - 1; j >= 0 && shift > 0; j--)
        {
            bool patternEnds = j >= 2 && span[j] == 0xFD && span[j - 1] == 0xFF && span[j - 2] == 0xFF;
            if (patternEnds)
            {
                span[j + shift] = 0xFD;
                shift--;
            }
            span[j + shift] = span[j];
        }
    }

    /// <summary>Index of the first header <c>FF FF FD 00</c> in <paramref name="buffer"/>, or -1.</summary>
    public static int FindHeader(ReadOnlySpan<byte> buffer) => buffer.IndexOf(HeaderBytes);

    /// <summary>
    /// Looks for one packet in <paramref name="input"/>. Bytes before the header are skipped.
    /// <paramref name="consumed"/> is how many bytes of <paramref name="input"/> the caller may
    /// drop (garbage, or the decoded packet); on <see cref="DecodeStatus.CrcError"/> and
    /// <see cref="DecodeStatus.Malformed"/> it skips one byte past the bad header so the caller
    /// can resynchronise. With <paramref name="unstuff"/> false the field is copied as received
    /// (Fast Sync/Bulk Read replies are never stuffed).
    /// </summary>
    public static DecodeStatus TryDecode(ReadOnlySpan<byte> input, Span<byte> parameters, out DecodedPacket packet, out int consumed, bool unstuff = true)
    {
        packet = default;
        int start = FindHeader(input);
        if (start < 0)
        {
            // Keep a tail that could be the start of a header.
            int keep = Math.Min(3, input.Length);
            while (keep > 0 && !input[^keep..].SequenceEqual(HeaderPrefix(keep)))
            {
                keep--;
            }
            consumed = input.Length - keep;
            return DecodeStatus.NeedMoreData;
        }
        consumed = start;
        ReadOnlySpan<byte> rest = input[start..];
        if (rest.Length < InstructionOffset + 1)
        {
            return DecodeStatus.NeedMoreData;
        }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(rest[5..]);
        if (length < 3)
        {
            consumed = start + 1;
            return DecodeStatus.Malformed;
        }
        int total = length + 7;
        if (rest.Length < total)
        {
            return DecodeStatus.NeedMoreData;
        }
        ushort crc = DynamixelCrc.Compute(rest[..(total - 2)]);
        if (crc != BinaryPrimitives.ReadUInt16LittleEndian(rest[(total - 2)..]))
        {
            consumed = start + 1;
            return DecodeStatus.CrcError;
        }
        ReadOnlySpan<byte> field = rest[InstructionOffset..(total - 2)];
        int parameterLength;
        if (unstuff)
        {
            // The instruction byte takes part in pattern tracking, as it does when encoding.
            parameterLength = UnstuffField(field, parameters);
            if (parameterLength < 0)
            {
                consumed = start + 1;
                return DecodeStatus.Malformed;
            }
        }
        else
        {
            if (parameters.Length < field.Length - 1)
            {
                consumed = start + 1;
                return DecodeStatus.Malformed;
            }
            field[1..].CopyTo(parameters);
            parameterLength = field.Length - 1;
        }
        packet = new DecodedPacket(rest[4], rest[InstructionOffset], parameterLength, total);
        consumed = start + total;
        return DecodeStatus.Ok;
    }

    /// <summary>Unstuffs field = INST + stuffed params; writes only the params. Returns -1 on error.</summary>
    private static int UnstuffField(ReadOnlySpan<byte> field, Span<byte> parameters)
    {
        int o = 0;
        byte r1 = field[0], r2 = 0;
        int i = 1;
        int rawCount = 1;
        while (i < field.Length)
        {
            byte b = field[i++];
            if (o >= parameters.Length)
            {
                return -1;
            }
            parameters[o++] = b;
            rawCount++;
            if (b == 0xFD && r1 == 0xFF && r2 == 0xFF && rawCount >= 3)
            {
                if (i >= field.Length || field[i] != 0xFD)
                {
                    return -1;
                }
                i++;
            }
            r2 = r1;
            r1 = b;
        }
        return o;
    }

    private static ReadOnlySpan<byte> HeaderPrefix(int length) => HeaderBytes[..length];

    private static ReadOnlySpan<byte> HeaderBytes => [0xFF, 0xFF, 0xFD, 0x00];
}
