namespace Robot.Sim.MuJoCo;

/// <summary>Facts about the MuJoCo library this process loads.</summary>
public static class MuJoCoLibrary
{
    /// <summary>The command that installs the library on Debian and Ubuntu.</summary>
    public const string InstallCommand = "apt-get install -y libmujoco2.2.2 libmujoco-dev";

    /// <summary>
    /// Loads libmujoco and returns its version (222 for 2.2.2).
    /// </summary>
    /// <exception cref="MuJoCoException">The library is missing, or is not version 2.2.2.</exception>
    public static int EnsureLoaded()
    {
        int version;
        try
        {
            MuJoCoNative.EnsureResolver();
            version = MuJoCoNative.mj_version();
        }
        catch (DllNotFoundException e)
        {
            throw new MuJoCoException($"libmujoco 2.2.2 could not be loaded ({e.Message}); install it with: {InstallCommand}", e);
        }
        if (version != MuJoCoNative.SupportedVersion)
        {
            throw new MuJoCoException(
                $"libmujoco reports version {version}, but this binding mirrors the struct layout of {MuJoCoNative.SupportedVersion} (2.2.2) only; install it with: {InstallCommand}");
        }
        return version;
    }

    /// <summary>Formats a version number from mj_version() as text (222 → "2.2.2").</summary>
    public static string Format(int version) => $"{version / 100}.{version / 10 % 10}.{version % 10}";
}
