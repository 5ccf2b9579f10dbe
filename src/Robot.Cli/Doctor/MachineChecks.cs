using System.Runtime.InteropServices;
using Robot.Policies.Torch;
using Robot.Sim.MuJoCo;

namespace Robot.Cli.Doctor;

/// <summary>
/// The checks <c>robot doctor</c> runs: each thing the product needs on this machine. A check
/// never throws; a failure becomes a row with the command that fixes it.
/// </summary>
public static class MachineChecks
{
    /// <summary>The command that installs every Debian package the product uses.</summary>
    public const string AptInstall = "apt-get install -y libmujoco2.2.2 libmujoco-dev libmujoco-samples socat patchelf g++ python3";

    /// <summary>Runs every check, in the order they are printed.</summary>
    public static DoctorReport RunAll()
    {
        DoctorCheck[] checks =
        [
            DotNet(),
            MuJoCo(),
            Torch(),
            Executable("socat", "serial pseudo-terminal pairs for the firmware bridge", "apt-get install -y socat"),
            Executable("mujoco-testspeed", "MuJoCo's C benchmark, the baseline of `robot bench sim`", "apt-get install -y libmujoco-samples"),
        ];
        return new DoctorReport(checks.All(c => c.Ok), checks);
    }

    public static DoctorCheck DotNet() =>
        new("dotnet", Environment.Version.Major >= 10, $".NET {Environment.Version} ({RuntimeInformation.RuntimeIdentifier})",
            Environment.Version.Major >= 10 ? null : "install the .NET 10 SDK");

    public static DoctorCheck MuJoCo()
    {
        try
        {
            int version = MuJoCoLibrary.EnsureLoaded();
            return new DoctorCheck("mujoco", true, $"libmujoco {MuJoCoLibrary.Format(version)} loaded");
        }
        catch (MuJoCoException e)
        {
            return new DoctorCheck("mujoco", false, e.Message, MuJoCoLibrary.InstallCommand);
        }
    }

    public static DoctorCheck Torch()
    {
        try
        {
            return new DoctorCheck("torchsharp", true, TorchRuntime.Probe() + "; 2×2 matmul correct");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException)
        {
            string message = e.InnerException?.Message ?? e.Message;
            return new DoctorCheck("torchsharp", false, $"TorchSharp did not load or compute: {message}",
                "./robot --rebuild doctor   (the build patches libLibTorchSharp.so for Debian 12; needs: apt-get install -y patchelf g++ python3)");
        }
    }

    /// <summary>Checks that <paramref name="name"/> is an executable on PATH.</summary>
    public static DoctorCheck Executable(string name, string purpose, string fix)
    {
        string? path = FindOnPath(name);
        return path is null
            ? new DoctorCheck(name, false, $"'{name}' not found on PATH ({purpose})", fix)
            : new DoctorCheck(name, true, path);
    }

    /// <summary>Full path of an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (string directory in directories)
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
