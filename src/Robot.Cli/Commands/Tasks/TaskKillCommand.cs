using System.CommandLine;

namespace Robot.Cli.Commands.Tasks;

/// <summary><c>robot task kill ID</c>: stop a task immediately (the last resort).</summary>
[CliVerb(Parent = "task")]
public static class TaskKillCommand
{
    public static Command Create() => TaskEndVerb.Create("kill", "Stop a task immediately (the last resort): the robot stops where it is. Prefer cancel.", kill: true);
}
