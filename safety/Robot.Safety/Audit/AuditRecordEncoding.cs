using System.Buffers.Binary;
using System.Text;

namespace Robot.Safety.Audit;

/// <summary>
/// The canonical byte encoding of one audit record: the RFC 6962 leaf data (entry) the Merkle
/// tree hashes. Version 1, all integers big-endian:
/// <code>
///   u8      version          = 1
///   u64     index            the record's 0-based position in the log (binds the record to its place)
///   i64     timestamp        microseconds since 1970-01-01T00:00:00Z
///   8 × str source, category, type, result, principal, robotId, zoneId, details
///   str  =  i32 length in bytes (-1 = null) ‖ UTF-8 bytes (strict: no lone surrogates)
/// </code>
/// One record has exactly one encoding, so anyone can re-derive a leaf hash from the fields an
/// export prints. A new field or order means a new version byte, never a changed version 1.
/// </summary>
public static class AuditRecordEncoding
{
    /// <summary>The version byte this code writes.</summary>
    public const byte Version = 1;

    /// <summary>Largest encoded record, bytes (1 MiB): a record is an event, not a file.</summary>
    public const int MaxEncodedBytes = 1 << 20;

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Timestamps are kept at microsecond resolution; this is what the log stores for <paramref name="timestamp"/>.</summary>
    public static long ToUnixMicroseconds(DateTimeOffset timestamp) =>
        (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromUnixMicroseconds(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + microseconds * 10, TimeSpan.Zero);

    /// <summary>
    /// Checks that <paramref name="record"/> can be encoded (required fields present, valid
    /// UTF-16, size limit); throws <see cref="ArgumentException"/> naming the field otherwise.
    /// </summary>
    public static void Validate(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        long total = 1 + 8 + 8;
        total += Required(record.Source, nameof(AuditRecord.Source));
        total += Required(record.Category, nameof(AuditRecord.Category));
        total += Required(record.Type, nameof(AuditRecord.Type));
        total += Required(record.Result, nameof(AuditRecord.Result));
        total += Required(record.Principal, nameof(AuditRecord.Principal));
        total += Optional(record.RobotId, nameof(AuditRecord.RobotId));
        total += Optional(record.ZoneId, nameof(AuditRecord.ZoneId));
        total += Optional(record.Details, nameof(AuditRecord.Details));
        if (total > MaxEncodedBytes)
        {
            throw new ArgumentException($"audit record encodes to {total} bytes; the limit is {MaxEncodedBytes}", nameof(record));
        }

        static long Required(string? value, string field) => value is null
            ? throw new ArgumentException($"audit record field {field} is required (got null)", nameof(record))
            : Optional(value, field);

        static long Optional(string? value, string field)
        {
            if (value is null)
            {
                return 4;
            }
            try
            {
                return 4 + s_utf8.GetByteCount(value);
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException($"audit record field {field} is not valid text (lone surrogate at char {e.Index})", nameof(record), e);
            }
        }
    }

    /// <summary>Encodes <paramref name="record"/> at log position <paramref name="index"/> (version 1).</summary>
    public static byte[] Encode(long index, AuditRecord record)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        string?[] fields = Fields(record);
        int size = 1 + 8 + 8;
        foreach (string? f in fields)
        {
            size += 4 + (f is null ? 0 : s_utf8.GetByteCount(f));
        }
        byte[] buffer = new byte[size];
        Span<byte> span = buffer;
        span[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(span[1..], (ulong)index);
        BinaryPrimitives.WriteInt64BigEndian(span[9..], ToUnixMicroseconds(record.Timestamp));
        int offset = 17;
        foreach (string? f in fields)
        {
            if (f is null)
            {
                BinaryPrimitives.WriteInt32BigEndian(span[offset..], -1);
                offset += 4;
                continue;
            }
            int written = s_utf8.GetBytes(f, span[(offset + 4)..]);
            BinaryPrimitives.WriteInt32BigEndian(span[offset..], written);
            offset += 4 + written;
        }
        return buffer;
    }

    /// <summary>Decodes a version-1 encoding; throws <see cref="FormatException"/> when it is not one.</summary>
    public static (long Index, AuditRecord Record) Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 17 || data[0] != Version)
        {
            throw new FormatException($"not a version-{Version} audit record encoding (length {data.Length}, version byte {(data.Length > 0 ? data[0] : -1)})");
        }
        long index = (long)BinaryPrimitives.ReadUInt64BigEndian(data[1..]);
        long micros = BinaryPrimitives.ReadInt64BigEndian(data[9..]);
        int offset = 17;
        var fields = new string?[8];
        for (int i = 0; i < fields.Length; i++)
        {
            if (data.Length - offset < 4)
            {
                throw new FormatException($"audit record encoding ends inside field {i}");
            }
            int length = BinaryPrimitives.ReadInt32BigEndian(data[offset..]);
            offset += 4;
            if (length == -1)
            {
                continue;
            }
            if (length < 0 || length > data.Length - offset)
            {
                throw new FormatException($"audit record field {i} has length {length}, {data.Length - offset} bytes remain");
            }
            fields[i] = s_utf8.GetString(data.Slice(offset, length));
            offset += length;
        }
        if (offset != data.Length)
        {
            throw new FormatException($"audit record encoding has {data.Length - offset} trailing bytes");
        }
        var record = new AuditRecord(FromUnixMicroseconds(micros), fields[0]!, fields[1]!, fields[2]!, fields[3]!, fields[4]!, fields[5], fields[6], fields[7]);
        return (index, record);
    }

    /// <summary>Fields in encoding order.</summary>
    private static string?[] Fields(AuditRecord r) =>
        [r.Source, r.Category, r.Type, r.Result, r.Principal, r.RobotId, r.ZoneId, r.Details];

    /// <summary>RFC 6962 leaf hash of the record at <paramref name="index"/>: SHA-256(0x00 ‖ encoding).</summary>
    public static byte[] LeafHash(long index, AuditRecord record)
    {
        byte[] hash = new byte[MerkleHash.Size];
        MerkleHash.Leaf(Encode(index, record), hash);
        return hash;
    }
}
