using System.Buffers.Binary;
using System.Text;

namespace Robot.Runtime.Telemetry;

/// <summary>
/// Writes protobuf wire format into a caller's buffer without allocating: the telemetry
/// writer encodes every tick at 1 kHz, and generated message objects would allocate per
/// message. Covers what telemetry.proto uses: double (fixed64), int64/int32/bool (varint),
/// string and packed repeated double (length-delimited). A test decodes the output with the
/// generated parsers, so the two cannot drift.
/// </summary>
public ref struct ProtoWriter
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;

    private readonly Span<byte> _buffer;
    private int _position;

    public ProtoWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _position;

    /// <summary>A double field; proto3 omits zero (the default).</summary>
    public void WriteDouble(int field, double value)
    {
        if (value == 0 && !double.IsNegative(value))
        {
            return;
        }
        Tag(field, WireFixed64);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer[_position..], value);
        _position += 8;
    }

    /// <summary>An int64 or int32 field (negative int32 is sign-extended to ten bytes, as protobuf does).</summary>
    public void WriteInt64(int field, long value)
    {
        if (value == 0)
        {
            return;
        }
        Tag(field, WireVarint);
        Varint((ulong)value);
    }

    public void WriteBool(int field, bool value)
    {
        if (!value)
        {
            return;
        }
        Tag(field, WireVarint);
        _buffer[_position++] = 1;
    }

    /// <summary>A string field, UTF-8.</summary>
    public void WriteString(int field, string value)
    {
        if (value.Length == 0)
        {
            return;
        }
        Tag(field, WireLengthDelimited);
        int length = Encoding.UTF8.GetBytes(value, _buffer[(_position + 5)..]);
        // Move the bytes back over the unused part of the 5 bytes reserved for the length.
        int lengthBytes = VarintSize((ulong)length);
        _buffer.Slice(_position + 5, length).CopyTo(_buffer[(_position + lengthBytes)..]);
        Varint((ulong)length);
        _position += length;
    }

    /// <summary>A packed repeated double field.</summary>
    public void WritePackedDoubles(int field, ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return;
        }
        Tag(field, WireLengthDelimited);
        Varint((ulong)(values.Length * 8));
        foreach (double v in values)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(_buffer[_position..], v);
            _position += 8;
        }
    }

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_position++] = (byte)value;
    }

    private static int VarintSize(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }
}
