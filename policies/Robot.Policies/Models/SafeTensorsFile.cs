using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Robot.Policies.Models;

/// <summary>One float32 tensor as stored in a safetensors file: name, shape (row-major) and values.</summary>
/// <param name="Name">Tensor name (the module's parameter path, e.g. "encoder.0.attention.query.weight").</param>
/// <param name="Shape">Dimensions, outermost first; the product equals <c>Values.Length</c>.</param>
/// <param name="Values">Row-major values.</param>
public sealed record NamedTensor(string Name, long[] Shape, float[] Values);

/// <summary>Thrown when a safetensors file is truncated or malformed; the message names the file and the problem.</summary>
public sealed class SafeTensorsFormatException(string message) : Exception(message);

/// <summary>
/// The safetensors format (Hugging Face), written and read here without a Python dependency: an 8-byte
/// little-endian header length N, N bytes of JSON (<c>{"name": {"dtype": "F32", "shape": [...],
/// "data_offsets": [begin, end]}, "__metadata__": {string: string}}</c>, offsets relative to the end of the
/// header), then the raw little-endian tensor bytes. Only F32 is written; F32 is all this reader accepts.
/// Tensors are written in name order so the same weights give the same bytes.
/// </summary>
public static class SafeTensorsFile
{
    private const string MetadataKey = "__metadata__";

    // A header larger than this is not a header (the format's own reference reader caps it at 100 MB).
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes <paramref name="tensors"/> (and string <paramref name="metadata"/>) to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        NamedTensor[] sorted = [.. tensors.OrderBy(t => t.Name, StringComparer.Ordinal)];
        using var headerStream = new MemoryStream();
        using (var w = new Utf8JsonWriter(headerStream))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.WriteString(k, v);
                }
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (NamedTensor t in sorted)
            {
                long count = t.Shape.Aggregate(1L, (a, b) => a * b);
                if (count != t.Values.Length)
                {
                    throw new ArgumentException($"tensor '{t.Name}': shape [{string.Join(", ", t.Shape)}] holds {count} values, the data has {t.Values.Length}", nameof(tensors));
                }
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (long d in t.Shape)
                {
                    w.WriteNumberValue(d);
                }
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + 4 * count);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += 4 * count;
            }
            w.WriteEndObject();
        }
        // The header is padded with spaces to a multiple of 8 so the tensor data starts aligned.
        int padding = (int)((8 - headerStream.Length % 8) % 8);
        for (int i = 0; i < padding; i++)
        {
            headerStream.WriteByte((byte)' ');
        }
        string temp = path + ".partial";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerStream.Length);
            file.Write(length);
            headerStream.Position = 0;
            headerStream.CopyTo(file);
            foreach (NamedTensor t in sorted)
            {
                var bytes = new byte[4 * t.Values.Length];
                for (int i = 0; i < t.Values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), t.Values[i]);
                }
                file.Write(bytes);
            }
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads every tensor of a safetensors file, by name, and its metadata.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is truncated, its header is not valid, or a tensor is not F32.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static (IReadOnlyDictionary<string, NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        string name = Path.GetFileName(path);
        if (bytes.Length < 8)
        {
            throw new SafeTensorsFormatException($"{name}: {bytes.Length} bytes, shorter than the 8-byte header length");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || 8 + (long)headerLength > bytes.Length)
        {
            throw new SafeTensorsFormatException($"{name}: header length {headerLength} does not fit the file's {bytes.Length} bytes (truncated or not a safetensors file)");
        }
        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;
        var tensors = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"{name}: the header is not valid JSON ({e.Message})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SafeTensorsFormatException($"{name}: the header is not a JSON object");
            }
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == MetadataKey)
                {
                    foreach (JsonProperty m in p.Value.EnumerateObject())
                    {
                        metadata[m.Name] = m.Value.GetString() ?? "";
                    }
                    continue;
                }
                try
                {
                    string dtype = p.Value.GetProperty("dtype").GetString() ?? "";
                    if (dtype != "F32")
                    {
                        throw new SafeTensorsFormatException($"{name}: tensor '{p.Name}' has dtype {dtype}; only F32 is read");
                    }
                    long[] shape = [.. p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64())];
                    long[] offsets = [.. p.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64())];
                    long count = shape.Aggregate(1L, (a, b) => a * b);
                    if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] > dataLength || offsets[1] - offsets[0] != 4 * count)
                    {
                        throw new SafeTensorsFormatException($"{name}: tensor '{p.Name}' data_offsets [{string.Join(", ", offsets)}] do not match its shape [{string.Join(", ", shape)}] within {dataLength} data bytes");
                    }
                    var values = new float[count];
                    ReadOnlySpan<byte> data = bytes.AsSpan(dataStart + (int)offsets[0], (int)(4 * count));
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
                    }
                    tensors[p.Name] = new NamedTensor(p.Name, shape, values);
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    throw new SafeTensorsFormatException($"{name}: tensor '{p.Name}' has a malformed entry ({e.Message})");
                }
            }
        }
        return (tensors, metadata);
    }

    /// <summary>UTF-8 helper for tests and tools: the JSON header of a file as text.</summary>
    public static string ReadHeader(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return Encoding.UTF8.GetString(bytes, 8, (int)n);
    }
}
