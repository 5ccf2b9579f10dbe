using System.Diagnostics;
using System.Text;

namespace Robot.Cli.Tests.Commands.Safety;

/// <summary>
/// <c>robot supervisor …</c> as a child process (the real verb, its real host), read until it
/// says where it listens; stopped with SIGTERM like a service manager would.
/// </summary>
public sealed class SupervisorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private SupervisorProcess(Process process) => _process = process;

    /// <summary>The first address it listens on.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Everything it wrote on stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static async Task<SupervisorProcess> StartAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(RobotCli).Assembly.Location);
        start.ArgumentList.Add("supervisor");
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var supervisor = new SupervisorProcess(Process.Start(start)!);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        supervisor._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("robot supervisor exited before listening:\n" + supervisor.Stderr));
                return;
            }
            lock (supervisor._stderr)
            {
                supervisor._stderr.AppendLine(e.Data);
            }
            const string marker = "supervisor: listening on ";
            if (e.Data.StartsWith(marker, StringComparison.Ordinal))
            {
                listening.TrySetResult(new Uri(e.Data[marker.Length..].Split(", ")[0]));
            }
        };
        supervisor._process.OutputDataReceived += (_, _) => { };
        supervisor._process.BeginErrorReadLine();
        supervisor._process.BeginOutputReadLine();
        try
        {
            supervisor.Address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await supervisor.DisposeAsync();
            throw;
        }
        return supervisor;
    }

    /// <summary>Sends SIGTERM and waits for the exit code (the supervisor closes its audit log on the way out).</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
