using Robot.Core.Control;
using Google.Protobuf;
using Robot.Runtime.Telemetry;
using Robot.Runtime.Telemetry.Protos;

namespace Robot.Runtime.Tests.Telemetry;

/// <summary>The hand-written encoder must produce what the generated protobuf parsers read.</summary>
public class ProtoWriterTests
{
    [Fact]
    public void Encode_JointCommands_ParsesWithGeneratedCode()
    {
        var random = new Random(3);
        double[] pos = [.. Enumerable.Range(0, 29).Select(_ => random.NextDouble() * 4 - 2)];
        double[] kp = [.. Enumerable.Range(0, 29).Select(_ => random.NextDouble() * 100)];
        byte[] buffer = new byte[4096];
        var w = new ProtoWriter(buffer);
        w.WriteDouble(1, 12.345);
        w.WriteInt64(2, 12345);
        w.WritePackedDoubles(3, pos);
        w.WritePackedDoubles(5, kp);
        w.WriteBool(8, true);
        JointCommands parsed = JointCommands.Parser.ParseFrom(buffer, 0, w.Length);
        Assert.Equal(12.345, parsed.Time);
        Assert.Equal(12345, parsed.Tick);
        Assert.Equal(pos, parsed.Position);
        Assert.Equal(kp, parsed.Kp);
        Assert.Empty(parsed.Velocity);
        Assert.True(parsed.HeldLastSafe);
    }

    [Theory]
    [InlineData("", -1)]
    [InlineData("Overrun", 7)]
    [InlineData("SensorNotFinite — 𝛑 ünïcode", 300)]
    public void Encode_StringsAndNegativeInts_MatchGeneratedCode(string code, int detail)
    {
        byte[] buffer = new byte[1024];
        var w = new ProtoWriter(buffer);
        w.WriteDouble(1, -0.5);
        w.WriteInt64(2, long.MaxValue);
        w.WriteString(3, code);
        w.WriteInt64(4, detail);
        var expected = new Robot.Runtime.Telemetry.Protos.LoopFault { Time = -0.5, Tick = long.MaxValue, Code = code, Detail = detail };
        Assert.Equal(expected.ToByteArray(), buffer.AsSpan(0, w.Length).ToArray());
    }
}
