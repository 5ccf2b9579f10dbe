using System.Buffers.Binary;
using System.Text;

namespace Robot.Runtime.Telemetry.Mcap;

/// <summary>One message read back from an MCAP file.</summary>
public sealed record McapMessage(ushort ChannelId, uint Sequence, ulong LogTime, byte[] Data);

/// <summary>A channel read back from an MCAP file.</summary>
public sealed record McapChannel(ushort Id, ushort SchemaId, string Topic, string MessageEncoding, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A schema read back from an MCAP file.</summary>
public sealed record McapSchema(ushort Id, string Name, string Encoding, byte[] Data);

/// <summary>
/// Reads an MCAP file front to back (uncompressed chunks, as <see cref="McapWriter"/> writes
/// them). A file cut off by a crash is read up to its last complete record and
/// <see cref="Truncated"/> says so; anything else malformed throws <see cref="InvalidDataException"/>
/// naming the offset.
/// </summary>
public sealed class McapReader
{
    private McapReader() { }

    public List<McapSchema> Schemas { get; } = [];
    public List<McapChannel> Channels { get; } = [];
    public List<McapMessage> Messages { get; } = [];

    /// <summary>True when the file ended before its footer (a crash or a copy in progress).</summary>
    public bool Truncated { get; private set; }

    /// <summary>True when the summary section and footer were present.</summary>
    public bool HasFooter { get; private set; }

    public static McapReader Read(string path) => Read(File.ReadAllBytes(path), path);

    public static McapReader Read(byte[] bytes, string name = "<memory>")
    {
        var reader = new McapReader();
        if (bytes.Length < 8 || !bytes.AsSpan(0, 8).SequenceEqual(McapFormat.Magic))
        {
            throw new InvalidDataException($"{name}: not an MCAP file (bad magic at offset 0)");
        }
        reader.ReadRecords(bytes.AsSpan(8), 8, name, topLevel: true);
        return reader;
    }

    private void ReadRecords(ReadOnlySpan<byte> data, long baseOffset, string name, bool topLevel)
    {
        int pos = 0;
        bool inSummary = false;
        while (pos < data.Length)
        {
            if (topLevel && data.Length - pos == 8 && data[pos..].SequenceEqual(McapFormat.Magic))
            {
                return;
            }
            if (data.Length - pos < 9)
            {
                Truncated = true;
                return;
            }
            var op = (McapOpcode)data[pos];
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(data[(pos + 1)..]);
            if (length > (ulong)(data.Length - pos - 9))
            {
                if (!topLevel)
                {
                    throw new InvalidDataException($"{name}: record at offset {baseOffset + pos} overruns its chunk");
                }
                Truncated = true;
                return;
            }
            ReadOnlySpan<byte> body = data.Slice(pos + 9, (int)length);
            switch (op)
            {
                case McapOpcode.Schema when !inSummary:
                    {
                        int p = 0;
                        ushort id = U16(body, ref p);
                        string schemaName = Str(body, ref p);
                        string encoding = Str(body, ref p);
                        uint size = U32(body, ref p);
                        Schemas.Add(new McapSchema(id, schemaName, encoding, body.Slice(p, (int)size).ToArray()));
                        break;
                    }
                case McapOpcode.Channel when !inSummary:
                    {
                        int p = 0;
                        ushort id = U16(body, ref p);
                        ushort schema = U16(body, ref p);
                        string topic = Str(body, ref p);
                        string encoding = Str(body, ref p);
                        uint mapLength = U32(body, ref p);
                        int end = p + (int)mapLength;
                        var meta = new Dictionary<string, string>();
                        while (p < end)
                        {
                            string k = Str(body, ref p);
                            meta[k] = Str(body, ref p);
                        }
                        Channels.Add(new McapChannel(id, schema, topic, encoding, meta));
                        break;
                    }
                case McapOpcode.Message:
                    {
                        int p = 0;
                        ushort channel = U16(body, ref p);
                        uint sequence = U32(body, ref p);
                        ulong logTime = U64(body, ref p);
                        p += 8; // publish time
                        Messages.Add(new McapMessage(channel, sequence, logTime, body[p..].ToArray()));
                        break;
                    }
                case McapOpcode.Chunk:
                    {
                        int p = 8 + 8 + 8 + 4;
                        string compression = Str(body, ref p);
                        if (compression is not ("" or McapWriter.Zstd))
                        {
                            throw new InvalidDataException($"{name}: chunk at offset {baseOffset + pos} uses compression '{compression}', which this reader does not support");
                        }
                        ulong recordsLength = U64(body, ref p);
                        if (compression.Length == 0)
                        {
                            ReadRecords(body.Slice(p, (int)recordsLength), baseOffset + pos + 9 + p, name, topLevel: false);
                            break;
                        }
                        ReadOnlySpan<byte> records;
                        try
                        {
                            using var zstd = new ZstdSharp.Decompressor();
                            records = zstd.Unwrap(body.Slice(p, (int)recordsLength));
                        }
                        catch (ZstdSharp.ZstdException e)
                        {
                            throw new InvalidDataException($"{name}: chunk at offset {baseOffset + pos}: its zstd data does not decompress ({e.Message})", e);
                        }
                        // Offsets inside a compressed chunk are offsets into its decompressed records.
                        ReadRecords(records, 0, name, topLevel: false);
                        break;
                    }
                case McapOpcode.DataEnd:
                    inSummary = true;
                    break;
                case McapOpcode.Footer:
                    HasFooter = true;
                    break;
                default:
                    break; // header, indexes, statistics, summary offsets: not needed to read messages
            }
            pos += 9 + (int)length;
        }
        if (topLevel && !HasFooter)
        {
            Truncated = true;
        }
    }

    private static ushort U16(ReadOnlySpan<byte> b, ref int p) { ushort v = BinaryPrimitives.ReadUInt16LittleEndian(b[p..]); p += 2; return v; }
    private static uint U32(ReadOnlySpan<byte> b, ref int p) { uint v = BinaryPrimitives.ReadUInt32LittleEndian(b[p..]); p += 4; return v; }
    private static ulong U64(ReadOnlySpan<byte> b, ref int p) { ulong v = BinaryPrimitives.ReadUInt64LittleEndian(b[p..]); p += 8; return v; }

    private static string Str(ReadOnlySpan<byte> b, ref int p)
    {
        int n = (int)U32(b, ref p);
        string s = Encoding.UTF8.GetString(b.Slice(p, n));
        p += n;
        return s;
    }
}
