using System.Diagnostics;
using Robot.Core.Control;
using Robot.Core.Hardware;
using Robot.Runtime.Hosting;
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

    [Fact]
    public void Run_FakeControllerStallsOnce_TickDtCoversTheSkippedPeriods()
    {
        // A real controller does not stall on demand: this one sleeps 20 ms in its 100th tick.
        var controller = new StallOnceController(stallAtTick: 100, TimeSpan.FromMilliseconds(20));
        var (pipeline, _) = PipelineFactory.Create(controller: controller);
        using var driver = new WallClockDriver(pipeline,
            new ControlLoopOptions { RateHz = 1000, MaxConsecutiveOverruns = 1000, UseRealtimeScheduling = false, LockMemory = false }, warmupTicks: 0);
        long start = Stopwatch.GetTimestamp();
        driver.Start(ticks: 300);
        driver.Join();
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;

        Assert.Equal(300, pipeline.TickCount);
        Assert.True(driver.Statistics.Snapshot().MissedDeadlines >= 19, "a 20 ms stall skips at least 19 deadlines");
        // The tick after the stall is told the time that really passed: its own period and the 19+ skipped.
        Assert.True(controller.LargestDt >= 0.020 - 1e-9, $"largest dt {controller.LargestDt} s after a 20 ms stall");
        // Summed, the controller's time covers the stall and never runs ahead of the wall clock.
        Assert.InRange(controller.SecondsSeen, 0.319 - 1e-9, wall);
    }

    [Fact]
    public void Run_SimulationWithAFakeControllerStallingOnce_TheSimulatedWorldWaits_OnePeriodPerTick()
    {
        // A simulation's world stalls with the process: after the stall the loop goes on one
        // period at a time, and simulated time is ticks × period (a real robot's is wall time, above).
        var controller = new StallOnceController(stallAtTick: 100, TimeSpan.FromMilliseconds(20));
        using var robot = SimulatedRobot.Create(controller);
        using var driver = new WallClockDriver(robot.Pipeline,
            new ControlLoopOptions { RateHz = 1000, MaxConsecutiveOverruns = 1000, UseRealtimeScheduling = false, LockMemory = false }, warmupTicks: 0);
        double simStart = robot.Hardware.Simulation.Time;
        driver.Start(ticks: 300);
        driver.Join();

        Assert.True(driver.Statistics.Snapshot().MissedDeadlines >= 19, "a 20 ms stall skips at least 19 deadlines");
        Assert.Equal(0.001, controller.LargestDt, 9);
        Assert.Equal(0.300, robot.Hardware.Simulation.Time - simStart, 6);
    }

    /// <summary>Holds every joint at 0; sleeps once, in tick <c>stallAtTick</c>; records the dt it is given.</summary>
    private sealed class StallOnceController(long stallAtTick, TimeSpan stall) : IJointController
    {
        public double SecondsSeen { get; private set; }
        public double LargestDt { get; private set; }

        public LoopFault Update(in TickContext tick, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
        {
            SecondsSeen += tick.Dt;
            LargestDt = Math.Max(LargestDt, tick.Dt);
            if (tick.Tick == stallAtTick)
            {
                Thread.Sleep(stall);
            }
            commands.Fill(new JointCommand(0, 0, 10, 1, 0));
            return LoopFault.None;
        }
    }
}
