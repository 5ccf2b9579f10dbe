namespace Robot.Policies.Datasets;

/// <summary>Kinds of problem <see cref="DatasetValidator"/> names.</summary>
public enum DatasetProblemKind
{
    MissingFile,
    UnreadableFile,
    InvalidMetadata,
    UnsupportedVersion,
    MissingColumn,
    WrongDtype,
    ShapeMismatch,
    NamesMismatch,
    TotalsMismatch,
    NonContiguousIndex,
    EpisodeMismatch,
    TimestampsNotMonotonic,
    TimestampsOffGrid,
    UnknownTask,
    OrphanFile,
    StatsMismatch,
    CadenceFlagged,

    /// <summary>A NaN or infinite value in a numeric column or in the statistics (training on it gives NaN weights).</summary>
    NonFiniteValue,
}

public enum DatasetProblemSeverity
{
    Error,
    Warning,
}

/// <summary>One exact problem: its kind, the file it is in (relative to the dataset root) and a sentence naming the values.</summary>
public sealed record DatasetProblem(DatasetProblemKind Kind, DatasetProblemSeverity Severity, string File, string Message)
{
    public override string ToString() => $"{(Severity == DatasetProblemSeverity.Error ? "error" : "warning")} {Kind} {File}: {Message}";
}

/// <summary>What <see cref="DatasetValidator"/> found.</summary>
public sealed record ValidationReport(string Root, long Episodes, long Frames, IReadOnlyList<DatasetProblem> Problems)
{
    public bool IsValid => Problems.All(p => p.Severity != DatasetProblemSeverity.Error);

    public int Errors => Problems.Count(p => p.Severity == DatasetProblemSeverity.Error);

    public int Warnings => Problems.Count(p => p.Severity == DatasetProblemSeverity.Warning);
}
