using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;

namespace Robot.Cli;

/// <summary>
/// The <c>robot</c> command. Every verb lives in its own file under Commands/ as a static class
/// marked <see cref="CliVerbAttribute"/>; each has --help, and long work prints progress on
/// stderr so that --json keeps stdout to one machine-readable object.
/// </summary>
public static class RobotCli
{
    /// <summary>Group verbs that hold the verbs of several features, with their descriptions.</summary>
    public static readonly IReadOnlyDictionary<string, string> Groups = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["bench"] = "Benchmarks: medians and tail percentiles, with a baseline measured in the same run.",
        ["sim"] = "Simulation in MuJoCo: model facts, the idle scenario, standing balance, pushes, walking.",
        ["task"] = "Pick tasks on a robot runtime (RobotService): submit, list, watch, cancel, kill.",
    };

    /// <summary>Builds the command tree, verbs in alphabetical order.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "robot: control runtime for warehouse humanoids (balance, locomotion, upper-body policy, safety supervision).");
        var groups = new Dictionary<string, Command>(StringComparer.Ordinal);
        var verbs = typeof(RobotCli).Assembly.GetTypes()
            .Select(t => (Type: t, Verb: t.GetCustomAttribute<CliVerbAttribute>()))
            .Where(x => x.Verb is not null)
            .Select(x => (Parent: x.Verb!.Parent, Command: (Command)x.Type.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes)!.Invoke(null, null)!))
            .OrderBy(x => x.Command.Name, StringComparer.Ordinal);
        foreach (var (parent, command) in verbs)
        {
            if (parent is null)
            {
                root.Subcommands.Add(command);
                continue;
            }
            if (!groups.TryGetValue(parent, out Command? group))
            {
                string description = Groups.TryGetValue(parent, out string? d) ? d : throw new InvalidOperationException($"verb '{command.Name}' names unknown group '{parent}'; add it to RobotCli.Groups");
                group = new Command(parent, description);
                groups.Add(parent, group);
                root.Subcommands.Add(group);
            }
            group.Subcommands.Add(command);
        }
        // Groups are created on first use; list every top-level verb alphabetically.
        Command[] sorted = [.. root.Subcommands.OrderBy(c => c.Name, StringComparer.Ordinal)];
        root.Subcommands.Clear();
        foreach (Command c in sorted)
        {
            root.Subcommands.Add(c);
        }
        return root;
    }

    /// <summary>Exit code of a command line that does not parse (an unknown verb, a bad flag or value), as for verbs' own flag checks.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Parses <paramref name="args"/> and runs the verb; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, input: null);

    /// <summary>As <see cref="Run(string[], TextWriter, TextWriter)"/>, with <paramref name="input"/> as the verb's stdin (null: the console).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, TextReader? input)
    {
        ParseResult parsed = Build().Parse(args);
        return parsed.Errors.Count > 0
            ? ReportUsageErrors(parsed, error)
            : parsed.Invoke(new CliInvocation { Output = output, Error = error, Input = input });
    }

    /// <summary>Async variant for verbs that run services or long work.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ParseResult parsed = Build().Parse(args);
        return parsed.Errors.Count > 0
            ? Task.FromResult(ReportUsageErrors(parsed, error))
            : parsed.InvokeAsync(new CliInvocation { Output = output, Error = error }, cancellationToken);
    }

    /// <summary>
    /// Bad command lines change nothing and say what was wrong on stderr, one line per error, with
    /// the way to the verb's help; stdout stays empty so scripts reading --json never parse a help page.
    /// </summary>
    private static int ReportUsageErrors(ParseResult parsed, TextWriter error)
    {
        var names = new Stack<string>();
        for (SymbolResult? r = parsed.CommandResult; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Push(c.Command is RootCommand ? "robot" : c.Command.Name);
            }
        }
        string path = string.Join(' ', names);
        foreach (var e in parsed.Errors)
        {
            error.WriteLine($"{path}: {e.Message}");
        }
        error.WriteLine($"see '{path} --help'");
        return UsageExitCode;
    }
}
