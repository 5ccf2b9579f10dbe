namespace Robot.Cli.Commands.Safety;

/// <summary>A supervisor client flag is wrong; <see cref="Flag"/> names it.</summary>
internal sealed class SupervisorClientUsageException(string flag, string message) : Exception(message)
{
    public string Flag { get; } = flag;
}
