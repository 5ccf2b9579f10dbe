using System.Buffers.Binary;

namespace Robot.FirmwareBridge.Dynamixel;

/// <summary>
/// A preallocated Sync Read (or Fast Sync Read) of one item from several servos: build once,
/// call <see cref="Read"/> every tick without allocating.
/// </summary>
public sealed class SyncReadGroup
{
    private readonly byte[] _ids;

    public SyncReadGroup(ushort address, ushort length, IReadOnlyList<byte> ids, bool fast = false)
    {
        Address = address;
        Length = length;
        _ids = [.. ids];
        Data = new byte[_ids.Length * length];
        Statuses = new DynamixelStatus[_ids.Length];
        Fast = fast;
    }

    /// <summary>A group reading one control-table item.</summary>
    public SyncReadGroup(ControlTableItem item, IReadOnlyList<byte> ids, bool fast = false)
        : this(item.Address, item.Size, ids, fast)
    {
        IsSigned = item.IsSigned;
    }

    public ushort Address { get; }

    public ushort Length { get; }

    public bool Fast { get; }

    public bool IsSigned { get; init; }

    public ReadOnlySpan<byte> Ids => _ids;

    /// <summary>The bytes of the last read, <see cref="Length"/> per servo in ID order.</summary>
    public byte[] Data { get; }

    /// <summary>Status of each servo in the last read (alert bits).</summary>
    public DynamixelStatus[] Statuses { get; }

    /// <summary>True when a servo flagged a hardware alert in the last read.</summary>
    public bool AnyAlert
    {
        get
        {
            foreach (DynamixelStatus s in Statuses)
            {
                if (s.HardwareAlert)
                {
                    return true;
                }
            }
            return false;
        }
    }

    public void Read(DynamixelBus bus) => bus.SyncRead(Address, Length, _ids, Data, Statuses, Fast);

    /// <summary>The value of servo <paramref name="index"/> (in <see cref="Ids"/> order).</summary>
    public int Value(int index) => DynamixelBus.Decode(Data.AsSpan(index * Length, Length), IsSigned);
}

/// <summary>A preallocated Sync Write of one item to several servos.</summary>
public sealed class SyncWriteGroup
{
    private readonly byte[] _ids;

    public SyncWriteGroup(ushort address, ushort length, IReadOnlyList<byte> ids)
    {
        Address = address;
        Length = length;
        _ids = [.. ids];
        Data = new byte[_ids.Length * length];
    }

    public SyncWriteGroup(ControlTableItem item, IReadOnlyList<byte> ids) : this(item.Address, item.Size, ids) { }

    public ushort Address { get; }

    public ushort Length { get; }

    public ReadOnlySpan<byte> Ids => _ids;

    public byte[] Data { get; }

    /// <summary>Sets servo <paramref name="index"/>'s value (little-endian, truncated to the item size).</summary>
    public void SetValue(int index, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        b[..Length].CopyTo(Data.AsSpan(index * Length));
    }

    public void Write(DynamixelBus bus) => bus.SyncWrite(Address, Length, _ids, Data);
}

/// <summary>A preallocated Bulk Read (or Fast Bulk Read): a different item per servo.</summary>
public sealed class BulkReadGroup
{
    private readonly BulkItem[] _items;
    private readonly int[] _offsets;

    public BulkReadGroup(IReadOnlyList<BulkItem> items, bool fast = false)
    {
        _items = [.. items];
        _offsets = new int[_items.Length];
        int o = 0;
        for (int i = 0; i < _items.Length; i++)
        {
            _offsets[i] = o;
            o += _items[i].Length;
        }
        Data = new byte[o];
        Statuses = new DynamixelStatus[_items.Length];
        Fast = fast;
    }

    public bool Fast { get; }

    public byte[] Data { get; }

    public DynamixelStatus[] Statuses { get; }

    public void Read(DynamixelBus bus) => bus.BulkRead(_items, Data, Statuses, Fast);

    /// <summary>Item <paramref name="index"/>'s bytes from the last read.</summary>
    public ReadOnlySpan<byte> Bytes(int index) => Data.AsSpan(_offsets[index], _items[index].Length);

    public int Value(int index, bool isSigned = true) => DynamixelBus.Decode(Bytes(index), isSigned);
}

/// <summary>A preallocated Bulk Write: a different item per servo.</summary>
public sealed class BulkWriteGroup
{
    private readonly BulkItem[] _items;
    private readonly int[] _offsets;

    public BulkWriteGroup(IReadOnlyList<BulkItem> items)
    {
        _items = [.. items];
        _offsets = new int[_items.Length];
        int o = 0;
        for (int i = 0; i < _items.Length; i++)
        {
            _offsets[i] = o;
            o += _items[i].Length;
        }
        Data = new byte[o];
    }

    public byte[] Data { get; }

    public void SetValue(int index, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        b[.._items[index].Length].CopyTo(Data.AsSpan(_offsets[index]));
    }

    public void Write(DynamixelBus bus) => bus.BulkWrite(_items, Data);
}
