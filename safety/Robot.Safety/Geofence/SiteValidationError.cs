namespace Robot.Safety.Geofence;

/// <summary>One problem in a site file: where (1-based line and column, YAML path) and what.</summary>
public sealed record SiteValidationError(int Line, int Column, string Path, string Message)
{
    public override string ToString() =>
        Line > 0 ? $"line {Line}, column {Column}: {Path}: {Message}" : $"{Path}: {Message}";
}

/// <summary>A site file that failed validation; carries every error found, not just the first.</summary>
public sealed class SiteValidationException : Exception
{
    public SiteValidationException(string source, IReadOnlyList<SiteValidationError> errors)
        : base($"{source}: {errors.Count} error(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Errors = errors;
    }

    public SiteValidationException() : this("site", []) { }

    public SiteValidationException(string message) : base(message) { Errors = []; }

    public SiteValidationException(string message, Exception inner) : base(message, inner) { Errors = []; }

    public IReadOnlyList<SiteValidationError> Errors { get; } = [];
}
