using System.Buffers.Binary;

namespace Robot.FirmwareBridge.Dynamixel;

/// <summary>One device's part of a Bulk Read / Fast Bulk Read / Bulk Write.</summary>
public readonly record struct BulkItem(byte Id, ushort Address, ushort Length);

/// <summary>
/// Builds every instruction packet of Protocol 2.0 straight into a caller buffer (no allocation).
/// Each method returns the packet's total length. Size the buffer with
/// <see cref="DynamixelPacket.MaxEncodedLength"/>.
/// </summary>
public static class DynamixelInstructions
{
    private const int P = DynamixelPacket.ParameterOffset;

    /// <summary>Parameters of Clear (clear multi-turn position): <c>01 44 58 4C 22</c>.</summary>
    public static ReadOnlySpan<byte> ClearParameters => [0x01, 0x44, 0x58, 0x4C, 0x22];

    public static int Ping(Span<byte> dst, byte id) => DynamixelPacket.Finish(dst, id, (byte)DynamixelInstruction.Ping, 0);

    public static int Read(Span<byte> dst, byte id, ushort address, ushort length)
    {
        WriteAddressLength(dst[P..], address, length);
        return DynamixelPacket.Finish(dst, id, (byte)DynamixelInstruction.Read, 4);
    }

    public static int Write(Span<byte> dst, byte id, ushort address, ReadOnlySpan<byte> data) =>
        AddressData(dst, id, DynamixelInstruction.Write, address, data);

    public static int RegWrite(Span<byte> dst, byte id, ushort address, ReadOnlySpan<byte> data) =>
        AddressData(dst, id, DynamixelInstruction.RegWrite, address, data);

    public static int Action(Span<byte> dst, byte id) => DynamixelPacket.Finish(dst, id, (byte)DynamixelInstruction.Action, 0);

    public static int FactoryReset(Span<byte> dst, byte id, FactoryResetMode mode)
    {
        dst[P] = (byte)mode;
        return DynamixelPacket.Finish(dst, id, (byte)DynamixelInstruction.FactoryReset, 1);
    }

    public static int Reboot(Span<byte> dst, byte id) => DynamixelPacket.Finish(dst, id, (byte)DynamixelInstruction.Reboot, 0);

    public static int Clear(Span<byte> dst, byte id)
    {
        ClearParameters.CopyTo(dst[P..]);
        return DynamixelPacket.Finish(dst, id, (byte)DynamixelInstruction.Clear, ClearParameters.Length);
    }

    public static int SyncRead(Span<byte> dst, ushort address, ushort length, ReadOnlySpan<byte> ids) =>
        SyncReadCore(dst, DynamixelInstruction.SyncRead, address, length, ids);

    public static int FastSyncRead(Span<byte> dst, ushort address, ushort length, ReadOnlySpan<byte> ids) =>
        SyncReadCore(dst, DynamixelInstruction.FastSyncRead, address, length, ids);

    /// <summary>Sync Write: <paramref name="data"/> holds <paramref name="length"/> bytes per ID, in ID order.</summary>
    public static int SyncWrite(Span<byte> dst, ushort address, ushort length, ReadOnlySpan<byte> ids, ReadOnlySpan<byte> data)
    {
        if (data.Length != ids.Length * length)
        {
            throw new ArgumentException($"sync write of {ids.Length} IDs × {length} bytes needs {ids.Length * length} data bytes, got {data.Length}", nameof(data));
        }
        WriteAddressLength(dst[P..], address, length);
        int o = P + 4;
        for (int i = 0; i < ids.Length; i++)
        {
            dst[o++] = ids[i];
            data.Slice(i * length, length).CopyTo(dst[o..]);
            o += length;
        }
        return DynamixelPacket.Finish(dst, DynamixelPacket.BroadcastId, (byte)DynamixelInstruction.SyncWrite, o - P);
    }

    public static int BulkRead(Span<byte> dst, ReadOnlySpan<BulkItem> items) => BulkReadCore(dst, DynamixelInstruction.BulkRead, items);

    public static int FastBulkRead(Span<byte> dst, ReadOnlySpan<BulkItem> items) => BulkReadCore(dst, DynamixelInstruction.FastBulkRead, items);

    /// <summary>Bulk Write: <paramref name="data"/> is every item's data concatenated in item order.</summary>
    public static int BulkWrite(Span<byte> dst, ReadOnlySpan<BulkItem> items, ReadOnlySpan<byte> data)
    {
        int o = P;
        int d = 0;
        foreach (BulkItem item in items)
        {
            dst[o] = item.Id;
            WriteAddressLength(dst[(o + 1)..], item.Address, item.Length);
            o += 5;
            if (d + item.Length > data.Length)
            {
                throw new ArgumentException("bulk write data is shorter than the items' lengths", nameof(data));
            }
            data.Slice(d, item.Length).CopyTo(dst[o..]);
            o += item.Length;
            d += item.Length;
        }
        if (d != data.Length)
        {
            throw new ArgumentException("bulk write data is longer than the items' lengths", nameof(data));
        }
        return DynamixelPacket.Finish(dst, DynamixelPacket.BroadcastId, (byte)DynamixelInstruction.BulkWrite, o - P);
    }

    /// <summary>A status packet (what a device sends back): ERR then data.</summary>
    public static int Status(Span<byte> dst, byte id, byte error, ReadOnlySpan<byte> data)
    {
        dst[P] = error;
        data.CopyTo(dst[(P + 1)..]);
        return DynamixelPacket.Finish(dst, id, (byte)DynamixelInstruction.Status, 1 + data.Length);
    }

    private static int AddressData(Span<byte> dst, byte id, DynamixelInstruction instruction, ushort address, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(dst[P..], address);
        data.CopyTo(dst[(P + 2)..]);
        return DynamixelPacket.Finish(dst, id, (byte)instruction, 2 + data.Length);
    }

    private static int SyncReadCore(Span<byte> dst, DynamixelInstruction instruction, ushort address, ushort length, ReadOnlySpan<byte> ids)
    {
        WriteAddressLength(dst[P..], address, length);
        ids.CopyTo(dst[(P + 4)..]);
        return DynamixelPacket.Finish(dst, DynamixelPacket.BroadcastId, (byte)instruction, 4 + ids.Length);
    }

    private static int BulkReadCore(Span<byte> dst, DynamixelInstruction instruction, ReadOnlySpan<BulkItem> items)
    {
        int o = P;
        foreach (BulkItem item in items)
        {
            dst[o] = item.Id;
            WriteAddressLength(dst[(o + 1)..], item.Address, item.Length);
            o += 5;
        }
        return DynamixelPacket.Finish(dst, DynamixelPacket.BroadcastId, (byte)instruction, o - P);
    }

    private static void WriteAddressLength(Span<byte> dst, ushort address, ushort length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(dst, address);
        BinaryPrimitives.WriteUInt16LittleEndian(dst[2..], length);
    }
}
