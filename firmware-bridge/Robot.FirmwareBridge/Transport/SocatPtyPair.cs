using System.Diagnostics;

namespace Robot.FirmwareBridge.Transport;

/// <summary>
/// A connected pair of pseudo-terminals made by
/// <c>socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B</c>: a real tty path for each
/// side with no hardware. Used by tests, the benchmark and integrators. <see cref="Unplug"/> and
/// <see cref="Replug"/> stop and restart socat on the same link names (a device that vanishes
/// and comes back); <see cref="Dispose"/> stops it.
/// </summary>
public sealed class SocatPtyPair : IDisposable
{
    private Process? _process;
    private readonly bool _ownsDirectory;
    private readonly string _directory;

    /// <summary>Starts socat with links in <paramref name="directory"/> (a new temp directory when null).</summary>
    public SocatPtyPair(string? directory = null, TimeSpan? startTimeout = null)
    {
        _ownsDirectory = directory is null;
        _directory = directory ?? Directory.CreateTempSubdirectory("robot-pty-").FullName;
        PathA = Path.Combine(_directory, "a");
        PathB = Path.Combine(_directory, "b");
        StartTimeout = startTimeout ?? TimeSpan.FromSeconds(15);
        Replug();
    }

    /// <summary>The host side link.</summary>
    public string PathA { get; }

    /// <summary>The device side link.</summary>
    public string PathB { get; }

    /// <summary>How long to wait for socat to announce both ptys.</summary>
    public TimeSpan StartTimeout { get; }

    /// <summary>True while socat runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>True when socat is on the PATH.</summary>
    public static bool IsAvailable()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        return path is not null && path.Split(':').Any(d => File.Exists(Path.Combine(d, "socat")));
    }

    /// <summary>Stops socat: both ptys vanish, open descriptors see a hang-up.</summary>
    public void Unplug()
    {
        Process? p = _process;
        _process = null;
        if (p is null)
        {
            return;
        }
        try
        {
            if (!p.HasExited)
            {
                // SIGTERM lets socat remove its links; SIGKILL only if it does not go.
                LinuxNative.Kill(p.Id, 15);
                if (!p.WaitForExit(3000))
                {
                    p.Kill();
                    p.WaitForExit(3000);
                }
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            p.Dispose();
        }
        TryDelete(PathA);
        TryDelete(PathB);
    }

    /// <summary>Starts socat (again) on the same link names and waits until it runs.</summary>
    public void Replug()
    {
        Unplug();
        var info = new ProcessStartInfo("socat")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-d");
        info.ArgumentList.Add("-d");
        info.ArgumentList.Add($"pty,raw,echo=0,link={PathA}");
        info.ArgumentList.Add($"pty,raw,echo=0,link={PathB}");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Text.StringBuilder();
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (log)
            {
                log.AppendLine(e.Data);
            }
            if (e.Data.Contains("starting data transfer loop", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += (_, _) => { };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException("socat is not installed (apt-get install -y socat)", e);
        }
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        var clock = Stopwatch.StartNew();
        while (!(ready.Task.IsCompleted && File.Exists(PathA) && File.Exists(PathB)))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"socat exited with {process.ExitCode}: {log}");
            }
            if (clock.Elapsed > StartTimeout)
            {
                Unplug();
                throw new TimeoutException($"socat did not make a pty pair within {StartTimeout.TotalSeconds} s: {log}");
            }
            Thread.Sleep(5);
        }
    }

    public void Dispose()
    {
        Unplug();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
        }
    }
}
