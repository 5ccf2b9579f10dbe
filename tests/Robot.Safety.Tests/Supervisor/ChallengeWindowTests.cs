using Robot.Safety.Supervisor;

namespace Robot.Safety.Tests.Supervisor;

public class ChallengeWindowTests
{
    [Fact]
    public void TryAccept_OnesComplementOfARecentChallenge_Counts()
    {
        var window = new ChallengeWindow();
        ulong c = window.Issue(100);
        Assert.True(window.TryAccept(c, ~c, oldestAllowed: 50));
    }

    [Fact]
    public void TryAccept_WrongTransformUnknownOrZero_DoesNotCount()
    {
        var window = new ChallengeWindow();
        ulong c = window.Issue(100);
        Assert.False(window.TryAccept(c, c, 0));
        Assert.False(window.TryAccept(c ^ 1, ~(c ^ 1), 0));
        Assert.False(window.TryAccept(0, ulong.MaxValue, 0));
    }

    [Fact]
    public void TryAccept_ChallengeIssuedBeforeTheHeartbeatWindow_IsStale()
    {
        var window = new ChallengeWindow();
        ulong c = window.Issue(100);
        Assert.False(window.TryAccept(c, ~c, oldestAllowed: 101));
    }

    [Fact]
    public void TryAccept_OlderChallengeAfterANewerWasAnswered_IsReplay()
    {
        var window = new ChallengeWindow();
        ulong older = window.Issue(100);
        ulong newer = window.Issue(110);
        Assert.True(window.TryAccept(newer, ~newer, 0));
        Assert.True(window.TryAccept(newer, ~newer, 0));
        Assert.False(window.TryAccept(older, ~older, 0));
    }

    [Fact]
    public void TryAccept_ChallengePushedOutOfTheWindow_DoesNotCount()
    {
        var window = new ChallengeWindow();
        ulong first = window.Issue(1);
        for (int i = 0; i < ChallengeWindow.Capacity; i++)
        {
            window.Issue(2 + i);
        }
        Assert.False(window.TryAccept(first, ~first, 0));
    }

    [Fact]
    public void Issue_AcrossManyRefillsOfTheRandomBuffer_NonZeroAndNeverRepeated()
    {
        // Values are drawn Capacity at a time; 100 refills must still give fresh, non-zero
        // challenges, and two sessions must not share a sequence.
        var window = new ChallengeWindow();
        var other = new ChallengeWindow();
        var seen = new HashSet<ulong>();
        for (int i = 0; i < 100 * ChallengeWindow.Capacity; i++)
        {
            ulong c = window.Issue(i);
            Assert.NotEqual(0UL, c);
            Assert.True(seen.Add(c), $"challenge {i} repeated an earlier one");
            Assert.True(seen.Add(other.Issue(i)), $"the other session's challenge {i} repeated one");
        }
        // Each issued challenge is accepted while it is the newest.
        ulong last = window.Issue(1_000_000);
        Assert.True(window.TryAccept(last, ~last, 0));
    }
}
