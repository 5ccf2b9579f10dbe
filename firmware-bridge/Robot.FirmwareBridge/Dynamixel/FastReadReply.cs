using System.Buffers.Binary;

namespace Robot.FirmwareBridge.Dynamixel;

/// <summary>One servo's slice of a Fast Sync/Bulk Read reply; offsets index the raw packet.</summary>
public readonly record struct FastReplyEntry(byte Id, byte Error, int DataOffset, int DataLength)
{
    public DynamixelStatus Status => new(Id, Error);
}

/// <summary>
/// The single reply to Fast Sync Read (0x8A) and Fast Bulk Read (0x9A):
/// <c>FF FF FD 00 FE LEN 55 | ERR1 ID1 data1 CRC1 | … | ERRn IDn datan CRC</c>. Never stuffed.
/// Each inner CRC is the running CRC from the first header byte through that servo's data
/// (previous inner CRC bytes included); the last one is the packet's CRC.
/// </summary>
public static class FastReadReply
{
    /// <summary>Total size of a reply for the given per-servo data lengths.</summary>
    public static int Size(ReadOnlySpan<ushort> dataLengths)
    {
        int size = 8;
        foreach (ushort x in dataLengths)
        {
            size += x + 4;
        }
        return size;
    }

    /// <summary>Total size of a Fast Sync Read reply: N servos × X bytes each.</summary>
    public static int Size(int count, int dataLength) => 8 + (count * (dataLength + 4));

    /// <summary>
    /// Encodes a reply (the emulator's side). <paramref name="data"/> holds every servo's data
    /// concatenated; <paramref name="dataLengths"/> one length per servo (at least one servo).
    /// </summary>
    public static int Encode(Span<byte> dst, ReadOnlySpan<byte> ids, ReadOnlySpan<byte> errors, ReadOnlySpan<ushort> dataLengths, ReadOnlySpan<byte> data)
    {
        if (ids.Length == 0)
        {
            throw new ArgumentException("a fast read reply carries at least one servo", nameof(ids));
        }
        int total = Size(dataLengths);
        dst[0] = 0xFF;
        dst[1] = 0xFF;
        dst[2] = 0xFD;
        dst[3] = 0x00;
        dst[4] = DynamixelPacket.BroadcastId;
        BinaryPrimitives.WriteUInt16LittleEndian(dst[5..], (ushort)(total - 7));
        dst[7] = (byte)DynamixelInstruction.Status;
        int o = 8;
        ushort crc = 0;
        int crcFrom = 0;
        int d = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            dst[o++] = errors[i];
            dst[o++] = ids[i];
            data.Slice(d, dataLengths[i]).CopyTo(dst[o..]);
            o += dataLengths[i];
            d += dataLengths[i];
            crc = DynamixelCrc.Update(crc, dst[crcFrom..o]);
            BinaryPrimitives.WriteUInt16LittleEndian(dst[o..], crc);
            crcFrom = o;
            o += 2;
        }
        return o;
    }

    /// <summary>Parses a Fast Sync Read reply where every servo returns <paramref name="dataLength"/> bytes.</summary>
    public static DecodeStatus Parse(ReadOnlySpan<byte> packet, int dataLength, Span<FastReplyEntry> entries)
    {
        Span<ushort> lengths = stackalloc ushort[entries.Length];
        lengths.Fill((ushort)dataLength);
        return Parse(packet, lengths, entries);
    }

    /// <summary>
    /// Parses a reply starting at the first header byte of <paramref name="packet"/>, checking
    /// LEN, the instruction, every inner CRC and the packet CRC. <see cref="DecodeStatus.NeedMoreData"/>
    /// when <paramref name="packet"/> is shorter than the expected reply.
    /// </summary>
    public static DecodeStatus Parse(ReadOnlySpan<byte> packet, ReadOnlySpan<ushort> dataLengths, Span<FastReplyEntry> entries)
    {
        int expected = 8;
        foreach (ushort x in dataLengths)
        {
            expected += x + 4;
        }
        if (packet.Length < 8)
        {
            return DecodeStatus.NeedMoreData;
        }
        if (DynamixelPacket.FindHeader(packet) != 0 || packet[4] != DynamixelPacket.BroadcastId || packet[7] != (byte)DynamixelInstruction.Status)
        {
            return DecodeStatus.Malformed;
        }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(packet[5..]);
        if (length + 7 != expected)
        {
            return DecodeStatus.Malformed;
        }
        if (packet.Length < expected)
        {
            return DecodeStatus.NeedMoreData;
        }
        ushort crc = 0;
        int crcFrom = 0;
        int o = 8;
        for (int i = 0; i < dataLengths.Length; i++)
        {
            byte error = packet[o];
            byte id = packet[o + 1];
            int dataOffset = o + 2;
            o = dataOffset + dataLengths[i];
            crc = DynamixelCrc.Update(crc, packet[crcFrom..o]);
            if (crc != BinaryPrimitives.ReadUInt16LittleEndian(packet[o..]))
            {
                return DecodeStatus.CrcError;
            }
            crcFrom = o;
            o += 2;
            entries[i] = new FastReplyEntry(id, error, dataOffset, dataLengths[i]);
        }
        return DecodeStatus.Ok;
    }
}
