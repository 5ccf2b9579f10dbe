using System.Buffers.Binary;
using System.Diagnostics;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Dynamixel;

/// <summary>
/// Timeouts and resilience of a <see cref="DynamixelBus"/>. The reply timeout's 25 ms default is
/// well under the SDK's 34 ms or more; a pty or a 1 Mbaud bus needs far less.
/// </summary>
public sealed record DynamixelBusOptions : SerialLineOptions;

/// <summary>Where the bus is.</summary>
public enum BusState
{
    Closed,
    Open,
    /// <summary>The device went away; calls fail fast until <see cref="DynamixelBus.Reconnect"/> succeeds.</summary>
    Lost,
}

/// <summary>What went wrong on a bus (the safety stop listens to these).</summary>
public enum BusFaultKind
{
    /// <summary>The device disappeared (unplugged, powered off with the adapter, socat died).</summary>
    Lost,
    /// <summary>Too many failures: the circuit breaker opened.</summary>
    CircuitOpen,
    /// <summary>The bus came back; writes stay refused until Rearm.</summary>
    Reconnected,
    /// <summary>A device reported a fault of its own: a joint board's joint fault or tripped watchdog, a servo's hardware alert.</summary>
    DeviceFault,
    /// <summary>The owner stopped writing commands: the joints were made limp rather than left on an old target.</summary>
    CommandsStale,
}

/// <summary>A bus fault notification.</summary>
public sealed record BusFault(string Port, BusFaultKind Kind, string Message);

/// <summary>A device found by ping or scan.</summary>
public sealed record PingResult(byte Id, ushort ModelNumber, byte Firmware, int BaudRate)
{
    public DynamixelModel? Model => DynamixelModel.FromModelNumber(ModelNumber);

    public override string ToString() => $"ID {Id}: {Model?.Name ?? $"model {ModelNumber}"} firmware {Firmware} at {BaudRate} baud";
}

/// <summary>
/// One Dynamixel Protocol 2.0 bus on a serial transport: ping, scan, read/write, Reg Write and
/// Action, Reboot, Factory Reset, Clear, Sync/Fast Sync Read, Sync Write, Bulk/Fast Bulk Read,
/// Bulk Write. Resilience (Polly.Core): reads are retried on timeouts and corrupt replies; a
/// write is never re-sent when it may have reached the device (only a status saying the device
/// rejected it with a CRC error is retried, once); a circuit breaker stops hammering a dead bus;
/// a lost device raises <see cref="Faulted"/> and is reopened with back-off by
/// <see cref="Reconnect"/>, after which writes are refused until <see cref="Rearm"/>, so no
/// stale goal is sent. Not thread-safe: one owner thread. Hot-path calls do not allocate.
/// </summary>
public sealed class DynamixelBus : IDisposable
{
    private const int MaxDevices = 253;
    private readonly ISerialTransport _transport;
    private readonly byte[] _tx = new byte[DynamixelPacket.MaxEncodedLength(8192)];
    private int _txLength;
    private readonly byte[] _rx = new byte[32 * 1024];
    private int _rxStart;
    private int _rxCount;
    private readonly byte[] _params = new byte[8192];

    // Expectations of the current read transaction.
    private readonly byte[] _expectIds = new byte[MaxDevices];
    private readonly ushort[] _expectLengths = new ushort[MaxDevices];
    private readonly int[] _expectOffsets = new int[MaxDevices];
    private readonly bool[] _received = new bool[MaxDevices];
    private readonly FastReplyEntry[] _fastEntries = new FastReplyEntry[MaxDevices];
    private int _expectCount;
    private bool _expectFast;
    private readonly byte[] _replyData = new byte[8192];
    private readonly DynamixelStatus[] _replyStatus = new DynamixelStatus[MaxDevices];
    private byte _writeId;
    private TimeSpan _timeout;

    private readonly ResiliencePipeline _breakerPipeline;
    private readonly ResiliencePipeline _readPipeline;
    private readonly ResiliencePipeline _writePipeline;
    private readonly LineReopener _reopener;
    private readonly CircuitBreakerManualControl _breaker = new();
    private bool _armed = true;

    public DynamixelBus(ISerialTransport transport, DynamixelBusOptions? options = null)
    {
        _transport = transport;
        Options = options ?? new DynamixelBusOptions();
        _timeout = Options.ReplyTimeout;
        var breaker = Options.CircuitBreaker(
            new PredicateBuilder().Handle<DynamixelTimeoutException>().Handle<DynamixelCorruptReplyException>().Handle<DynamixelWriteUncertainException>().Handle<SerialWriteTimeoutException>(),
            _breaker,
            () => RaiseFault(BusFaultKind.CircuitOpen, $"circuit breaker opened after repeated failures on {_transport.PortName}"));
        // One breaker shared by reads and writes: a dead bus stops both.
        _breakerPipeline = new ResiliencePipelineBuilder().AddCircuitBreaker(breaker).Build();
        var readBuilder = new ResiliencePipelineBuilder();
        if (Options.ReadRetries > 0)
        {
            readBuilder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DynamixelTimeoutException>().Handle<DynamixelCorruptReplyException>(),
                MaxRetryAttempts = Options.ReadRetries,
                Delay = TimeSpan.Zero,
                BackoffType = DelayBackoffType.Constant,
                OnRetry = _ =>
                {
                    ReadRetryCount++;
                    return ValueTask.CompletedTask;
                },
            });
        }
        _readPipeline = readBuilder.Build();
        _writePipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // Only a status that says "CRC error" proves the device dropped the write.
                ShouldHandle = new PredicateBuilder().Handle<DynamixelStatusException>(e => e.Status.ErrorNumber == DynamixelErrorNumber.Crc),
                MaxRetryAttempts = 1,
                Delay = TimeSpan.Zero,
            })
            .Build();
        _reopener = Options.Reopener(_transport);
    }

    public DynamixelBusOptions Options { get; }

    public ISerialTransport Transport => _transport;

    public BusState State { get; private set; } = BusState.Closed;

    /// <summary>Increments at every successful reconnect.</summary>
    public int Generation { get; private set; }

    /// <summary>False after a reconnect until <see cref="Rearm"/>: writes are refused.</summary>
    public bool IsArmed => _armed;

    /// <summary>Reads that were retried (diagnostics).</summary>
    public long ReadRetryCount { get; private set; }

    /// <summary>Raised on the owner thread (or the breaker's) when the bus is lost, its breaker opens, or it reconnects.</summary>
    public event Action<BusFault>? Faulted;

    /// <summary>Opens the transport.</summary>
    public void Open()
    {
        _transport.Open();
        State = BusState.Open;
    }

    public void Dispose()
    {
        _transport.Dispose();
        State = BusState.Closed;
    }

    /// <summary>Changes the line rate of the host side.</summary>
    public void SetBaudRate(int baudRate) => _transport.SetBaudRate(baudRate);

    /// <summary>Allows writes again after a reconnect. Call only after re-reading present state.</summary>
    public void Rearm() => _armed = true;

    /// <summary>
    /// Reopens a lost bus with exponential back-off. On success the breaker is reset, writes stay
    /// refused until <see cref="Rearm"/>, and <see cref="Faulted"/> reports Reconnected.
    /// Returns false when every attempt failed.
    /// </summary>
    public bool Reconnect(CancellationToken cancellationToken = default)
    {
        if (!_reopener.TryReopen(cancellationToken))
        {
            return false;
        }
        _rxStart = _rxCount = 0;
        _breaker.CloseAsync(CancellationToken.None).GetAwaiter().GetResult();
        State = BusState.Open;
        Generation++;
        _armed = false;
        RaiseFault(BusFaultKind.Reconnected, $"{_transport.PortName} reconnected (generation {Generation}); writes refused until re-armed");
        return true;
    }

    // ---- Ping and scan ----

    /// <summary>Pings one ID once (no retries, no breaker). Null when nothing answers in <paramref name="timeout"/>.</summary>
    public PingResult? TryPing(byte id, TimeSpan? timeout = null)
    {
        EnsureAvailable();
        _txLength = DynamixelInstructions.Ping(_tx, id);
        try
        {
            _timeout = timeout ?? Options.ReplyTimeout;
            SendRequest();
            long deadline = Deadline();
            while (true)
            {
                DecodedPacket packet = ReceivePacket(deadline);
                if (packet.Id == id && packet.ParameterLength >= 4)
                {
                    return new PingResult(id, BinaryPrimitives.ReadUInt16LittleEndian(_params.AsSpan(1)), _params[3], _transport.BaudRate);
                }
            }
        }
        catch (DynamixelException)
        {
            return null;
        }
        catch (SerialDisconnectedException e)
        {
            MarkLost(e);
            throw;
        }
        finally
        {
            _timeout = Options.ReplyTimeout;
        }
    }

    /// <summary>Broadcast ping: every device that answers within <paramref name="window"/>.</summary>
    public List<PingResult> BroadcastPing(TimeSpan? window = null)
    {
        EnsureAvailable();
        var found = new List<PingResult>();
        _txLength = DynamixelInstructions.Ping(_tx, DynamixelPacket.BroadcastId);
        _timeout = window ?? TimeSpan.FromMilliseconds(Math.Max(50, Options.ReplyTimeout.TotalMilliseconds * 4));
        try
        {
            SendRequest();
            long deadline = Deadline();
            while (true)
            {
                try
                {
                    DecodedPacket packet = ReceivePacket(deadline);
                    if (packet.ParameterLength >= 4 && found.TrueForAll(f => f.Id != packet.Id))
                    {
                        found.Add(new PingResult(packet.Id, BinaryPrimitives.ReadUInt16LittleEndian(_params.AsSpan(1)), _params[3], _transport.BaudRate));
                    }
                }
                catch (DynamixelCorruptReplyException)
                {
                    // Colliding replies: keep listening.
                }
            }
        }
        catch (DynamixelTimeoutException)
        {
            // The window closed.
        }
        catch (SerialDisconnectedException e)
        {
            MarkLost(e);
            throw;
        }
        finally
        {
            _timeout = Options.ReplyTimeout;
        }
        found.Sort((a, b) => a.Id.CompareTo(b.Id));
        return found;
    }

    /// <summary>Pings every ID in [<paramref name="firstId"/>, <paramref name="lastId"/>] at each baud rate (the host side is switched). Leaves the host at the last rate.</summary>
    public List<PingResult> Scan(IEnumerable<int> baudRates, byte firstId = 0, byte lastId = DynamixelPacket.MaxId, TimeSpan? perIdTimeout = null, Action<int, int>? progress = null)
    {
        var found = new List<PingResult>();
        foreach (int baud in baudRates)
        {
            _transport.SetBaudRate(baud);
            for (int id = firstId; id <= lastId; id++)
            {
                progress?.Invoke(baud, id);
                PingResult? r = TryPing((byte)id, perIdTimeout ?? TimeSpan.FromMilliseconds(10));
                if (r is not null)
                {
                    found.Add(r);
                }
            }
        }
        return found;
    }

    // ---- Reads ----

    /// <summary>Reads <paramref name="data"/>.Length bytes at <paramref name="address"/> of one device. Retried on timeout/CRC.</summary>
    public DynamixelStatus Read(byte id, ushort address, Span<byte> data)
    {
        _txLength = DynamixelInstructions.Read(_tx, id, address, (ushort)data.Length);
        ExpectUniform([id], (ushort)data.Length, fast: false);
        RunRead();
        _replyData.AsSpan(0, data.Length).CopyTo(data);
        return _replyStatus[0];
    }

    /// <summary>Reads one control-table item as an integer (sign-extended when the item is signed).</summary>
    public int ReadItem(byte id, ControlTableItem item)
    {
        Span<byte> b = stackalloc byte[item.Size];
        Read(id, item.Address, b);
        return Decode(b, item.IsSigned);
    }

    /// <summary>
    /// Sync Read (or Fast Sync Read): <paramref name="length"/> bytes at <paramref name="address"/>
    /// from every ID; <paramref name="data"/> receives them in ID order, <paramref name="statuses"/> one per ID.
    /// </summary>
    public void SyncRead(ushort address, ushort length, ReadOnlySpan<byte> ids, Span<byte> data, Span<DynamixelStatus> statuses, bool fast = false)
    {
        _txLength = fast
            ? DynamixelInstructions.FastSyncRead(_tx, address, length, ids)
            : DynamixelInstructions.SyncRead(_tx, address, length, ids);
        ExpectUniform(ids, length, fast);
        RunRead();
        _replyData.AsSpan(0, ids.Length * length).CopyTo(data);
        _replyStatus.AsSpan(0, ids.Length).CopyTo(statuses);
    }

    /// <summary>Bulk Read (or Fast Bulk Read): each item's bytes concatenated in item order into <paramref name="data"/>.</summary>
    public void BulkRead(ReadOnlySpan<BulkItem> items, Span<byte> data, Span<DynamixelStatus> statuses, bool fast = false)
    {
        _txLength = fast ? DynamixelInstructions.FastBulkRead(_tx, items) : DynamixelInstructions.BulkRead(_tx, items);
        int offset = 0;
        for (int i = 0; i < items.Length; i++)
        {
            _expectIds[i] = items[i].Id;
            _expectLengths[i] = items[i].Length;
            _expectOffsets[i] = offset;
            offset += items[i].Length;
        }
        _expectCount = items.Length;
        _expectFast = fast;
        RunRead();
        _replyData.AsSpan(0, offset).CopyTo(data);
        _replyStatus.AsSpan(0, items.Length).CopyTo(statuses);
    }

    // ---- Writes ----

    /// <summary>Write with status. A lost or corrupt status throws <see cref="DynamixelWriteUncertainException"/> (never re-sent).</summary>
    public void Write(byte id, ushort address, ReadOnlySpan<byte> data)
    {
        EnsureArmed();
        _txLength = DynamixelInstructions.Write(_tx, id, address, data);
        RunWrite(id);
    }

    /// <summary>Writes one control-table item.</summary>
    public void WriteItem(byte id, ControlTableItem item, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        Write(id, item.Address, b[..item.Size]);
    }

    /// <summary>Reg Write: staged on the device, carried out by <see cref="Action"/>.</summary>
    public void RegWrite(byte id, ushort address, ReadOnlySpan<byte> data)
    {
        EnsureArmed();
        _txLength = DynamixelInstructions.RegWrite(_tx, id, address, data);
        RunWrite(id);
    }

    /// <summary>Action (broadcast by default: every staged Reg Write at once).</summary>
    public void Action(byte id = DynamixelPacket.BroadcastId)
    {
        EnsureArmed();
        _txLength = DynamixelInstructions.Action(_tx, id);
        RunWrite(id);
    }

    public void Reboot(byte id)
    {
        _txLength = DynamixelInstructions.Reboot(_tx, id);
        RunWrite(id);
    }

    public void FactoryReset(byte id, FactoryResetMode mode)
    {
        _txLength = DynamixelInstructions.FactoryReset(_tx, id, mode);
        RunWrite(id);
    }

    public void Clear(byte id)
    {
        _txLength = DynamixelInstructions.Clear(_tx, id);
        RunWrite(id);
    }

    /// <summary>Sync Write (no reply): <paramref name="data"/> holds <paramref name="length"/> bytes per ID.</summary>
    public void SyncWrite(ushort address, ushort length, ReadOnlySpan<byte> ids, ReadOnlySpan<byte> data)
    {
        EnsureArmed();
        _txLength = DynamixelInstructions.SyncWrite(_tx, address, length, ids, data);
        RunWrite(DynamixelPacket.BroadcastId);
    }

    /// <summary>Bulk Write (no reply).</summary>
    public void BulkWrite(ReadOnlySpan<BulkItem> items, ReadOnlySpan<byte> data)
    {
        EnsureArmed();
        _txLength = DynamixelInstructions.BulkWrite(_tx, items, data);
        RunWrite(DynamixelPacket.BroadcastId);
    }

    /// <summary>Decodes a little-endian value of 1, 2 or 4 bytes.</summary>
    public static int Decode(ReadOnlySpan<byte> b, bool isSigned) => b.Length switch
    {
        1 => isSigned ? (sbyte)b[0] : b[0],
        2 => isSigned ? BinaryPrimitives.ReadInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
        _ => BinaryPrimitives.ReadInt32LittleEndian(b),
    };

    // ---- Transactions ----

    private void ExpectUniform(ReadOnlySpan<byte> ids, ushort length, bool fast)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            _expectIds[i] = ids[i];
            _expectLengths[i] = length;
            _expectOffsets[i] = i * length;
        }
        _expectCount = ids.Length;
        _expectFast = fast;
    }

    private void RunRead()
    {
        EnsureAvailable();
        try
        {
            _readPipeline.Execute(static bus => bus._breakerPipeline.Execute(static b => b.ReadTransaction(), bus), this);
        }
        catch (BrokenCircuitException e)
        {
            throw new DynamixelBusUnavailableException($"{_transport.PortName}: circuit open after repeated failures; not attempted", e);
        }
        catch (SerialDisconnectedException e)
        {
            MarkLost(e);
            throw;
        }
    }

    private void RunWrite(byte id)
    {
        EnsureAvailable();
        _writeId = id;
        try
        {
            _writePipeline.Execute(static bus => bus._breakerPipeline.Execute(static b => b.WriteTransaction(), bus), this);
        }
        catch (BrokenCircuitException e)
        {
            throw new DynamixelBusUnavailableException($"{_transport.PortName}: circuit open after repeated failures; write not sent", e);
        }
        catch (SerialDisconnectedException e)
        {
            MarkLost(e);
            throw;
        }
    }

    private void ReadTransaction()
    {
        SendRequest();
        long deadline = Deadline();
        Array.Clear(_received, 0, _expectCount);
        if (_expectFast)
        {
            ReceiveFast(deadline);
        }
        else
        {
            for (int k = 0; k < _expectCount;)
            {
                DecodedPacket packet;
                try
                {
                    packet = ReceivePacket(deadline);
                }
                catch (DynamixelTimeoutException)
                {
                    throw new DynamixelTimeoutException($"{_transport.PortName}: no status from {MissingIds()} within {_timeout.TotalMilliseconds:F1} ms");
                }
                int index = IndexOfExpected(packet.Id);
                if (index < 0)
                {
                    continue; // a stale reply or someone else's
                }
                var status = new DynamixelStatus(packet.Id, _params[0]);
                int dataLength = packet.ParameterLength - 1;
                if (status.Succeeded && dataLength != _expectLengths[index])
                {
                    throw new DynamixelCorruptReplyException($"ID {packet.Id} returned {dataLength} bytes, expected {_expectLengths[index]}");
                }
                if (status.Succeeded)
                {
                    _params.AsSpan(1, dataLength).CopyTo(_replyData.AsSpan(_expectOffsets[index]));
                }
                _replyStatus[index] = status;
                _received[index] = true;
                k++;
            }
        }
        for (int i = 0; i < _expectCount; i++)
        {
            if (!_replyStatus[i].Succeeded)
            {
                throw new DynamixelStatusException(_replyStatus[i], "read");
            }
        }
    }

    private void ReceiveFast(long deadline)
    {
        int expectedSize = 8;
        for (int i = 0; i < _expectCount; i++)
        {
            expectedSize += _expectLengths[i] + 4;
        }
        while (true)
        {
            ReadOnlySpan<byte> window = _rx.AsSpan(_rxStart, _rxCount - _rxStart);
            int header = DynamixelPacket.FindHeader(window);
            if (header >= 0 && window.Length - header >= 8)
            {
                ReadOnlySpan<byte> packet = window[header..];
                if (packet[7] != (byte)DynamixelInstruction.Status || packet[4] != DynamixelPacket.BroadcastId)
                {
                    // An echo of our request or a stray packet: skip it whole.
                    DecodeStatus skip = DynamixelPacket.TryDecode(packet, _params, out _, out int consumed);
                    if (skip == DecodeStatus.NeedMoreData)
                    {
                        FillOrTimeout(deadline);
                        continue;
                    }
                    _rxStart += header + consumed;
                    continue;
                }
                int length = BinaryPrimitives.ReadUInt16LittleEndian(packet[5..]);
                if (length + 7 != expectedSize)
                {
                    throw new DynamixelCorruptReplyException($"fast read reply LEN {length} does not match {_expectCount} devices");
                }
                if (packet.Length >= expectedSize)
                {
                    DecodeStatus status = FastReadReply.Parse(packet[..expectedSize], _expectLengths.AsSpan(0, _expectCount), _fastEntries.AsSpan(0, _expectCount));
                    if (status != DecodeStatus.Ok)
                    {
                        throw new DynamixelCorruptReplyException($"fast read reply: {status}");
                    }
                    for (int i = 0; i < _expectCount; i++)
                    {
                        FastReplyEntry e = _fastEntries[i];
                        if (e.Id != _expectIds[i])
                        {
                            throw new DynamixelCorruptReplyException($"fast read reply: slot {i} is ID {e.Id}, expected {_expectIds[i]}");
                        }
                        packet.Slice(e.DataOffset, e.DataLength).CopyTo(_replyData.AsSpan(_expectOffsets[i]));
                        _replyStatus[i] = e.Status;
                    }
                    _rxStart += header + expectedSize;
                    return;
                }
            }
            FillOrTimeout(deadline);
        }
    }

    private void WriteTransaction()
    {
        SendRequest();
        if (_writeId == DynamixelPacket.BroadcastId)
        {
            return;
        }
        long deadline = Deadline();
        while (true)
        {
            DecodedPacket packet;
            try
            {
                packet = ReceivePacket(deadline);
            }
            catch (DynamixelTimeoutException e)
            {
                throw new DynamixelWriteUncertainException($"{_transport.PortName}: no status for the write to ID {_writeId}; it may have been carried out, so it is not repeated", e);
            }
            catch (DynamixelCorruptReplyException e)
            {
                throw new DynamixelWriteUncertainException($"{_transport.PortName}: corrupt status for the write to ID {_writeId}; it may have been carried out, so it is not repeated", e);
            }
            if (packet.Id != _writeId)
            {
                continue;
            }
            var status = new DynamixelStatus(packet.Id, _params[0]);
            if (!status.Succeeded)
            {
                throw new DynamixelStatusException(status, "write");
            }
            return;
        }
    }

    private void SendRequest()
    {
        // Stale bytes (a late reply to a timed-out request) must not be taken for this reply.
        _transport.DiscardInput();
        _rxStart = _rxCount = 0;
        _transport.Write(_tx.AsSpan(0, _txLength));
    }

    private long Deadline() => Stopwatch.GetTimestamp() + (long)(_timeout.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Next status packet (instruction packets, e.g. an adapter's echo, are skipped).</summary>
    private DecodedPacket ReceivePacket(long deadline)
    {
        while (true)
        {
            DecodeStatus status = DynamixelPacket.TryDecode(_rx.AsSpan(_rxStart, _rxCount - _rxStart), _params, out DecodedPacket packet, out int consumed);
            _rxStart += consumed;
            switch (status)
            {
                case DecodeStatus.Ok when packet.Kind == DynamixelInstruction.Status:
                    return packet;
                case DecodeStatus.Ok:
                    continue;
                case DecodeStatus.CrcError:
                    throw new DynamixelCorruptReplyException($"{_transport.PortName}: reply with a bad CRC");
                case DecodeStatus.Malformed:
                    throw new DynamixelCorruptReplyException($"{_transport.PortName}: malformed reply");
                default:
                    FillOrTimeout(deadline);
                    break;
            }
        }
    }

    private void FillOrTimeout(long deadline)
    {
        if (_rxStart > 0)
        {
            _rx.AsSpan(_rxStart, _rxCount - _rxStart).CopyTo(_rx);
            _rxCount -= _rxStart;
            _rxStart = 0;
        }
        if (_rxCount == _rx.Length)
        {
            throw new DynamixelCorruptReplyException($"{_transport.PortName}: {_rx.Length} bytes without a packet");
        }
        long remaining = deadline - Stopwatch.GetTimestamp();
        if (remaining <= 0)
        {
            throw new DynamixelTimeoutException($"{_transport.PortName}: reply timeout ({_timeout.TotalMilliseconds:F1} ms)");
        }
        int n = _transport.Read(_rx.AsSpan(_rxCount), TimeSpan.FromTicks(remaining * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
        _rxCount += n;
    }

    private int IndexOfExpected(byte id)
    {
        for (int i = 0; i < _expectCount; i++)
        {
            if (_expectIds[i] == id && !_received[i])
            {
                return i;
            }
        }
        return -1;
    }

    private string MissingIds()
    {
        var missing = new List<byte>();
        for (int i = 0; i < _expectCount; i++)
        {
            if (!_received[i])
            {
                missing.Add(_expectIds[i]);
            }
        }
        return "ID " + string.Join(", ", missing);
    }

    private void EnsureAvailable()
    {
        if (State == BusState.Lost)
        {
            throw new DynamixelBusUnavailableException($"{_transport.PortName} is lost; waiting for reconnect");
        }
        if (State == BusState.Closed)
        {
            throw new DynamixelBusUnavailableException($"{_transport.PortName} is not open");
        }
    }

    private void EnsureArmed()
    {
        EnsureAvailable();
        if (!_armed)
        {
            throw new DynamixelNotArmedException();
        }
    }

    private void MarkLost(Exception e)
    {
        if (State == BusState.Lost)
        {
            return;
        }
        State = BusState.Lost;
        _armed = false;
        RaiseFault(BusFaultKind.Lost, $"{_transport.PortName} lost: {e.Message}");
    }


    private void RaiseFault(BusFaultKind kind, string message) => Faulted?.Invoke(new BusFault(_transport.PortName, kind, message));
}
