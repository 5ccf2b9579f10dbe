namespace Robot.Runtime.Telemetry.Mcap;

/// <summary>
/// Writes an MCAP file (mcap.dev/spec): magic, header, schemas and channels, then messages in
/// chunks, each chunk followed by its message indexes; on <see cref="Dispose"/> the data end,
/// a summary (schemas, channels, statistics, chunk indexes), summary offsets and the footer.
///
/// Crash behaviour: each finished chunk is flushed to the stream before the next begins, so a
/// file cut off by a crash is readable up to its last complete chunk (<see cref="McapReader"/>
/// reads such files and reports the truncation). Chunks are uncompressed or zstd-compressed (the
/// MCAP tools' default: 1 kHz telemetry shrinks several-fold), CRCs are 0 ("not computed", allowed
/// by the spec). Not thread-safe: one writer thread.
///
/// Allocation: a chunk is compressed into a reused buffer and its message indexes go into reused
/// lists, so writing messages and closing chunks allocates nothing in steady state. Only the
/// summary's chunk index grows with the file (one entry per chunk, preallocated for about 100 s
/// of 1 kHz telemetry, then grown by doubling).
/// </summary>
public sealed class McapWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly long _chunkSize;
    private readonly McapRecordBuffer _chunk = new(1 << 20);
    private readonly McapRecordBuffer _out = new(1 << 20);
    private readonly List<(ushort Id, string Name, string Encoding, byte[] Data)> _schemas = [];
    private readonly List<(ushort Id, ushort SchemaId, string Topic, string Encoding, IReadOnlyDictionary<string, string> Metadata)> _channels = [];
    private readonly List<ChunkIndexEntry> _chunkIndexes = new(1024);
    // Every chunk's message-index offsets, one run per chunk (ChunkIndexEntry.FirstIndexOffset, IndexOffsetCount).
    private readonly List<(ushort Channel, ulong Offset)> _indexOffsets = new(8 * 1024);
    private byte[] _compressed = [];
    private readonly Dictionary<ushort, List<(ulong LogTime, ulong Offset)>> _messageIndex = [];
    private readonly Dictionary<ushort, ulong> _channelCounts = [];
    private ulong _chunkStart = ulong.MaxValue, _chunkEnd;
    private ulong _messageCount, _fileStart = ulong.MaxValue, _fileEnd;
    private bool _disposed;

    private readonly record struct ChunkIndexEntry(ulong Start, ulong End, ulong Offset, ulong Length, int FirstIndexOffset, int IndexOffsetCount, ulong IndexLength, ulong UncompressedSize, ulong CompressedSize);

    /// <summary>The MCAP name of zstd chunk compression.</summary>
    public const string Zstd = "zstd";

    private readonly ZstdSharp.Compressor? _zstd;
    private readonly string _compression;

    /// <param name="stream">Destination; written sequentially, owned by the writer.</param>
    /// <param name="profile">MCAP profile ("" for none).</param>
    /// <param name="chunkSize">Uncompressed bytes after which a chunk is closed and flushed. Default 64 KiB (≈ 0.1 s of 1 kHz telemetry).</param>
    /// <param name="compression">Chunk compression: "" (none) or "zstd".</param>
    /// <exception cref="ArgumentException">An unknown compression.</exception>
    public McapWriter(Stream stream, string profile = "", long chunkSize = 64 * 1024, string compression = "")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (compression is not ("" or Zstd))
        {
            throw new ArgumentException($"MCAP chunk compression '{compression}' is not supported: use \"\" (none) or \"{Zstd}\"", nameof(compression));
        }
        _compression = compression;
        _zstd = compression == Zstd ? new ZstdSharp.Compressor(3) : null;
        _stream = stream;
        _chunkSize = chunkSize;
        if (_zstd is not null)
        {
            // A chunk closes at the first message past chunkSize: room for one more large message.
            _compressed = new byte[ZstdSharp.Compressor.GetCompressBound((int)Math.Min(chunkSize + (64 * 1024), int.MaxValue / 2))];
        }
        _out.Bytes(McapFormat.Magic);
        int at = _out.BeginRecord(McapOpcode.Header);
        _out.String(profile);
        _out.String("robot-runtime");
        _out.EndRecord(at);
        Flush(_out);
    }

    /// <summary>Registers a schema (e.g. a protobuf FileDescriptorSet) and writes it; returns its id (≥ 1).</summary>
    public ushort AddSchema(string name, string encoding, byte[] data)
    {
        ushort id = (ushort)(_schemas.Count + 1);
        _schemas.Add((id, name, encoding, data));
        WriteSchema(_out, id, name, encoding, data);
        Flush(_out);
        return id;
    }

    /// <summary>Registers a channel on <paramref name="topic"/> and writes it; returns its id.</summary>
    public ushort AddChannel(string topic, ushort schemaId, string messageEncoding, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ushort id = (ushort)_channels.Count;
        var meta = metadata ?? new Dictionary<string, string>();
        _channels.Add((id, schemaId, topic, messageEncoding, meta));
        WriteChannel(_out, id, schemaId, topic, messageEncoding, meta);
        Flush(_out);
        _messageIndex[id] = new List<(ulong, ulong)>(1024);
        _channelCounts[id] = 0;
        return id;
    }

    /// <summary>Appends one message (times in ns since the Unix epoch). Allocation-free in steady state.</summary>
    public void WriteMessage(ushort channelId, uint sequence, ulong logTime, ulong publishTime, ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ulong offset = (ulong)_chunk.Length;
        int at = _chunk.BeginRecord(McapOpcode.Message);
        _chunk.U16(channelId);
        _chunk.U32(sequence);
        _chunk.U64(logTime);
        _chunk.U64(publishTime);
        _chunk.Bytes(data);
        _chunk.EndRecord(at);
        _messageIndex[channelId].Add((logTime, offset));
        _channelCounts[channelId]++;
        _messageCount++;
        _chunkStart = Math.Min(_chunkStart, logTime);
        _chunkEnd = Math.Max(_chunkEnd, logTime);
        _fileStart = Math.Min(_fileStart, logTime);
        _fileEnd = Math.Max(_fileEnd, logTime);
        if (_chunk.Length >= _chunkSize)
        {
            FlushChunk();
        }
    }

    /// <summary>Closes the current chunk and flushes it to the stream (and the OS).</summary>
    public void FlushChunk()
    {
        if (_chunk.Length == 0)
        {
            return;
        }
        ulong chunkOffset = (ulong)_stream.Position;
        int at = _out.BeginRecord(McapOpcode.Chunk);
        _out.U64(_chunkStart);
        _out.U64(_chunkEnd);
        _out.U64((ulong)_chunk.Length);
        _out.U32(0);          // uncompressed CRC: not computed
        _out.String(_compression);
        ReadOnlySpan<byte> records = _zstd is null ? _chunk.Written : Compress(_zstd, _chunk.Written);
        _out.U64((ulong)records.Length);
        _out.Bytes(records);
        _out.EndRecord(at);
        ulong chunkLength = (ulong)_out.Length;
        int firstIndexOffset = _indexOffsets.Count;
        ulong indexStart = chunkOffset + chunkLength;
        foreach ((ushort channel, List<(ulong LogTime, ulong Offset)> entries) in _messageIndex)
        {
            if (entries.Count == 0)
            {
                continue;
            }
            _indexOffsets.Add((channel, chunkOffset + (ulong)_out.Length));
            int mi = _out.BeginRecord(McapOpcode.MessageIndex);
            _out.U16(channel);
            _out.U32((uint)(entries.Count * 16));
            foreach ((ulong logTime, ulong offset) in entries)
            {
                _out.U64(logTime);
                _out.U64(offset);
            }
            _out.EndRecord(mi);
            entries.Clear();
        }
        ulong indexLength = chunkOffset + (ulong)_out.Length - indexStart;
        _chunkIndexes.Add(new ChunkIndexEntry(_chunkStart, _chunkEnd, chunkOffset, chunkLength, firstIndexOffset, _indexOffsets.Count - firstIndexOffset,
            indexLength, (ulong)_chunk.Length, (ulong)records.Length));
        Flush(_out);
        _stream.Flush();
        if (_stream is FileStream file)
        {
            file.Flush(flushToDisk: false);
        }
        _chunk.Clear();
        _chunkStart = ulong.MaxValue;
        _chunkEnd = 0;
    }

    /// <summary>
    /// Finishes the file: flushes the open chunk, writes the summary and footer, closes the stream.
    /// The stream is closed even when a write fails (the exception then propagates).
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            WriteSummary();
        }
        finally
        {
            _zstd?.Dispose();
            _stream.Dispose();
        }
    }

    /// <summary>
    /// Closes the stream without the summary, after a write failed (disk full, I/O error): a
    /// summary written after a lost chunk would index data that is not there. What reached the
    /// file stays readable up to its last complete chunk, like a file cut off by a crash. Closing
    /// may itself throw when the stream still holds bytes it cannot write.
    /// </summary>
    public void Abort()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _zstd?.Dispose();
        _stream.Dispose();
    }

    private void WriteSummary()
    {
        FlushChunk();
        int de = _out.BeginRecord(McapOpcode.DataEnd);
        _out.U32(0);
        _out.EndRecord(de);
        Flush(_out);

        ulong summaryStart = (ulong)_stream.Position;
        var groups = new List<(McapOpcode Op, ulong Start, ulong Length)>();
        void Group(McapOpcode op, Action write)
        {
            ulong start = (ulong)_stream.Position + (ulong)_out.Length;
            int before = _out.Length;
            write();
            if (_out.Length > before)
            {
                groups.Add((op, start, (ulong)(_out.Length - before)));
            }
        }
        Group(McapOpcode.Schema, () => _schemas.ForEach(s => WriteSchema(_out, s.Id, s.Name, s.Encoding, s.Data)));
        Group(McapOpcode.Channel, () => _channels.ForEach(c => WriteChannel(_out, c.Id, c.SchemaId, c.Topic, c.Encoding, c.Metadata)));
        Group(McapOpcode.Statistics, WriteStatistics);
        Group(McapOpcode.ChunkIndex, () => _chunkIndexes.ForEach(WriteChunkIndex));
        ulong summaryOffsetStart = (ulong)_stream.Position + (ulong)_out.Length;
        foreach ((McapOpcode op, ulong start, ulong length) in groups)
        {
            int so = _out.BeginRecord(McapOpcode.SummaryOffset);
            _out.U8((byte)op);
            _out.U64(start);
            _out.U64(length);
            _out.EndRecord(so);
        }
        int footer = _out.BeginRecord(McapOpcode.Footer);
        _out.U64(summaryStart);
        _out.U64(summaryOffsetStart);
        _out.U32(0);
        _out.EndRecord(footer);
        _out.Bytes(McapFormat.Magic);
        Flush(_out);
        _stream.Flush();
    }

    private void WriteStatistics()
    {
        int at = _out.BeginRecord(McapOpcode.Statistics);
        _out.U64(_messageCount);
        _out.U16((ushort)_schemas.Count);
        _out.U32((uint)_channels.Count);
        _out.U32(0); // attachments
        _out.U32(0); // metadata
        _out.U32((uint)_chunkIndexes.Count);
        _out.U64(_messageCount == 0 ? 0 : _fileStart);
        _out.U64(_fileEnd);
        int map = _out.BeginPrefixed32();
        foreach ((ushort channel, ulong count) in _channelCounts)
        {
            _out.U16(channel);
            _out.U64(count);
        }
        _out.EndPrefixed32(map);
        _out.EndRecord(at);
    }

    private void WriteChunkIndex(ChunkIndexEntry c)
    {
        int at = _out.BeginRecord(McapOpcode.ChunkIndex);
        _out.U64(c.Start);
        _out.U64(c.End);
        _out.U64(c.Offset);
        _out.U64(c.Length);
        int map = _out.BeginPrefixed32();
        for (int i = c.FirstIndexOffset; i < c.FirstIndexOffset + c.IndexOffsetCount; i++)
        {
            (ushort channel, ulong offset) = _indexOffsets[i];
            _out.U16(channel);
            _out.U64(offset);
        }
        _out.EndPrefixed32(map);
        _out.U64(c.IndexLength);
        _out.String(_compression);
        _out.U64(c.CompressedSize);
        _out.U64(c.UncompressedSize);
        _out.EndRecord(at);
    }

    private static void WriteSchema(McapRecordBuffer b, ushort id, string name, string encoding, byte[] data)
    {
        int at = b.BeginRecord(McapOpcode.Schema);
        b.U16(id);
        b.String(name);
        b.String(encoding);
        b.U32((uint)data.Length);
        b.Bytes(data);
        b.EndRecord(at);
    }

    private static void WriteChannel(McapRecordBuffer b, ushort id, ushort schemaId, string topic, string encoding, IReadOnlyDictionary<string, string> metadata)
    {
        int at = b.BeginRecord(McapOpcode.Channel);
        b.U16(id);
        b.U16(schemaId);
        b.String(topic);
        b.String(encoding);
        int map = b.BeginPrefixed32();
        foreach ((string key, string value) in metadata)
        {
            b.String(key);
            b.String(value);
        }
        b.EndPrefixed32(map);
        b.EndRecord(at);
    }

    /// <summary>Compresses <paramref name="records"/> into the reused buffer (grown only for an unusually large chunk).</summary>
    private ReadOnlySpan<byte> Compress(ZstdSharp.Compressor zstd, ReadOnlySpan<byte> records)
    {
        int bound = ZstdSharp.Compressor.GetCompressBound(records.Length);
        if (_compressed.Length < bound)
        {
            _compressed = new byte[bound];
        }
        int length = zstd.Wrap(records, _compressed);
        return _compressed.AsSpan(0, length);
    }

    private void Flush(McapRecordBuffer buffer)
    {
        _stream.Write(buffer.Written);
        buffer.Clear();
    }
}
