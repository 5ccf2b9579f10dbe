using System.Collections.Concurrent;
using Robot.Policies.Recording;

namespace Robot.Runtime.Demonstrations;

/// <summary>
/// Operator commands for a recording session. On a terminal: → next episode, ← re-record, d discard,
/// Esc or q stop (read without echo). Otherwise lines on stdin mean the same: "n"/"next", "r"/"rerecord",
/// "d"/"discard", "q"/"stop"; end of input changes nothing. Read on a background thread; <see cref="Poll"/> never blocks.
/// </summary>
public sealed class OperatorKeys : IRecorderControl
{
    private readonly ConcurrentQueue<RecorderCommand> _commands = new();

    /// <summary>Starts reading <paramref name="input"/> lines (not a terminal), or the console keys when <paramref name="input"/> is null and stdin is a terminal.</summary>
    public OperatorKeys(TextReader? input)
    {
        var thread = new Thread(() => Read(input)) { IsBackground = true, Name = "operator keys" };
        thread.Start();
    }

    /// <summary>The text a status line shows for the keys.</summary>
    public const string Help = "→ next  ← re-record  d discard  Esc/q stop";

    public RecorderCommand Poll() => _commands.TryDequeue(out RecorderCommand c) ? c : RecorderCommand.None;

    /// <summary>Adds a command as if typed (tests, other front ends).</summary>
    public void Push(RecorderCommand command) => _commands.Enqueue(command);

    /// <summary>The command a line of text stands for.</summary>
    public static RecorderCommand Parse(string line) => line.Trim().ToLowerInvariant() switch
    {
        "n" or "next" => RecorderCommand.NextEpisode,
        "r" or "rerecord" or "re-record" => RecorderCommand.ReRecord,
        "d" or "discard" => RecorderCommand.Discard,
        "q" or "stop" or "quit" => RecorderCommand.Stop,
        _ => RecorderCommand.None,
    };

    private void Read(TextReader? input)
    {
        try
        {
            if (input is null)
            {
                while (true)
                {
                    ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                    RecorderCommand c = key.Key switch
                    {
                        ConsoleKey.RightArrow => RecorderCommand.NextEpisode,
                        ConsoleKey.LeftArrow => RecorderCommand.ReRecord,
                        ConsoleKey.D => RecorderCommand.Discard,
                        ConsoleKey.Escape or ConsoleKey.Q => RecorderCommand.Stop,
                        _ => RecorderCommand.None,
                    };
                    if (c != RecorderCommand.None)
                    {
                        _commands.Enqueue(c);
                    }
                }
            }
            string? line;
            while ((line = input.ReadLine()) is not null)
            {
                RecorderCommand c = Parse(line);
                if (c != RecorderCommand.None)
                {
                    _commands.Enqueue(c);
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // No usable input: the session runs on without operator commands.
        }
    }
}
