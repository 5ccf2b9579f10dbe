using System.Text;

namespace Robot.Cli.Tests.Teleop;

/// <summary>
/// A thread-safe stderr for an in-process run that the test reads while the verb writes: the teleop
/// verb's status line says which episode records and how many frames it has, which is how the test
/// knows when to move the leader arm and when to press "next" without guessing from wall-clock time.
/// </summary>
public sealed class WatchedWriter : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the text so far; false after <paramref name="timeout"/> or when <paramref name="gaveUp"/> says so.</summary>
    public bool WaitFor(Func<string, bool> condition, TimeSpan timeout, Func<bool>? gaveUp = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition(ToString()))
            {
                return true;
            }
            if (gaveUp?.Invoke() == true)
            {
                break;
            }
            Thread.Sleep(5);
        }
        return condition(ToString());
    }
}
