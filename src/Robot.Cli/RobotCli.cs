using System.CommandLine;
using Robot.Cli.Commands;

namespace Robot.Cli;

/// <summary>
/// The <c>robot</c> command. Every verb lives in its own file under Commands/ and is added
/// here; each has --help, and long work prints progress on stderr so that --json keeps stdout
/// to one machine-readable object.
/// </summary>
public static class RobotCli
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "robot: control runtime for warehouse humanoids (balance, locomotion, upper-body policy, safety supervision).");
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the verb; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return Build().Parse(args).Invoke(configuration);
    }
}
