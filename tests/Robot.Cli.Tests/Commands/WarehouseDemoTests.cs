namespace Robot.Cli.Tests.Commands;

/// <summary>
/// <c>robot demo</c>'s flags. The supervised run itself is not a CI test yet: under the
/// supervisor the robot's run depends on wall-clock verdict timing, and on a loaded machine it
/// lost the box on the way to the tote in one run and fell in another. The pick task end to end
/// is asserted deterministically by <c>RunSiteCommandTests</c> (robot run + task submit over gRPC)
/// and <c>SimPickTaskExecutorTests</c>.
/// </summary>
public class WarehouseDemoTests
{
    [Theory]
    [InlineData("--tasks", "4")]
    [InlineData("--speed", "0")]
    public void Demo_BadFlag_Exit2NamingIt(string flag, string value)
    {
        var (code, _, stderr) = CliRunner.Run("demo", flag, value);
        Assert.Equal(2, code);
        Assert.Contains($"{flag} {value}", stderr, StringComparison.Ordinal);
    }
}
