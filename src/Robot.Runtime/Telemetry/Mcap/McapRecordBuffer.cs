using System.Buffers.Binary;
using System.Text;

namespace Robot.Runtime.Telemetry.Mcap;

/// <summary>
/// A growable byte buffer with MCAP's little-endian primitives. Reused across chunks, so in
/// steady state it does not allocate.
/// </summary>
internal sealed class McapRecordBuffer
{
    private byte[] _bytes;

    public McapRecordBuffer(int capacity) => _bytes = new byte[capacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public Span<byte> Reserve(int count)
    {
        if (Length + count > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + count));
        }
        Span<byte> span = _bytes.AsSpan(Length, count);
        Length += count;
        return span;
    }

    public void U8(byte v) => Reserve(1)[0] = v;
    public void U16(ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), v);
    public void U32(uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), v);
    public void U64(ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), v);
    public void Bytes(ReadOnlySpan<byte> v) => v.CopyTo(Reserve(v.Length));

    /// <summary>A string: uint32 byte length, then UTF-8.</summary>
    public void String(string v)
    {
        int count = Encoding.UTF8.GetByteCount(v);
        U32((uint)count);
        Encoding.UTF8.GetBytes(v, Reserve(count));
    }

    /// <summary>Opens a record: opcode and a placeholder length; returns the position of the length.</summary>
    public int BeginRecord(McapOpcode opcode)
    {
        U8((byte)opcode);
        int at = Length;
        U64(0);
        return at;
    }

    /// <summary>Fills in the length of the record opened at <paramref name="lengthAt"/>.</summary>
    public void EndRecord(int lengthAt) =>
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(lengthAt, 8), (ulong)(Length - lengthAt - 8));

    /// <summary>Writes a uint32-length-prefixed section and returns its start, for maps and arrays.</summary>
    public int BeginPrefixed32()
    {
        int at = Length;
        U32(0);
        return at;
    }

    public void EndPrefixed32(int at) =>
        BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(at, 4), (uint)(Length - at - 4));
}
