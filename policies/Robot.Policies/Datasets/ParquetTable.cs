using Parquet;
using Parquet.Schema;

namespace Robot.Policies.Datasets;

/// <summary>
/// Reads and writes whole parquet files of scalar and list columns, the shapes LeRobot uses. Lists
/// are standard three-level LIST groups (<c>optional group x (LIST) { repeated group list { element } }</c>),
/// which is what pyarrow writes for <c>list&lt;float&gt;</c> and fixed-size lists, so pyarrow,
/// HF datasets and LeRobot read ours and we read theirs.
/// </summary>
public sealed class ParquetTable
{
    private readonly Dictionary<string, ParquetColumn> _columns;

    private ParquetTable(List<ParquetColumn> columns, long rows, IReadOnlyList<string> unsupported, IReadOnlyDictionary<string, string> metadata)
    {
        Columns = columns;
        _columns = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        RowCount = rows;
        Unsupported = unsupported;
        Metadata = metadata;
    }

    public IReadOnlyList<ParquetColumn> Columns { get; }

    public long RowCount { get; }

    /// <summary>Top-level columns of a shape this reader does not decode (structs, maps, nested lists).</summary>
    public IReadOnlyList<string> Unsupported { get; }

    /// <summary>File key-value metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public ParquetColumn? Column(string name) => _columns.GetValueOrDefault(name);

    public ParquetColumn Require(string name, string file) =>
        Column(name) ?? throw new DatasetFormatException($"{file}: missing column '{name}' (has {string.Join(", ", Columns.Select(c => c.Name))})");

    /// <summary>Reads every supported column of <paramref name="path"/>; throws <see cref="DatasetFormatException"/> when it is not parquet.</summary>
    public static async Task<ParquetTable> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(path, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new DatasetFormatException($"{path}: not a readable parquet file ({e.Message})", e);
        }
        await using (reader.ConfigureAwait(false))
        {
            var leaves = new List<(string Name, DataField Leaf, bool IsList)>();
            var unsupported = new List<string>();
            foreach (Field f in reader.Schema.Fields)
            {
                switch (f)
                {
                    case DataField df:
                        leaves.Add((df.Name, df, df.MaxRepetitionLevel > 0));
                        break;
                    case ListField { Item: DataField item }:
                        leaves.Add((f.Name, item, true));
                        break;
                    default:
                        unsupported.Add(f.Name);
                        break;
                }
            }
            var builders = leaves.Select(l => new ColumnBuilder(l.Name, l.Leaf, l.IsList)).ToList();
            long rows = 0;
            try
            {
                for (int g = 0; g < reader.RowGroupCount; g++)
                {
                    using ParquetRowGroupReader rg = reader.OpenRowGroupReader(g);
                    rows += rg.RowCount;
                    foreach (ColumnBuilder b in builders)
                    {
                        await b.ReadAsync(rg, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or NotSupportedException or IndexOutOfRangeException)
            {
                throw new DatasetFormatException($"{path}: corrupt parquet data ({e.Message})", e);
            }
            var metadata = reader.CustomMetadata is { } cm ? new Dictionary<string, string>(cm) : [];
            return new ParquetTable(builders.Select(b => b.Build()).ToList(), rows, unsupported, metadata);
        }
    }

    private sealed class ColumnBuilder(string name, DataField leaf, bool isList)
    {
        private readonly List<int> _offsets = [0];
        private readonly List<double> _numbers = [];
        private readonly List<string?> _strings = [];
        private readonly Type _type = leaf.ClrType == typeof(ReadOnlyMemory<char>) ? typeof(string) : leaf.ClrType;

        public async Task ReadAsync(ParquetRowGroupReader rg, CancellationToken ct)
        {
            int n = checked((int)(rg.GetMetadata(leaf)?.MetaData?.NumValues ?? rg.RowCount));
            int[]? def = new int[n]; // Parquet.Net 6 wants the buffers even for required, flat columns (they read as zeros)
            int[]? rep = new int[n];
            if (_type == typeof(string))
            {
                var values = new ReadOnlyMemory<char>[n];
                await rg.ReadRawAsync(leaf, values.AsMemory(), def, rep, ct).ConfigureAwait(false);
                Assemble(n, def, rep, i => _strings.Add(values[i].ToString()), () => _strings.Add(null));
                return;
            }
            double[] numbers = _type switch
            {
                _ when _type == typeof(float) => await ReadAs<float>(rg, n, def, rep, v => v, ct).ConfigureAwait(false),
                _ when _type == typeof(double) => await ReadAs<double>(rg, n, def, rep, v => v, ct).ConfigureAwait(false),
                _ when _type == typeof(long) => await ReadAs<long>(rg, n, def, rep, v => v, ct).ConfigureAwait(false),
                _ when _type == typeof(int) => await ReadAs<int>(rg, n, def, rep, v => v, ct).ConfigureAwait(false),
                _ when _type == typeof(short) => await ReadAs<short>(rg, n, def, rep, v => v, ct).ConfigureAwait(false),
                _ when _type == typeof(sbyte) => await ReadAs<sbyte>(rg, n, def, rep, v => v, ct).ConfigureAwait(false),
                _ when _type == typeof(byte) => await ReadAs<byte>(rg, n, def, rep, v => v, ct).ConfigureAwait(false),
                _ when _type == typeof(ushort) => await ReadAs<ushort>(rg, n, def, rep, v => v, ct).ConfigureAwait(false),
                _ when _type == typeof(uint) => await ReadAs<uint>(rg, n, def, rep, v => v, ct).ConfigureAwait(false),
                _ when _type == typeof(ulong) => await ReadAs<ulong>(rg, n, def, rep, v => v, ct).ConfigureAwait(false),
                _ when _type == typeof(bool) => await ReadAs<bool>(rg, n, def, rep, v => v ? 1 : 0, ct).ConfigureAwait(false),
                _ => throw new NotSupportedException($"column '{name}' has element type {_type.Name}, which this reader does not decode"),
            };
            Assemble(n, def, rep, i => _numbers.Add(numbers[i]), () => _numbers.Add(double.NaN));
        }

        private async Task<double[]> ReadAs<T>(ParquetRowGroupReader rg, int n, int[]? def, int[]? rep, Func<T, double> widen, CancellationToken ct)
            where T : struct
        {
            var values = new T[n];
            await rg.ReadRawAsync(leaf, values.AsMemory(), def, rep, ct).ConfigureAwait(false);
            var result = new double[n];
            for (int i = 0; i < n; i++)
            {
                result[i] = widen(values[i]);
            }
            return result;
        }

        /// <summary>Walks the levels: rep 0 starts a row; an entry is an element when its definition level
        /// reaches the repeated group's, a value when it reaches the maximum. Values are packed (non-null only).</summary>
        private void Assemble(int n, int[]? def, int[]? rep, Action<int> addValue, Action addNull)
        {
            int maxDef = leaf.MaxDefinitionLevel;
            // Definition level at which a list entry exists: one below max when the element is nullable.
            int elementLevel = leaf.IsNullable ? maxDef - 1 : maxDef;
            int count = _type == typeof(string) ? _strings.Count : _numbers.Count;
            int v = 0;
            bool first = true;
            for (int i = 0; i < n; i++)
            {
                bool newRow = rep is null || rep[i] == 0;
                if (newRow && !first)
                {
                    _offsets.Add(count);
                }
                first = false;
                int d = def?[i] ?? maxDef;
                if (!isList || d >= elementLevel)
                {
                    if (d == maxDef)
                    {
                        addValue(v++);
                    }
                    else
                    {
                        addNull();
                    }
                    count++;
                }
            }
            if (!first)
            {
                _offsets.Add(count);
            }
        }

        public ParquetColumn Build() =>
            new(name, _type, isList, _offsets.Count - 1, [.. _offsets], [.. _numbers], [.. _strings]);
    }
}
