namespace Robot.Policies.Datasets;

/// <summary>
/// One top-level column of a parquet file as read by <see cref="ParquetTable"/>: a scalar column or a
/// list column (LeRobot's vector features), its element type, and its values. Numbers are widened to
/// double (exact for float32 and for integers below 2^53); strings are kept as strings. Nulls read as NaN.
/// </summary>
public sealed class ParquetColumn
{
    public ParquetColumn(string name, Type elementType, bool isList, int rows, int[] offsets, double[] numbers, string?[] strings)
    {
        Name = name;
        ElementType = elementType;
        IsList = isList;
        Rows = rows;
        Offsets = offsets;
        Numbers = numbers;
        Strings = strings;
    }

    public string Name { get; }

    /// <summary>CLR type of one element (float, double, long, int, bool, string...).</summary>
    public Type ElementType { get; }

    public bool IsList { get; }

    public int Rows { get; }

    /// <summary>Row r holds entries [Offsets[r], Offsets[r+1]); length Rows + 1. For scalars Offsets[r] = r.</summary>
    public int[] Offsets { get; }

    /// <summary>Numeric entries (empty for string columns).</summary>
    public double[] Numbers { get; }

    /// <summary>String entries (empty for numeric columns).</summary>
    public string?[] Strings { get; }

    public bool IsString => ElementType == typeof(string);

    /// <summary>The LeRobot dtype name of the element type ("float32", "int64", "bool", "string"...).</summary>
    public string Dtype => DtypeOf(ElementType);

    /// <summary>Entries in row <paramref name="row"/>.</summary>
    public int LengthOf(int row) => Offsets[row + 1] - Offsets[row];

    /// <summary>The numbers of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> Row(int row) => Numbers.AsSpan(Offsets[row], LengthOf(row));

    /// <summary>Scalar value of row <paramref name="row"/> (first entry).</summary>
    public double Scalar(int row) => Numbers[Offsets[row]];

    /// <summary>Scalar value as int64.</summary>
    public long Int64At(int row) => (long)Numbers[Offsets[row]];

    public static string DtypeOf(Type t) =>
        t == typeof(float) ? "float32"
        : t == typeof(double) ? "float64"
        : t == typeof(long) ? "int64"
        : t == typeof(int) ? "int32"
        : t == typeof(short) ? "int16"
        : t == typeof(sbyte) ? "int8"
        : t == typeof(byte) ? "uint8"
        : t == typeof(ushort) ? "uint16"
        : t == typeof(uint) ? "uint32"
        : t == typeof(ulong) ? "uint64"
        : t == typeof(bool) ? "bool"
        : t == typeof(string) ? "string"
        : t.Name;
}
