using Robot.Runtime.Policy;

namespace Robot.Runtime.Tests.Policy;

public class WilsonIntervalTests
{
    [Theory]
    [InlineData(95, 100, 0.8882, 0.9785)]
    [InlineData(100, 100, 0.9630, 1.0)]
    [InlineData(0, 10, 0.0, 0.2775)]
    public void Of_MatchesPublishedValues(int successes, int trials, double low, double high)
    {
        var (l, h) = WilsonInterval.Of(successes, trials);
        Assert.Equal(low, l, 3);
        Assert.Equal(high, h, 3);
    }
}
