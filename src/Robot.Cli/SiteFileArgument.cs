using Robot.Safety.Geofence;

namespace Robot.Cli;

/// <summary>The <c>--site</c> file of the verbs that run a robot at a site.</summary>
public static class SiteFileArgument
{
    /// <summary>
    /// Loads and validates the site file; on a bad or unreadable file writes
    /// "robot VERB: --site PATH: what is wrong" to stderr and returns null (the verb exits 2).
    /// </summary>
    public static SiteModel? Load(CliOutput output, string verb, FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(file);
        // A folder reads as "access denied" on Linux: name what it is instead.
        if (Directory.Exists(file.FullName))
        {
            output.Error.WriteLine($"robot {verb}: --site {file.FullName}: is a folder; expected a site file (YAML)");
            return null;
        }
        try
        {
            return SiteFileParser.Load(file.FullName);
        }
        catch (Exception e) when (e is SiteValidationException or IOException)
        {
            output.Error.WriteLine($"robot {verb}: --site {file.FullName}: {e.Message}");
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            output.Error.WriteLine($"robot {verb}: --site {file.FullName}: cannot read the file: {e.Message}");
            return null;
        }
    }
}
