using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Robot.FirmwareBridge.Dynamixel;

namespace Robot.FirmwareBridge.Tests.Dynamixel;

/// <summary>Framing, stuffing and every instruction, against shared/reference/dynamixel.md.</summary>
public class DynamixelPacketTests
{
    internal static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "", StringComparison.Ordinal));

    private static byte[] Build(Func<byte[], int> build)
    {
        var buffer = new byte[1024];
        int n = build(buffer);
        return buffer[..n];
    }

    [Fact]
    public void Ping_MatchesEManual() =>
        Assert.Equal(Hex("FF FF FD 00 01 03 00 01 19 4E"), Build(b => DynamixelInstructions.Ping(b, 1)));

    [Fact]
    public void Read_MatchesEManual() =>
        Assert.Equal(Hex("FF FF FD 00 01 07 00 02 84 00 04 00 1D 15"), Build(b => DynamixelInstructions.Read(b, 1, 132, 4)));

    [Fact]
    public void Write_MatchesEManual() =>
        Assert.Equal(Hex("FF FF FD 00 01 09 00 03 74 00 00 02 00 00 CA 89"), Build(b => DynamixelInstructions.Write(b, 1, 116, [0x00, 0x02, 0x00, 0x00])));

    [Fact]
    public void SyncRead_MatchesEManual() =>
        Assert.Equal(Hex("FF FF FD 00 FE 09 00 82 84 00 04 00 01 02 CE FA"), Build(b => DynamixelInstructions.SyncRead(b, 132, 4, [1, 2])));

    [Fact]
    public void SyncWrite_MatchesEManual() =>
        Assert.Equal(
            Hex("FF FF FD 00 FE 11 00 83 74 00 04 00 01 96 00 00 00 02 AA 00 00 00 82 87"),
            Build(b => DynamixelInstructions.SyncWrite(b, 116, 4, [1, 2], [0x96, 0, 0, 0, 0xAA, 0, 0, 0])));

    [Fact]
    public void FastSyncRead_RequestMatchesEManual() =>
        Assert.Equal(Hex("FF FF FD 00 FE 0A 00 8A 84 00 04 00 03 07 04 20 F2"), Build(b => DynamixelInstructions.FastSyncRead(b, 132, 4, [3, 7, 4])));

    [Fact]
    public void Write_NeedingStuffing_MatchesEManual() =>
        Assert.Equal(
            Hex("FF FF FD 00 01 0A 00 03 74 00 FF FF FD FD 00 21 E7"),
            Build(b => DynamixelInstructions.Write(b, 1, 116, [0xFF, 0xFF, 0xFD, 0x00])));

    [Fact]
    public void StatusPacket_PingReply_DecodesModelAndFirmware()
    {
        byte[] wire = Hex("FF FF FD 00 01 07 00 55 00 06 04 26 65 5D");
        var p = new byte[16];
        Assert.Equal(DecodeStatus.Ok, DynamixelPacket.TryDecode(wire, p, out DecodedPacket packet, out int consumed));
        Assert.Equal(wire.Length, consumed);
        Assert.Equal(DynamixelInstruction.Status, packet.Kind);
        Assert.Equal(1, packet.Id);
        var status = new DynamixelStatus(packet.Id, p[0]);
        Assert.True(status.Succeeded);
        Assert.Equal(1030, p[1] | (p[2] << 8)); // model number 0x0406
        Assert.Equal(0x26, p[3]);
    }

    [Theory]
    [InlineData(0x00, DynamixelErrorNumber.None, false)]
    [InlineData(0x01, DynamixelErrorNumber.ResultFail, false)]
    [InlineData(0x02, DynamixelErrorNumber.Instruction, false)]
    [InlineData(0x03, DynamixelErrorNumber.Crc, false)]
    [InlineData(0x04, DynamixelErrorNumber.DataRange, false)]
    [InlineData(0x05, DynamixelErrorNumber.DataLength, false)]
    [InlineData(0x06, DynamixelErrorNumber.DataLimit, false)]
    [InlineData(0x07, DynamixelErrorNumber.Access, false)]
    [InlineData(0x80, DynamixelErrorNumber.None, true)]
    [InlineData(0x87, DynamixelErrorNumber.Access, true)]
    public void Status_ErrorByte_SplitsErrorNumberAndAlert(byte err, DynamixelErrorNumber number, bool alert)
    {
        byte[] wire = Build(b => DynamixelInstructions.Status(b, 5, err, [1, 2]));
        var p = new byte[8];
        Assert.Equal(DecodeStatus.Ok, DynamixelPacket.TryDecode(wire, p, out DecodedPacket packet, out _));
        var status = new DynamixelStatus(packet.Id, p[0]);
        Assert.Equal(number, status.ErrorNumber);
        Assert.Equal(alert, status.HardwareAlert);
        Assert.Equal(number == DynamixelErrorNumber.None, status.Succeeded);
    }

    [Fact]
    public void FastSyncRead_EManualReply_ParsesThreeServos()
    {
        byte[] reply = Hex("FF FF FD 00 FE 19 00 55 00 03 A6 00 00 00 84 08 00 07 1F 08 00 00 16 CA 00 04 FF 03 00 00 D1 9E");
        var entries = new FastReplyEntry[3];
        Assert.Equal(DecodeStatus.Ok, FastReadReply.Parse(reply, 4, entries));
        Assert.Equal([3, 7, 4], entries.Select(e => (int)e.Id));
        Assert.All(entries, e => Assert.Equal(0, e.Error));
        Assert.Equal([0xA6, 0x81F, 0x3FF], entries.Select(e => BitConverter.ToInt32(reply, e.DataOffset)));
    }

    [Fact]
    public void FastSyncRead_EManualReply_ReEncodesByteForByte()
    {
        byte[] reply = Hex("FF FF FD 00 FE 19 00 55 00 03 A6 00 00 00 84 08 00 07 1F 08 00 00 16 CA 00 04 FF 03 00 00 D1 9E");
        var buffer = new byte[64];
        int n = FastReadReply.Encode(buffer, [3, 7, 4], [0, 0, 0], [4, 4, 4], Hex("A6000000 1F080000 FF030000"));
        Assert.Equal(reply, buffer[..n]);
    }

    [Theory]
    [InlineData(14)] // first inner CRC
    [InlineData(22)] // second inner CRC
    [InlineData(31)] // packet CRC
    [InlineData(11)] // data byte
    public void FastSyncRead_CorruptedByte_IsCrcError(int index)
    {
        byte[] reply = Hex("FF FF FD 00 FE 19 00 55 00 03 A6 00 00 00 84 08 00 07 1F 08 00 00 16 CA 00 04 FF 03 00 00 D1 9E");
        reply[index] ^= 0x10;
        Assert.Equal(DecodeStatus.CrcError, FastReadReply.Parse(reply, 4, new FastReplyEntry[3]));
    }

    [Fact]
    public void FastSyncRead_Truncated_NeedsMoreData_WrongCount_Malformed()
    {
        byte[] reply = Hex("FF FF FD 00 FE 19 00 55 00 03 A6 00 00 00 84 08 00 07 1F 08 00 00 16 CA 00 04 FF 03 00 00 D1 9E");
        Assert.Equal(DecodeStatus.NeedMoreData, FastReadReply.Parse(reply.AsSpan(0, 20), 4, new FastReplyEntry[3]));
        Assert.Equal(DecodeStatus.Malformed, FastReadReply.Parse(reply, 4, new FastReplyEntry[2]));
    }

    [Fact]
    public void FastBulkRead_MixedLengths_RoundTrip()
    {
        var buffer = new byte[64];
        ushort[] lengths = [4, 2, 1];
        byte[] data = [1, 2, 3, 4, 5, 6, 7];
        int n = FastReadReply.Encode(buffer, [10, 11, 12], [0, 0x80, 4], lengths, data);
        Assert.Equal(FastReadReply.Size(lengths), n);
        var entries = new FastReplyEntry[3];
        Assert.Equal(DecodeStatus.Ok, FastReadReply.Parse(buffer.AsSpan(0, n), lengths, entries));
        Assert.True(entries[1].Status.HardwareAlert);
        Assert.Equal(DynamixelErrorNumber.DataRange, entries[2].Status.ErrorNumber);
        Assert.Equal([5, 6], buffer.AsSpan(entries[1].DataOffset, 2).ToArray());
    }

    public static TheoryData<string, string> StuffingCases => new()
    {
        { "FF FF FD", "FF FF FD FD" },
        { "FF FF FD FD", "FF FF FD FD FD" },
        { "FF FF FD FF FD", "FF FF FD FD FF FD" },
        { "FF FF FD FF FF FD", "FF FF FD FD FF FF FD FD" },
        { "FF FF FF FD", "FF FF FF FD FD" },
        { "FF FF FD FD FD", "FF FF FD FD FD FD" },
        { "FF FF FD FF FF FD FF FF FD", "FF FF FD FD FF FF FD FD FF FF FD FD" },
        { "FD FF FF FD 00", "FD FF FF FD FD 00" },
        { "FF FD FF FF", "FF FD FF FF" },
    };

    [Theory]
    [MemberData(nameof(StuffingCases))]
    public void Stuffing_ChainedPatterns_StuffAndUnstuffExactly(string raw, string stuffed)
    {
        byte[] r = Hex(raw), s = Hex(stuffed);
        var o = new byte[32];
        Assert.Equal(s, o[..DynamixelPacket.Stuff(r, o)]);
        Assert.Equal(r, o[..DynamixelPacket.Unstuff(s, o)]);
        Assert.Equal(s.Length - r.Length, DynamixelPacket.CountStuffing(r));
    }

    [Fact]
    public void Unstuff_PatternNotFollowedByFd_IsInvalid()
    {
        Assert.Equal(-1, DynamixelPacket.Unstuff(Hex("FF FF FD 00"), new byte[8]));
        Assert.Equal(-1, DynamixelPacket.Unstuff(Hex("01 FF FF FD"), new byte[8]));
    }

    [Fact]
    public void Decode_GarbageBeforeHeaderAndStuffedHeaderLookalike_AreSkipped()
    {
        byte[] packet = Build(b => DynamixelInstructions.Write(b, 1, 116, [0xFF, 0xFF, 0xFD, 0x00]));
        byte[] input = [0x00, 0xFF, 0xFF, 0xFD, 0xFD, 0x12, .. packet];
        var p = new byte[16];
        Assert.Equal(DecodeStatus.Ok, DynamixelPacket.TryDecode(input, p, out DecodedPacket d, out int consumed));
        Assert.Equal(input.Length, consumed);
        Assert.Equal([0x74, 0x00, 0xFF, 0xFF, 0xFD, 0x00], p[..d.ParameterLength]);
    }

    [Fact]
    public void Decode_PartialPackets_NeedMoreDataAndKeepHeaderPrefix()
    {
        byte[] packet = Build(b => DynamixelInstructions.Read(b, 1, 132, 4));
        var p = new byte[8];
        for (int cut = 0; cut < packet.Length; cut++)
        {
            Assert.Equal(DecodeStatus.NeedMoreData, DynamixelPacket.TryDecode(packet.AsSpan(0, cut), p, out _, out int consumed));
            Assert.Equal(0, consumed);
        }
        Assert.Equal(DecodeStatus.NeedMoreData, DynamixelPacket.TryDecode(Hex("00 11 22 FF FF"), p, out _, out int c2));
        Assert.Equal(3, c2);
    }

    [Fact]
    public void Decode_CorruptedCrc_IsCrcErrorAndSkipsOneByte()
    {
        byte[] packet = Build(b => DynamixelInstructions.Read(b, 1, 132, 4));
        packet[^1] ^= 1;
        Assert.Equal(DecodeStatus.CrcError, DynamixelPacket.TryDecode(packet, new byte[8], out _, out int consumed));
        Assert.Equal(1, consumed);
    }

    [Fact]
    public void Decode_LengthBelowMinimum_IsMalformed()
    {
        Assert.Equal(DecodeStatus.Malformed, DynamixelPacket.TryDecode(Hex("FF FF FD 00 01 02 00 01 00 00"), new byte[8], out _, out _));
    }

    [Fact]
    public void EveryInstruction_RoundTrips()
    {
        var b = new byte[256];
        var p = new byte[256];
        BulkItem[] items = [new(1, 132, 4), new(2, 126, 2)];
        (Func<int> build, DynamixelInstruction kind, byte[] parameters)[] cases =
        [
            (() => DynamixelInstructions.Ping(b, 3), DynamixelInstruction.Ping, []),
            (() => DynamixelInstructions.Read(b, 3, 132, 4), DynamixelInstruction.Read, [0x84, 0, 4, 0]),
            (() => DynamixelInstructions.Write(b, 3, 64, [1]), DynamixelInstruction.Write, [64, 0, 1]),
            (() => DynamixelInstructions.RegWrite(b, 3, 116, [1, 2, 3, 4]), DynamixelInstruction.RegWrite, [116, 0, 1, 2, 3, 4]),
            (() => DynamixelInstructions.Action(b, 3), DynamixelInstruction.Action, []),
            (() => DynamixelInstructions.FactoryReset(b, 3, FactoryResetMode.KeepIdAndBaud), DynamixelInstruction.FactoryReset, [0x02]),
            (() => DynamixelInstructions.Reboot(b, 3), DynamixelInstruction.Reboot, []),
            (() => DynamixelInstructions.Clear(b, 3), DynamixelInstruction.Clear, [0x01, 0x44, 0x58, 0x4C, 0x22]),
            (() => DynamixelInstructions.SyncRead(b, 132, 4, [1, 2, 3]), DynamixelInstruction.SyncRead, [0x84, 0, 4, 0, 1, 2, 3]),
            (() => DynamixelInstructions.FastSyncRead(b, 132, 4, [1, 2, 3]), DynamixelInstruction.FastSyncRead, [0x84, 0, 4, 0, 1, 2, 3]),
            (() => DynamixelInstructions.SyncWrite(b, 64, 1, [1, 2], [1, 0]), DynamixelInstruction.SyncWrite, [64, 0, 1, 0, 1, 1, 2, 0]),
            (() => DynamixelInstructions.BulkRead(b, items), DynamixelInstruction.BulkRead, [1, 0x84, 0, 4, 0, 2, 126, 0, 2, 0]),
            (() => DynamixelInstructions.FastBulkRead(b, items), DynamixelInstruction.FastBulkRead, [1, 0x84, 0, 4, 0, 2, 126, 0, 2, 0]),
            (() => DynamixelInstructions.BulkWrite(b, [new(1, 116, 2), new(2, 64, 1)], [9, 8, 1]), DynamixelInstruction.BulkWrite, [1, 116, 0, 2, 0, 9, 8, 2, 64, 0, 1, 0, 1]),
        ];
        foreach (var (build, kind, parameters) in cases)
        {
            int n = build();
            Assert.Equal(DecodeStatus.Ok, DynamixelPacket.TryDecode(b.AsSpan(0, n), p, out DecodedPacket d, out int consumed));
            Assert.Equal(n, consumed);
            Assert.Equal(kind, d.Kind);
            Assert.Equal(parameters, p[..d.ParameterLength]);
        }
    }

    /// <summary>Bytes biased towards the stuffing alphabet so chained patterns are common.</summary>
    private static Arbitrary<byte[]> StuffingHeavyBytes() =>
        Gen.ArrayOf(Gen.Frequency(
            (4, Gen.Constant((byte)0xFF)),
            (4, Gen.Constant((byte)0xFD)),
            (1, Gen.Constant((byte)0x00)),
            (1, Gen.Choose(0, 255).Select(i => (byte)i)))).ToArbitrary();

    [Property(MaxTest = 1000)]
    public Property EncodeDecode_RandomPayloads_IsIdentity() =>
        Prop.ForAll(StuffingHeavyBytes(), Arb.From(Gen.Choose(0, 252)), (payload, idInt) =>
        {
            byte id = (byte)idInt;
            var buffer = new byte[DynamixelPacket.MaxEncodedLength(payload.Length)];
            int n = DynamixelPacket.Encode(buffer, id, DynamixelInstruction.Write, payload);
            var p = new byte[payload.Length];
            var status = DynamixelPacket.TryDecode(buffer.AsSpan(0, n), p, out DecodedPacket d, out int consumed);
            return status == DecodeStatus.Ok && consumed == n && d.Id == id && d.Kind == DynamixelInstruction.Write
                && p.AsSpan(0, d.ParameterLength).SequenceEqual(payload)
                && n == 10 + payload.Length + DynamixelPacket.CountStuffing([(byte)DynamixelInstruction.Write, .. payload]);
        });

    [Property(MaxTest = 1000)]
    public Property StuffUnstuff_RandomFields_IsIdentityAndNoRawPatternSurvives() =>
        Prop.ForAll(StuffingHeavyBytes(), raw =>
        {
            var stuffed = new byte[raw.Length * 2 + 1];
            int n = DynamixelPacket.Stuff(raw, stuffed);
            var back = new byte[raw.Length];
            int m = DynamixelPacket.Unstuff(stuffed.AsSpan(0, n), back);
            // After stuffing, a receiver's header search can never find FF FF FD 00 inside the field.
            return m == raw.Length && back.AsSpan().SequenceEqual(raw)
                && stuffed.AsSpan(0, n).IndexOf([(byte)0xFF, (byte)0xFF, (byte)0xFD, (byte)0x00]) < 0;
        });

    [Fact]
    public void EncodeDecode_SeededRandomStream_OfConcatenatedPackets()
    {
        var random = new Random(7);
        var stream = new List<byte>();
        var expected = new List<byte[]>();
        var buffer = new byte[600];
        for (int k = 0; k < 300; k++)
        {
            var payload = new byte[random.Next(0, 40)];
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] = random.Next(3) switch { 0 => 0xFF, 1 => 0xFD, _ => (byte)random.Next(256) };
            }
            int n = DynamixelPacket.Encode(buffer, (byte)random.Next(253), DynamixelInstruction.BulkWrite, payload);
            stream.AddRange(buffer[..n]);
            expected.Add(payload);
        }
        byte[] all = [.. stream];
        int offset = 0;
        var p = new byte[64];
        foreach (byte[] payload in expected)
        {
            Assert.Equal(DecodeStatus.Ok, DynamixelPacket.TryDecode(all.AsSpan(offset), p, out DecodedPacket d, out int consumed));
            Assert.Equal(payload, p[..d.ParameterLength]);
            offset += consumed;
        }
        Assert.Equal(all.Length, offset);
    }

    [Fact]
    public void EncodeAndDecode_DoNotAllocate()
    {
        var buffer = new byte[64];
        var p = new byte[64];
        byte[] ids = [1, 2, 3, 4, 5, 6, 7];
        byte[] payload = [0xFF, 0xFF, 0xFD, 0xFF, 0xFD, 1, 2];
        for (int i = 0; i < 10; i++)
        {
            DynamixelInstructions.FastSyncRead(buffer, 132, 4, ids);
            DynamixelPacket.TryDecode(buffer, p, out _, out _);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            int n = DynamixelInstructions.Write(buffer, 1, 116, payload);
            DynamixelPacket.TryDecode(buffer.AsSpan(0, n), p, out _, out _);
            DynamixelInstructions.FastSyncRead(buffer, 132, 4, ids);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
