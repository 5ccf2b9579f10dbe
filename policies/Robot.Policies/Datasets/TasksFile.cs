namespace Robot.Policies.Datasets;

/// <summary>
/// meta/tasks.parquet: columns <c>task_index</c> (int64) and <c>task</c> (string). LeRobot writes it
/// from a pandas DataFrame indexed by the task text, so we add pandas' metadata naming <c>task</c> as
/// the index: <c>pd.read_parquet</c> then returns exactly the frame LeRobot itself would.
/// </summary>
public static class TasksFile
{
    private const string PandasMetadata =
        """{"index_columns": ["task"], "column_indexes": [{"name": null, "field_name": null, "pandas_type": "unicode", "numpy_type": "object", "metadata": {"encoding": "UTF-8"}}], "columns": [{"name": "task_index", "field_name": "task_index", "pandas_type": "int64", "numpy_type": "int64", "metadata": null}, {"name": "task", "field_name": "task", "pandas_type": "unicode", "numpy_type": "object", "metadata": null}], "creator": {"library": "robot", "version": "0.1.0"}, "pandas_version": "2.2.3"}""";

    public static Task WriteAsync(string path, IReadOnlyList<string> tasks, bool syncDirectory = true, CancellationToken cancellationToken = default) =>
        new ParquetTableWriter()
            .Scalar(LeRobotFormat.TaskIndex, Enumerable.Range(0, tasks.Count).Select(i => (long)i).ToArray())
            .Strings("task", [.. tasks])
            .Metadata("pandas", PandasMetadata)
            .WriteFileAsync(path, syncDirectory, cancellationToken);

    /// <summary>Reads (task_index, task) pairs; the task text may be in <c>task</c> or pandas' unnamed <c>__index_level_0__</c>.</summary>
    public static async Task<List<(long TaskIndex, string Task)>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ParquetTable t = await ParquetTable.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        ParquetColumn index = t.Require(LeRobotFormat.TaskIndex, LeRobotFormat.TasksPath);
        ParquetColumn text = t.Column("task") ?? t.Column("__index_level_0__")
            ?? throw new DatasetFormatException($"{LeRobotFormat.TasksPath}: missing column 'task' (has {string.Join(", ", t.Columns.Select(c => c.Name))})");
        if (!text.IsString)
        {
            throw new DatasetFormatException($"{LeRobotFormat.TasksPath}: column '{text.Name}' is {text.Dtype}, expected string");
        }
        var result = new List<(long, string)>((int)t.RowCount);
        for (int r = 0; r < t.RowCount; r++)
        {
            result.Add((index.Int64At(r), text.Strings[text.Offsets[r]] ?? ""));
        }
        return result;
    }
}
