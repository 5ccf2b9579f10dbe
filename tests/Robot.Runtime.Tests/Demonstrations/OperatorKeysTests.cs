using Robot.Policies.Recording;
using Robot.Runtime.Demonstrations;

namespace Robot.Runtime.Tests.Demonstrations;

/// <summary>Operator commands as lines of text (stdin that is not a terminal).</summary>
public class OperatorKeysTests
{
    [Theory]
    [InlineData("n", RecorderCommand.NextEpisode)]
    [InlineData("next", RecorderCommand.NextEpisode)]
    [InlineData("  N \r", RecorderCommand.NextEpisode)]
    [InlineData("r", RecorderCommand.ReRecord)]
    [InlineData("rerecord", RecorderCommand.ReRecord)]
    [InlineData("Re-Record", RecorderCommand.ReRecord)]
    [InlineData("d", RecorderCommand.Discard)]
    [InlineData("discard", RecorderCommand.Discard)]
    [InlineData("q", RecorderCommand.Stop)]
    [InlineData("stop", RecorderCommand.Stop)]
    [InlineData("quit", RecorderCommand.Stop)]
    [InlineData("", RecorderCommand.None)]
    [InlineData("nn", RecorderCommand.None)]
    [InlineData("next episode", RecorderCommand.None)]
    [InlineData("x", RecorderCommand.None)]
    public void Parse_MapsLinesToCommands(string line, RecorderCommand expected) =>
        Assert.Equal(expected, OperatorKeys.Parse(line));

    [Fact]
    public void Lines_ArriveInOrder_UnknownLinesAndEndOfInputChangeNothing()
    {
        var keys = new OperatorKeys(new StringReader("n\nhello\n\nd\r\nr\nq\n"));
        var seen = new List<RecorderCommand>();
        // The reader thread drains the input on its own; wait (generously) for the four commands, not for a time.
        Assert.True(SpinWait.SpinUntil(() =>
        {
            RecorderCommand c = keys.Poll();
            if (c != RecorderCommand.None)
            {
                seen.Add(c);
            }
            return seen.Count == 4;
        }, TimeSpan.FromSeconds(30)));
        Assert.Equal([RecorderCommand.NextEpisode, RecorderCommand.Discard, RecorderCommand.ReRecord, RecorderCommand.Stop], seen);
        Assert.Equal(RecorderCommand.None, keys.Poll());
    }

    [Fact]
    public void Push_IsPolledLikeATypedCommand_OnceEach()
    {
        var keys = new OperatorKeys(TextReader.Null);
        keys.Push(RecorderCommand.Discard);
        keys.Push(RecorderCommand.NextEpisode);
        Assert.Equal(RecorderCommand.Discard, keys.Poll());
        Assert.Equal(RecorderCommand.NextEpisode, keys.Poll());
        Assert.Equal(RecorderCommand.None, keys.Poll());
    }
}
