using Robot.Core.Control;
using Robot.Runtime.Loop;
using Robot.Runtime.Tests.Doubles;

namespace Robot.Runtime.Tests.Loop;

public class WallClockDriverTests
{
    [Fact]
    public void Start_RunsRequestedTicksAndReportsScheduling()
    {
        var (pipeline, _) = PipelineFactory.Create();
        using var driver = new WallClockDriver(pipeline, new ControlLoopOptions { RateHz = 1000 }, warmupTicks: 100);
        driver.Start(ticks: 300);
        driver.Join();
        LoopStatisticsSnapshot s = driver.Statistics.Snapshot();
        Assert.Equal(200, s.Ticks);
        Assert.Equal(200, driver.TicksAfterWarmup);
        Assert.Equal(0, driver.AllocatedBytesAfterWarmup);
        Assert.Equal(300, pipeline.TickCount);
        Assert.Contains(driver.RealtimeReport, r => r.Contains("SCHED_FIFO", StringComparison.Ordinal));
        Assert.Contains(driver.RealtimeReport, r => r.Contains("mlockall", StringComparison.Ordinal) || r.Contains("memory locked", StringComparison.Ordinal));
    }

    [Fact]
    public void Overruns_ConsecutiveBeyondLimit_LatchOverrunAndHoldLastSafe()
    {
        // A controller that takes 3 ms per tick at 1 kHz overruns every tick.
        var (pipeline, _) = PipelineFactory.Create(controller: new SlowController(TimeSpan.FromMilliseconds(3)));
        using var driver = new WallClockDriver(pipeline, new ControlLoopOptions { RateHz = 1000, MaxConsecutiveOverruns = 3, UseRealtimeScheduling = false, LockMemory = false }, warmupTicks: 0);
        driver.Start(ticks: 10);
        driver.Join();
        Assert.Equal(LoopFault.Overrun, pipeline.Fault);
        Assert.True(driver.Statistics.Snapshot().Overruns >= 3);
        Assert.True(pipeline.Tick().HeldLastSafeCommand);
    }
}
