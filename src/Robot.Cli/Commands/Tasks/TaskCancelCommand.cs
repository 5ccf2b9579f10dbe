using System.CommandLine;

namespace Robot.Cli.Commands.Tasks;

/// <summary><c>robot task cancel ID</c>: end a task gracefully.</summary>
[CliVerb(Parent = "task")]
public static class TaskCancelCommand
{
    public static Command Create() => TaskEndVerb.Create("cancel", "End a task gracefully: a queued task is canceled at once; an underway one finishes to a safe stance and puts a held box down.", kill: false);
}
