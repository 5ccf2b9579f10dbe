using Robot.Core.Hardware;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.JointBoard;

namespace Robot.FirmwareBridge.Tests.JointBoard;

/// <summary>The vectors of firmware-bridge/docs/joint-board-protocol.md, byte for byte.</summary>
public class JointBoardProtocolTests
{
    private const string V1 = "A5 5A 01 03 01 00 04 00 E8 03 00 00 8E 4F";
    private const string V2 = "A5 5A 01 05 01 01 00 00 CD E1";
    private const string V3 = "A5 5A 01 01 02 07 2A 00 02 01 00 00 00 3F 00 00 00 00 00 00 20 42 00 00 80 3F 00 00 00 00 00 00 80 BE 00 00 00 3E 00 00 A0 41 00 00 00 3F 00 00 C0 3F AE A3";
    private const string V4 = "A5 5A 01 02 02 07 28 00 02 07 01 00 40 E2 01 00 00 00 00 3F 00 00 00 00 00 00 80 3E 5E 01 00 00 00 00 80 BE 00 00 00 3E 00 00 C0 BF 9C 01 01 00 93 C6";
    private const string V5 = "A5 5A 01 04 02 03 0C 00 60 EA 00 00 01 00 02 02 80 BB 05 00 FA 48";
    private const string V6 = "A5 5A 01 01 03 FF 16 00 01 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 CA 75";

    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "", StringComparison.Ordinal));

    private static readonly JointCommand[] s_v3Commands = [new(0.5, 0, 40, 1, 0), new(-0.25, 0.125, 20, 0.5, 1.5)];
    private static readonly JointSample[] s_v4Joints = [new(0.5f, 0, 0.25f, 350, JointFaults.None), new(-0.25f, 0.125f, -1.5f, 412, JointFaults.OverTemperature)];

    [Fact]
    public void V1_HeartbeatRequest()
    {
        var b = new byte[64];
        Assert.Equal(Hex(V1), b[..JointBoardProtocol.EncodeHeartbeatRequest(b, 1, 0, 1000)]);
        Assert.Equal(DecodeStatus.Ok, JointBoardProtocol.TryDecode(Hex(V1), out JointBoardFrame f, out _));
        Assert.Equal((JointBoardFrameType.HeartbeatRequest, (byte)1, (byte)0), (f.Type, f.BoardId, f.Sequence));
        Assert.Equal(1000u, JointBoardProtocol.ReadHeartbeatRequest(Hex(V1).AsSpan(f.PayloadOffset, 4)));
    }

    [Fact]
    public void V2_StateRequest()
    {
        var b = new byte[64];
        Assert.Equal(Hex(V2), b[..JointBoardProtocol.EncodeStateRequest(b, 1, 1)]);
        Assert.Equal(DecodeStatus.Ok, JointBoardProtocol.TryDecode(Hex(V2), out JointBoardFrame f, out _));
        Assert.Equal(JointBoardFrameType.StateRequest, f.Type);
    }

    [Fact]
    public void V3_Command_EncodesAndDecodes()
    {
        var b = new byte[128];
        int n = JointBoardProtocol.EncodeCommand(b, 2, 7, CommandOptions.Enable, s_v3Commands);
        Assert.Equal(Hex(V3), b[..n]);
        Assert.Equal(JointBoardProtocol.CommandFrameLength(2), n);
        byte[] wire = Hex(V3);
        Assert.Equal(DecodeStatus.Ok, JointBoardProtocol.TryDecode(wire, out JointBoardFrame f, out int consumed));
        Assert.Equal(wire.Length, consumed);
        var commands = new JointCommand[2];
        Assert.Equal(2, JointBoardProtocol.ReadCommand(wire.AsSpan(f.PayloadOffset, f.PayloadLength), out CommandOptions options, commands));
        Assert.Equal(CommandOptions.Enable, options);
        Assert.Equal(s_v3Commands, commands);
    }

    [Fact]
    public void V4_State_EncodesAndDecodes()
    {
        var b = new byte[128];
        int n = JointBoardProtocol.EncodeState(b, 2, 7, 7, BoardStatus.Enabled, 123456, s_v4Joints);
        Assert.Equal(Hex(V4), b[..n]);
        byte[] wire = Hex(V4);
        Assert.Equal(DecodeStatus.Ok, JointBoardProtocol.TryDecode(wire, out JointBoardFrame f, out _));
        var joints = new JointSample[2];
        BoardStateHeader h = JointBoardProtocol.ReadState(wire.AsSpan(f.PayloadOffset, f.PayloadLength), joints);
        Assert.Equal(new BoardStateHeader(2, 7, BoardStatus.Enabled, 123456), h);
        Assert.Equal(s_v4Joints, joints);
        Assert.Equal(41.2, joints[1].TemperatureCelsius, 9);
    }

    [Fact]
    public void V5_Heartbeat()
    {
        var hb = new BoardHeartbeat(60000, 1, 0, 2, BoardStatus.WatchdogTripped, 48000, 5);
        var b = new byte[64];
        Assert.Equal(Hex(V5), b[..JointBoardProtocol.EncodeHeartbeat(b, 2, 3, hb)]);
        byte[] wire = Hex(V5);
        Assert.Equal(DecodeStatus.Ok, JointBoardProtocol.TryDecode(wire, out JointBoardFrame f, out _));
        Assert.Equal(hb, JointBoardProtocol.ReadHeartbeat(wire.AsSpan(f.PayloadOffset, f.PayloadLength)));
    }

    [Fact]
    public void V6_LimpCommandWithClearFaults()
    {
        var b = new byte[64];
        Assert.Equal(Hex(V6), b[..JointBoardProtocol.EncodeCommand(b, 3, 255, CommandOptions.ClearFaults, [JointCommand.Limp])]);
    }

    [Fact]
    public void EveryVectorByteFlip_IsRejected()
    {
        foreach (string v in new[] { V1, V2, V3, V4, V5, V6 })
        {
            byte[] wire = Hex(v);
            for (int i = 0; i < wire.Length; i++)
            {
                byte[] bad = (byte[])wire.Clone();
                bad[i] ^= 0x01;
                DecodeStatus s = JointBoardProtocol.TryDecode(bad, out _, out _);
                Assert.NotEqual(DecodeStatus.Ok, s);
            }
        }
    }

    [Fact]
    public void Decode_GarbageTruncationAndConcatenation()
    {
        byte[] stream = [0x00, 0xA5, 0x13, .. Hex(V3), .. Hex(V4)];
        Assert.Equal(DecodeStatus.Ok, JointBoardProtocol.TryDecode(stream, out JointBoardFrame f1, out int c1));
        Assert.Equal(JointBoardFrameType.Command, f1.Type);
        Assert.Equal(DecodeStatus.Ok, JointBoardProtocol.TryDecode(stream.AsSpan(c1), out JointBoardFrame f2, out int c2));
        Assert.Equal(JointBoardFrameType.State, f2.Type);
        Assert.Equal(stream.Length, c1 + c2);
        byte[] v3 = Hex(V3);
        for (int cut = 0; cut < v3.Length; cut++)
        {
            Assert.Equal(DecodeStatus.NeedMoreData, JointBoardProtocol.TryDecode(v3.AsSpan(0, cut), out _, out int c));
            Assert.Equal(0, c);
        }
    }

    [Fact]
    public void Command_RandomValues_RoundTripAsFloat32()
    {
        var random = new Random(3);
        var b = new byte[512];
        for (int k = 0; k < 200; k++)
        {
            var commands = new JointCommand[random.Next(1, 17)];
            for (int i = 0; i < commands.Length; i++)
            {
                commands[i] = new JointCommand((float)(random.NextDouble() * 6 - 3), (float)(random.NextDouble() * 20 - 10), (float)(random.NextDouble() * 200), (float)(random.NextDouble() * 10), (float)(random.NextDouble() * 60 - 30));
            }
            int n = JointBoardProtocol.EncodeCommand(b, (byte)k, (byte)k, CommandOptions.Enable, commands);
            Assert.Equal(DecodeStatus.Ok, JointBoardProtocol.TryDecode(b.AsSpan(0, n), out JointBoardFrame f, out _));
            var back = new JointCommand[commands.Length];
            JointBoardProtocol.ReadCommand(b.AsSpan(f.PayloadOffset, f.PayloadLength), out _, back);
            Assert.Equal(commands, back);
        }
    }
}
