using Robot.FirmwareBridge.Bench;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Tests.Support;

namespace Robot.FirmwareBridge.Tests.Dynamixel;

public class HotPathTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SyncReadAndSyncWrite_AllocateAlmostNothingPerCall(bool fast)
    {
        using var rig = new BusRig("1-7:xm430");
        var read = new SyncReadGroup(X.PresentPosition, 4, [1, 2, 3, 4, 5, 6, 7], fast);
        var write = new SyncWriteGroup(X.Led, 1, [1, 2, 3, 4, 5, 6, 7]);
        for (int i = 0; i < 50; i++)
        {
            read.Read(rig.Bus);
            write.Write(rig.Bus);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 300; i++)
        {
            read.Read(rig.Bus);
            write.Write(rig.Bus);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The codec and the bus are allocation-free; Polly's circuit breaker allocates a small
        // health-window object now and then (amortised to a few bytes per call).
        Assert.True(allocated / 600.0 < 16, $"{allocated} bytes over 300 read+write pairs");
    }

    [Fact]
    public void FastSyncRead_WithAMissingServo_IsACorruptReplyNotWrongData()
    {
        using var rig = new BusRig("1-3:xl330", options: BusRig.Generous with { ReplyTimeout = TimeSpan.FromMilliseconds(100) });
        var read = new SyncReadGroup(X.PresentPosition, 4, [1, 2, 9], fast: true);
        Assert.Throws<DynamixelCorruptReplyException>(() => read.Read(rig.Bus));
    }

    [Fact]
    public void SerialBenchmark_RunsAllThreeTransports_AndReportsEveryFigure()
    {
        SerialBenchmarkResult r = SerialBenchmark.Run(samples: 200, sustainSeconds: 0.2, servos: 3);
        Assert.Equal([SerialBenchmark.SystemIOPorts, SerialBenchmark.Fast, SerialBenchmark.Raw], r.RoundTripUs.Keys.ToArray());
        Assert.All(r.RoundTripUs.Values, s => Assert.True(s.P50 > 0 && s.P99 >= s.P50));
        Assert.True(r.FastToRawRatio > 0);
        Assert.True(r.SyncReadHz > 0 && r.FastSyncReadHz > 0 && r.LeaderArmHz > 0);
    }
}
