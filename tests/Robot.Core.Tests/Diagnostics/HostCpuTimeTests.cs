using Robot.Core.Diagnostics;
using Xunit;

namespace Robot.Core.Tests.Diagnostics;

public class HostCpuTimeTests
{
    [Fact]
    public void Parse_ProcStatLine_GroupsTheCountersByState()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        HostCpuTime? t = HostCpuTime.Parse("cpu  9020338 7 702229 3383828 12754 3 45911 68388 0 0");
        Assert.Equal(new HostCpuTime(9020338 + 7, 702229 + 3 + 45911, 3383828 + 12754, 68388), t);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cpu0 1 2 3 4 5 6 7 8")]
    [InlineData("intr 1 2 3 4 5 6 7 8")]
    [InlineData("cpu 1 2 3 4 5 6 7")]
    [InlineData("cpu 1 2 3 4 5 6 x 8")]
    [InlineData("cpu 1 2 3 -4 5 6 7 8")]
    public void Parse_NotTheAggregateCpuLine_IsNull(string? line)
    {
        Assert.Null(HostCpuTime.Parse(line));
    }

    [Fact]
    public void Between_TwoReadings_GivesBusyAndStolenShares()
    {
        var from = new HostCpuTime(1000, 500, 2000, 10);
        // 2000 ticks later: 600 user, 300 system, 1000 idle, 100 stolen.
        var to = new HostCpuTime(1600, 800, 3000, 110);
        HostCpuShare share = HostCpuTime.Between(from, to);
        Assert.Equal(45, share.BusyPercent, 9);
        Assert.Equal(5, share.StealPercent, 9);
    }

    [Fact]
    public void Between_MissingReadingOrNoTimePassed_IsNaN()
    {
        var t = new HostCpuTime(1, 2, 3, 4);
        Assert.True(double.IsNaN(HostCpuTime.Between(null, t).BusyPercent));
        Assert.True(double.IsNaN(HostCpuTime.Between(t, null).StealPercent));
        Assert.True(double.IsNaN(HostCpuTime.Between(t, t).BusyPercent));
    }

    [Fact]
    public void Now_OnLinux_ReadsCountersThatOnlyGrow()
    {
        Assert.True(OperatingSystem.IsLinux(), "these tests run on the Linux machines the product targets");
        HostCpuTime first = HostCpuTime.Now() ?? throw new InvalidOperationException("/proc/stat was not readable");
        long spin = Environment.TickCount64 + 200;
        while (Environment.TickCount64 < spin)
        {
        }
        HostCpuTime second = HostCpuTime.Now()!.Value;
        Assert.True(second.Total >= first.Total);
        Assert.True(second.User + second.System > first.User + first.System, "200 ms of spinning shows as busy time");
        Assert.True(HostCpuTime.LoadAverage() >= 0);
    }
}
