using System.Diagnostics;

namespace Robot.Cli.Tests;

/// <summary>
/// Runs the built CLI as a child process (<c>dotnet Robot.Cli.dll …</c>), as a user's shell does:
/// for long runs with wall-clock deadlines (the supervised demo), which must not share the test
/// host's thread pool and synchronization context with the tests running beside them.
/// </summary>
public static class CliProcess
{
    /// <summary>Runs the CLI with <paramref name="args"/>; kills it after <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">It did not exit in time (its output so far is in the message).</exception>
    public static (int ExitCode, string Stdout, string Stderr) Run(TimeSpan timeout, params string[] args) =>
        Run(timeout, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="Run(TimeSpan, string[])"/>, with <paramref name="environment"/> added to the child's environment.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        start.ArgumentList.Add(typeof(RobotCli).Assembly.Location);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"robot {string.Join(' ', args)} did not exit within {timeout}:\n{stderr.Result}");
        }
        process.WaitForExit(); // the redirected streams are drained
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
