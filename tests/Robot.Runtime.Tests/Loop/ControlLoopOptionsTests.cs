using Robot.Runtime.Loop;

namespace Robot.Runtime.Tests.Loop;

public class ControlLoopOptionsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var o = new ControlLoopOptions();
        Assert.Equal(1000, o.RateHz);
        Assert.Equal(0.9, o.OverrunFraction);
        Assert.Equal(5, o.MaxConsecutiveOverruns);
        Assert.Equal(80, o.RealtimePriority);
        Assert.Equal(TimeSpan.FromMicroseconds(200), o.SpinWindow);
        Assert.True(o.UseRealtimeScheduling);
        Assert.True(o.LockMemory);
        Assert.Empty(o.Validate());
    }

    [Fact]
    public void Validate_EveryErrorReportedTogether()
    {
        var o = new ControlLoopOptions { RateHz = 5, MaxConsecutiveOverruns = 0, RealtimePriority = 120, OverrunFraction = double.NaN };
        var e = Assert.Throws<ArgumentException>(o.ThrowIfInvalid);
        Assert.Equal(
            "invalid control loop options: RateHz: 5 is outside 10–10000 Hz; OverrunFraction: NaN must be in (0, 10]; "
            + "MaxConsecutiveOverruns: 0 is outside 1–1000; RealtimePriority: 120 is outside 1–99",
            e.Message);
    }
}
