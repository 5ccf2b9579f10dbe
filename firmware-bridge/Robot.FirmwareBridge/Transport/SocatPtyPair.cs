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
    private int _socatPid;
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
        int socat = _socatPid;
        _process = null;
        _socatPid = 0;
        if (p is null)
        {
            return;
        }
        try
        {
            if (socat > 0)
            {
                // SIGTERM lets socat remove its links; SIGKILL only if it does not go.
                LinuxNative.Kill(socat, 15);
                var clock = Stopwatch.StartNew();
                while (LinuxNative.Kill(socat, 0) == 0 && clock.ElapsedMilliseconds < 3000)
                {
                    Thread.Sleep(2);
                }
                if (LinuxNative.Kill(socat, 0) == 0)
                {
                    LinuxNative.Kill(socat, 9);
                }
            }
            if (!p.HasExited && !p.WaitForExit(2000))
            {
                p.Kill();
                p.WaitForExit(2000);
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
        if (!IsAvailable())
        {
            throw new InvalidOperationException("socat is not installed (apt-get install -y socat)");
        }
        // socat runs under a small shell that stops it when this process dies (a killed test host
        // must not leave pty pairs behind); the shell prints socat's PID first.
        string script =
            $"socat -d -d 'pty,raw,echo=0,link={PathA}' 'pty,raw,echo=0,link={PathB}' & c=$!; echo $c; " +
            $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $c 2>/dev/null; do sleep 0.5; done; " +
            "kill -TERM $c 2>/dev/null; wait $c";
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
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
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && int.TryParse(e.Data.Trim(), System.Globalization.CultureInfo.InvariantCulture, out int pid) && Volatile.Read(ref _socatPid) == 0)
            {
                Volatile.Write(ref _socatPid, pid);
            }
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException("cannot start /bin/sh for socat", e);
        }
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        var clock = Stopwatch.StartNew();
        while (!(ready.Task.IsCompleted && Volatile.Read(ref _socatPid) > 0 && File.Exists(PathA) && File.Exists(PathB)))
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
