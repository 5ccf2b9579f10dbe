using System.Buffers.Binary;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Emulation;

/// <summary>
/// A Dynamixel bus of virtual servos served on a serial line: answers every Protocol 2.0
/// instruction (Ping incl. broadcast, Read, Write, Reg Write, Action, Factory Reset, Reboot,
/// Clear, Sync/Fast Sync Read, Sync Write, Bulk/Fast Bulk Read, Bulk Write) with each servo's
/// return delay, status return level and alert bit. A packet with a bad CRC addressed to one
/// servo is answered with error 3 and not executed, as the firmware does.
/// </summary>
public sealed class DynamixelBusEmulator : SerialDeviceEmulator
{
    private readonly SortedDictionary<byte, VirtualServo> _servos = [];
    private readonly object _gate = new();
    private readonly byte[] _parameters = new byte[64 * 1024];
    private readonly byte[] _tx = new byte[64 * 1024];
    private readonly byte[] _data = new byte[8 * 1024];
    private readonly Func<byte, VirtualServo?> _findServo;
    private int _txCount;

    public DynamixelBusEmulator(ISerialTransport transport, IEnumerable<VirtualServo> servos, FaultInjection? faults = null)
        : base(transport, faults)
    {
        foreach (VirtualServo servo in servos)
        {
            _servos.Add(servo.Id, servo);
        }
        _findServo = Find;
    }

    /// <summary>
    /// The rate the host's line runs at, when known (a pty has no wire, so tests share it). A
    /// servo whose Baud Rate register differs neither acts nor answers, like a UART receiving at
    /// the wrong rate. Null: every servo hears the host.
    /// </summary>
    public Func<int>? HostBaudRate { get; set; }

    /// <summary>
    /// A hand motion played on the servos (a leader arm moved by a person), applied before each
    /// request is answered; null: the servos stay where they are put.
    /// </summary>
    public MotionReplay? Replay { get; set; }

    /// <summary>The servos by ID (a copy).</summary>
    public IReadOnlyList<VirtualServo> Servos
    {
        get { lock (_gate) { return [.. _servos.Values]; } }
    }

    /// <summary>The servo with <paramref name="id"/>.</summary>
    public VirtualServo this[byte id]
    {
        get { lock (_gate) { return _servos[id]; } }
    }

    /// <summary>Parses "1-7:xm430,10:xl330" into servos (all at <paramref name="baudRegister"/> and <paramref name="returnDelay"/>).</summary>
    public static List<VirtualServo> ParseServos(string spec, byte baudRegister = 1, byte returnDelay = 250)
    {
        var list = new List<VirtualServo>();
        foreach (string part in spec.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            string[] idsModel = part.Split(':');
            DynamixelModel model = idsModel.Length > 1
                ? DynamixelModel.FromName(idsModel[1]) ?? throw new ArgumentException($"unknown servo model '{idsModel[1]}' (xm430, xl330)", nameof(spec))
                : DynamixelModel.XM430W350;
            string[] range = idsModel[0].Split('-');
            int first = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            int last = range.Length > 1 ? int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture) : first;
            if (first < 0 || last > DynamixelPacket.MaxId || first > last)
            {
                throw new ArgumentException($"bad ID range '{idsModel[0]}' (0–252)", nameof(spec));
            }
            for (int id = first; id <= last; id++)
            {
                list.Add(new VirtualServo(model, (byte)id, baudRegister, returnDelay));
            }
        }
        return list;
    }

    protected override int Process(ReadOnlySpan<byte> rx)
    {
        int offset = 0;
        while (offset < rx.Length)
        {
            DecodeStatus status = DynamixelPacket.TryDecode(rx[offset..], _parameters, out DecodedPacket packet, out int consumed);
            int start = offset + Math.Max(0, consumed - 1);
            offset += consumed;
            if (status == DecodeStatus.NeedMoreData)
            {
                break;
            }
            if (status == DecodeStatus.CrcError)
            {
                BadPackets++;
                // The header was at rx[start]; answer a CRC error if it names one servo.
                int headerAt = start;
                if (headerAt + 4 < rx.Length && Hears(rx[headerAt + 4], out VirtualServo? target) && target is not null)
                {
                    _txCount = 0;
                    AppendStatus(target, (byte)DynamixelErrorNumber.Crc, []);
                    Flush();
                }
                continue;
            }
            if (status == DecodeStatus.Malformed)
            {
                BadPackets++;
                continue;
            }
            if (packet.Kind == DynamixelInstruction.Status)
            {
                continue;
            }
            RequestsHandled++;
            Replay?.ApplyTo(_findServo);
            _txCount = 0;
            Handle(packet, _parameters.AsSpan(0, packet.ParameterLength));
            Flush();
        }
        return offset;
    }

    private VirtualServo? Find(byte id)
    {
        lock (_gate)
        {
            return _servos.GetValueOrDefault(id);
        }
    }

    private bool Hears(byte id, out VirtualServo? servo)
    {
        lock (_gate)
        {
            if (!_servos.TryGetValue(id, out servo))
            {
                return false;
            }
        }
        return HostBaudRate is null || HostBaudRate() == servo.BaudRate;
    }

    private List<VirtualServo> Listening()
    {
        List<VirtualServo> all;
        lock (_gate)
        {
            all = [.. _servos.Values];
        }
        return HostBaudRate is null ? all : all.FindAll(s => s.BaudRate == HostBaudRate());
    }

    private void Handle(DecodedPacket packet, ReadOnlySpan<byte> p)
    {
        bool broadcast = packet.Id == DynamixelPacket.BroadcastId;
        VirtualServo? servo = null;
        if (!broadcast && !Hears(packet.Id, out servo))
        {
            return;
        }
        switch (packet.Kind)
        {
            case DynamixelInstruction.Ping:
                foreach (VirtualServo s in broadcast ? Listening() : [servo!])
                {
                    Span<byte> info = [(byte)s.Model.ModelNumber, (byte)(s.Model.ModelNumber >> 8), s.Firmware];
                    AppendStatus(s, 0, info, always: true);
                }
                break;
            case DynamixelInstruction.Read when !broadcast:
                if (p.Length != 4)
                {
                    AppendStatus(servo!, (byte)DynamixelErrorNumber.DataLength, [], level: 1);
                    break;
                }
                ReadInto(servo!, Address(p), Address(p[2..]), level: 1);
                break;
            case DynamixelInstruction.Write:
            case DynamixelInstruction.RegWrite:
                if (p.Length < 3)
                {
                    if (!broadcast)
                    {
                        AppendStatus(servo!, (byte)DynamixelErrorNumber.DataLength, []);
                    }
                    break;
                }
                foreach (VirtualServo s in broadcast ? Listening() : [servo!])
                {
                    DynamixelErrorNumber e = packet.Kind == DynamixelInstruction.Write ? s.Write(Address(p), p[2..]) : s.RegWrite(Address(p), p[2..]);
                    if (!broadcast)
                    {
                        // Answered from the ID the packet named, even when the write changed it.
                        AppendStatus(s, (byte)e, [], replyId: packet.Id);
                    }
                }
                Rekey();
                break;
            case DynamixelInstruction.Action:
                foreach (VirtualServo s in broadcast ? Listening() : [servo!])
                {
                    DynamixelErrorNumber e = s.Action();
                    if (!broadcast)
                    {
                        AppendStatus(s, (byte)e, []);
                    }
                }
                Rekey();
                break;
            case DynamixelInstruction.Reboot when !broadcast:
                AppendStatus(servo!, 0, []);
                servo!.Reboot();
                break;
            case DynamixelInstruction.FactoryReset when !broadcast:
                if (p.Length != 1 || p[0] is not (0xFF or 0x01 or 0x02))
                {
                    AppendStatus(servo!, (byte)DynamixelErrorNumber.DataRange, []);
                    break;
                }
                AppendStatus(servo!, 0, []);
                servo!.FactoryReset((FactoryResetMode)p[0]);
                Rekey();
                break;
            case DynamixelInstruction.Clear when !broadcast:
                AppendStatus(servo!, (byte)(p.SequenceEqual(DynamixelInstructions.ClearParameters) ? servo!.Clear() : DynamixelErrorNumber.DataRange), []);
                break;
            case DynamixelInstruction.SyncRead when broadcast && p.Length >= 4:
                foreach (byte id in p[4..])
                {
                    if (Hears(id, out VirtualServo? s))
                    {
                        ReadInto(s!, Address(p), Address(p[2..]), level: 1);
                    }
                }
                break;
            case DynamixelInstruction.FastSyncRead when broadcast && p.Length >= 4:
            {
                Span<BulkItem> items = stackalloc BulkItem[p.Length - 4];
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = new BulkItem(p[4 + i], Address(p), Address(p[2..]));
                }
                FastReply(items);
                break;
            }
            case DynamixelInstruction.SyncWrite when broadcast && p.Length >= 4:
            {
                ushort address = Address(p), length = Address(p[2..]);
                for (int o = 4; o + 1 + length <= p.Length; o += 1 + length)
                {
                    if (Hears(p[o], out VirtualServo? s))
                    {
                        s!.Write(address, p.Slice(o + 1, length));
                    }
                }
                Rekey();
                break;
            }
            case DynamixelInstruction.BulkRead when broadcast:
                for (int o = 0; o + 5 <= p.Length; o += 5)
                {
                    if (Hears(p[o], out VirtualServo? s))
                    {
                        ReadInto(s!, Address(p[(o + 1)..]), Address(p[(o + 3)..]), level: 1);
                    }
                }
                break;
            case DynamixelInstruction.FastBulkRead when broadcast:
            {
                Span<BulkItem> items = stackalloc BulkItem[p.Length / 5];
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = new BulkItem(p[i * 5], Address(p[(i * 5 + 1)..]), Address(p[(i * 5 + 3)..]));
                }
                FastReply(items);
                break;
            }
            case DynamixelInstruction.BulkWrite when broadcast:
                for (int o = 0; o + 5 <= p.Length;)
                {
                    ushort address = Address(p[(o + 1)..]), length = Address(p[(o + 3)..]);
                    if (o + 5 + length > p.Length)
                    {
                        break;
                    }
                    if (Hears(p[o], out VirtualServo? s))
                    {
                        s!.Write(address, p.Slice(o + 5, length));
                    }
                    o += 5 + length;
                }
                Rekey();
                break;
            default:
                if (!broadcast)
                {
                    AppendStatus(servo!, (byte)DynamixelErrorNumber.Instruction, []);
                }
                break;
        }
    }

    private void ReadInto(VirtualServo servo, ushort address, ushort length, int level)
    {
        Span<byte> data = _data.AsSpan(0, Math.Min((int)length, _data.Length));
        DynamixelErrorNumber e = length > _data.Length ? DynamixelErrorNumber.DataLength : servo.Read(address, length, data);
        AppendStatus(servo, (byte)e, e == DynamixelErrorNumber.None ? data : [], level: level);
    }

    private void FastReply(ReadOnlySpan<BulkItem> items)
    {
        // Servos that do not hear the host are missing from the reply, which the host then rejects.
        int count = 0;
        Span<byte> ids = stackalloc byte[items.Length];
        Span<byte> errors = stackalloc byte[items.Length];
        Span<ushort> lengths = stackalloc ushort[items.Length];
        int d = 0;
        VirtualServo? first = null;
        foreach (BulkItem item in items)
        {
            if (!Hears(item.Id, out VirtualServo? s) || d + item.Length > _data.Length)
            {
                continue;
            }
            first ??= s;
            DynamixelErrorNumber e = s!.Read(item.Address, item.Length, _data.AsSpan(d, item.Length));
            ids[count] = item.Id;
            errors[count] = (byte)((byte)e | s.AlertBit);
            lengths[count] = item.Length;
            d += item.Length;
            count++;
        }
        if (count == 0)
        {
            return;
        }
        Delay(first!.ReturnDelayMicroseconds);
        int n = FastReadReply.Encode(_tx.AsSpan(_txCount), ids[..count], errors[..count], lengths[..count], _data.AsSpan(0, d));
        _txCount += Faults.Apply(_tx.AsSpan(_txCount, n));
    }

    /// <summary>Appends one status packet (after the servo's return delay) unless its status return level forbids it.</summary>
    private void AppendStatus(VirtualServo servo, byte error, ReadOnlySpan<byte> data, int level = 2, bool always = false, int replyId = -1)
    {
        if (!always && servo.StatusReturnLevel < level)
        {
            return;
        }
        int delay = servo.ReturnDelayMicroseconds;
        if (delay > 0)
        {
            Flush();
            Delay(delay);
        }
        int n = DynamixelInstructions.Status(_tx.AsSpan(_txCount), replyId >= 0 ? (byte)replyId : servo.Id, (byte)(error | servo.AlertBit), data);
        _txCount += Faults.Apply(_tx.AsSpan(_txCount, n));
    }

    private void Flush()
    {
        if (_txCount > 0)
        {
            SendRaw(_tx.AsSpan(0, _txCount)); // faults were applied per packet
            _txCount = 0;
        }
    }

    /// <summary>After a write that changed an ID, file the servo under its new ID.</summary>
    private void Rekey()
    {
        lock (_gate)
        {
            bool changed = false;
            foreach (var (id, servo) in _servos)
            {
                changed |= servo.Id != id;
            }
            if (!changed)
            {
                return;
            }
            foreach (var (id, servo) in _servos.ToArray())
            {
                if (servo.Id != id)
                {
                    _servos.Remove(id);
                    _servos[servo.Id] = servo;
                }
            }
        }
    }

    private static ushort Address(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadUInt16LittleEndian(p);
}
