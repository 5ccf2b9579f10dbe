using Robot.Core.Control;
using Robot.Runtime.Loop;
using Robot.Runtime.Tests.Doubles;

namespace Robot.Runtime.Tests.Loop;

public class SimulatedTimeDriverTests
{
    /// <summary>
    /// Simulated time has no deadlines: every tick counts, none is late, and the compute time is
    /// what the controller took (at least its 0.3 ms here, in microseconds, not clock ticks).
    /// </summary>
    [Fact]
    public void Run_RecordsEveryTicksComputeTimeAndNoLateness()
    {
        var (pipeline, _) = PipelineFactory.Create(controller: new SlowController(TimeSpan.FromMilliseconds(0.3)));
        var driver = new SimulatedTimeDriver(pipeline);
        Assert.Equal(20, driver.Run(20));
        LoopStatisticsSnapshot s = driver.Statistics.Snapshot();
        Assert.Equal(20, s.Ticks);
        Assert.Equal(0, s.Overruns);
        Assert.Equal(0, s.PeriodErrorUs.Max);
        Assert.True(s.ComputeUs.P50 >= 300, $"compute p50 {s.ComputeUs.P50} µs for a 300 µs controller");
        Assert.True(s.ComputeUs.P50 < 300_000, $"compute p50 {s.ComputeUs.P50} µs for a 300 µs controller: not microseconds");
    }
}
