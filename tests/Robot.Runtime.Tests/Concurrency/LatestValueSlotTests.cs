using Robot.Runtime.Concurrency;

namespace Robot.Runtime.Tests.Concurrency;

public class LatestValueSlotTests
{
    private readonly record struct Sample(long A, long B, long C, long D);

    [Fact]
    public void TryRead_BeforePublish_ReturnsFalse()
    {
        var slot = new LatestValueSlot<Sample>();
        Assert.False(slot.TryRead(out _, out int version));
        Assert.Equal(0, version);
    }

    [Fact]
    public void TryRead_AfterPublish_ReturnsLatestAndVersion()
    {
        var slot = new LatestValueSlot<Sample>();
        slot.Publish(new Sample(1, 1, 1, 1));
        slot.Publish(new Sample(2, 2, 2, 2));
        Assert.True(slot.TryRead(out Sample value, out int version));
        Assert.Equal(new Sample(2, 2, 2, 2), value);
        Assert.Equal(2, version);
    }

    [Fact]
    public async Task TryRead_ConcurrentWriter_NeverSeesTornValue()
    {
        var slot = new LatestValueSlot<Sample>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            for (long i = 1; !stop.IsCancellationRequested; i++)
            {
                slot.Publish(new Sample(i, i, i, i));
            }
        });
        long torn = 0, reads = 0, last = 0, backwards = 0;
        while (reads < 2_000_000)
        {
            if (slot.TryRead(out Sample s, out _))
            {
                reads++;
                if (s.A != s.B || s.B != s.C || s.C != s.D)
                {
                    torn++;
                }
                if (s.A < last)
                {
                    backwards++;
                }
                last = s.A;
            }
        }
        await stop.CancelAsync();
        await writer;
        Assert.Equal(0, torn);
        Assert.Equal(0, backwards);
    }

    [Fact]
    public void TryRead_AllocatesNothing()
    {
        var slot = new LatestValueSlot<Sample>();
        slot.Publish(new Sample(1, 2, 3, 4));
        slot.TryRead(out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            slot.Publish(new Sample(i, i, i, i));
            slot.TryRead(out Sample s, out _);
            sum += s.A;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }
}
