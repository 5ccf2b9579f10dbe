namespace Robot.Cli.Tests;

/// <summary>Files of the repository the tests run from (found upwards from the test binaries by <c>Robot.sln</c>).</summary>
public static class RepoPaths
{
    /// <summary>The repository's root directory.</summary>
    public static string Root
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "Robot.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }
            return dir ?? throw new InvalidOperationException("Robot.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
