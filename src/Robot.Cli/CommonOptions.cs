using System.CommandLine;

namespace Robot.Cli;

/// <summary>Options several verbs share, created fresh per command (an option belongs to one parent).</summary>
public static class CommonOptions
{
    /// <summary>--json: print one machine-readable JSON object on stdout.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print one machine-readable JSON object on stdout." };
}
