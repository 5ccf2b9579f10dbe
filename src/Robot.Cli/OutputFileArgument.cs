namespace Robot.Cli;

/// <summary>
/// A file a verb writes when it is done (<c>--record</c>, <c>--trace</c>, <c>--plot</c>): checked before the
/// work starts, because a path that cannot be written is otherwise found out minutes later and the result lost.
/// </summary>
public static class OutputFileArgument
{
    /// <summary>
    /// What is wrong with <paramref name="file"/> as the output of <paramref name="flag"/> (its folder missing, a
    /// folder in its place), or null when it can be created (or no file was asked for).
    /// </summary>
    /// <param name="flag">The option, e.g. "--trace".</param>
    /// <param name="file">The path given; null when the option was not used.</param>
    /// <param name="expected">What the path should name, e.g. "a CSV file path".</param>
    public static string? Problem(string flag, FileInfo? file, string expected) => file switch
    {
        null => null,
        { Directory: { Exists: false } dir } => $"{flag} {file.FullName}: folder {dir.FullName} does not exist",
        _ when Directory.Exists(file.FullName) => $"{flag} {file.FullName}: is a folder; expected {expected}",
        _ => null,
    };
}
