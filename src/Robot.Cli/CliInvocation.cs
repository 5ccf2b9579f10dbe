using System.CommandLine;

namespace Robot.Cli;

/// <summary>
/// The invocation settings of one <c>robot</c> run, plus where a verb reads operator input: a run
/// in-process (tests, another front end) hands the verb its own stdin instead of the console's.
/// </summary>
public sealed class CliInvocation : InvocationConfiguration
{
    /// <summary>Operator input lines (e.g. teleop keys); null: the process's console.</summary>
    public TextReader? Input { get; init; }

    /// <summary>The input a run was given, or null when it reads the console.</summary>
    public static TextReader? InputOf(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return (parseResult.InvocationConfiguration as CliInvocation)?.Input;
    }
}
