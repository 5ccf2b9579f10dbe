namespace Robot.Cli;

/// <summary>
/// Marks a static class that provides one verb through a
/// <c>public static System.CommandLine.Command Create()</c> method. <see cref="RobotCli"/> finds
/// every marked class at start-up, so adding a verb is adding one file. A verb with a
/// <see cref="Parent"/> is placed under that group (<c>robot bench sim</c>: Parent = "bench").
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CliVerbAttribute : Attribute
{
    /// <summary>Name of the group verb this one belongs under; null for a top-level verb. Groups are listed in <see cref="RobotCli.Groups"/>.</summary>
    public string? Parent { get; init; }
}
