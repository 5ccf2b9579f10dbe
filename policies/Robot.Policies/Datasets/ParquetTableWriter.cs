using Parquet;
using Parquet.Schema;

namespace Robot.Policies.Datasets;

/// <summary>
/// Builds one parquet file of scalar and fixed- or variable-length list columns, written as one row
/// group. Columns are added in schema order; every column must have the same row count.
/// </summary>
public sealed class ParquetTableWriter
{
    private readonly List<(Field Field, Func<ParquetRowGroupWriter, Task> Write)> _columns = [];
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private int _rows = -1;

    public int Rows => Math.Max(_rows, 0);

    private void CheckRows(string name, int rows)
    {
        if (_rows >= 0 && rows != _rows)
        {
            throw new ArgumentException($"column '{name}' has {rows} rows, the table has {_rows}");
        }
        _rows = rows;
    }

    /// <summary>A required scalar column.</summary>
    public ParquetTableWriter Scalar<T>(string name, T[] values)
        where T : struct
    {
        CheckRows(name, values.Length);
        var field = new DataField<T>(name);
        _columns.Add((field, rg => rg.WriteAsync<T>(field, values.AsMemory(), null, null, default)));
        return this;
    }

    /// <summary>A string column (nullable, as pyarrow writes strings).</summary>
    public ParquetTableWriter Strings(string name, string[] values)
    {
        CheckRows(name, values.Length);
        var field = new DataField<string>(name);
        _columns.Add((field, rg => rg.WriteAsync(field, values, null)));
        return this;
    }

    /// <summary>A list column of <paramref name="rows"/> rows of <paramref name="width"/> values each, row-major in <paramref name="values"/>.</summary>
    public ParquetTableWriter FixedList<T>(string name, T[] values, int rows, int width)
        where T : struct
    {
        if (values.Length < rows * width)
        {
            throw new ArgumentException($"column '{name}': {values.Length} values for {rows} rows × {width}");
        }
        int[] offsets = new int[rows + 1];
        for (int r = 0; r <= rows; r++)
        {
            offsets[r] = r * width;
        }
        return List(name, values, offsets);
    }

    /// <summary>A list column: row r holds values[offsets[r]..offsets[r+1]).</summary>
    public ParquetTableWriter List<T>(string name, T[] values, int[] offsets)
        where T : struct
    {
        int rows = offsets.Length - 1;
        CheckRows(name, rows);
        var item = new DataField<T>("element");
        var field = new ListField(name, item);
        (int[] def, int[] rep, T[] packed) = Levels(values, offsets, item.MaxDefinitionLevelOr(2));
        _columns.Add((field, rg => rg.WriteAllPartsAsync<T>(item, packed.AsMemory(), def.AsMemory(), rep.AsMemory(), default)));
        return this;
    }

    /// <summary>A list-of-strings column (LeRobot's episodes <c>tasks</c>).</summary>
    public ParquetTableWriter StringLists(string name, string[][] rows)
    {
        CheckRows(name, rows.Length);
        var item = new DataField<string>("element");
        var field = new ListField(name, item);
        var values = rows.SelectMany(r => r).Select(s => s.AsMemory()).ToArray();
        int[] offsets = new int[rows.Length + 1];
        for (int r = 0; r < rows.Length; r++)
        {
            offsets[r + 1] = offsets[r] + rows[r].Length;
        }
        // list optional (1) + repeated (1) + element optional (1) = 3
        (int[] def, int[] rep, ReadOnlyMemory<char>[] packed) = Levels(values, offsets, 3);
        _columns.Add((field, rg => rg.WriteAllPartsAsync<ReadOnlyMemory<char>>(item, packed.AsMemory(), def.AsMemory(), rep.AsMemory(), default)));
        return this;
    }

    /// <summary>File key-value metadata (e.g. pandas' index description).</summary>
    public ParquetTableWriter Metadata(string key, string value)
    {
        _metadata[key] = value;
        return this;
    }

    private static (int[] Def, int[] Rep, T[] Packed) Levels<T>(T[] values, int[] offsets, int maxDef)
    {
        int rows = offsets.Length - 1;
        int entries = 0;
        for (int r = 0; r < rows; r++)
        {
            entries += Math.Max(1, offsets[r + 1] - offsets[r]);
        }
        var def = new int[entries];
        var rep = new int[entries];
        var packed = new T[offsets[rows] - offsets[0]];
        Array.Copy(values, offsets[0], packed, 0, packed.Length);
        int e = 0;
        for (int r = 0; r < rows; r++)
        {
            int len = offsets[r + 1] - offsets[r];
            if (len == 0)
            {
                def[e] = 1; // an empty (not null) list: defined up to the list group, no element
                rep[e++] = 0;
                continue;
            }
            for (int i = 0; i < len; i++)
            {
                def[e] = maxDef;
                rep[e++] = i == 0 ? 0 : 1;
            }
        }
        return (def, rep, packed);
    }

    /// <summary>Writes the table to <paramref name="stream"/> (Snappy, as pyarrow's default).</summary>
    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var schema = new ParquetSchema(_columns.Select(c => c.Field));
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        var writer = await ParquetWriter.CreateAsync(schema, stream, options, false, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            if (_metadata.Count > 0)
            {
                writer.CustomMetadata = _metadata;
            }
            using ParquetRowGroupWriter rg = writer.CreateRowGroup();
            foreach (var (_, write) in _columns)
            {
                await write(rg).ConfigureAwait(false);
            }
            rg.CompleteValidate();
        }
    }

    /// <summary>Writes the table durably to <paramref name="path"/> (temp file, fsync, rename, fsync folder).</summary>
    public Task WriteFileAsync(string path, bool syncDirectory = true, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(path, s => WriteAsync(s, cancellationToken), syncFile: true, syncDirectory, cancellationToken);
}

internal static class DataFieldLevels
{
    /// <summary>Max definition level of a list element field before it is attached to a schema: optional list + repeated group (+1 if the element is nullable).</summary>
    public static int MaxDefinitionLevelOr(this DataField item, int requiredElement) => item.IsNullable ? requiredElement + 1 : requiredElement;
}
