using System.Text;
using System.Text.Json;

namespace Robot.Policies.Datasets;

/// <summary>Thrown when a dataset file is missing or malformed; the message names the file and the problem.</summary>
public sealed class DatasetFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// meta/info.json of a LeRobot v3.0 dataset. Parsing accepts what LeRobot writes (names as a list, as
/// <c>{"motors": [...]}</c> or any one-key object, or null); writing produces LeRobot's key order.
/// </summary>
public sealed record DatasetInfo
{
    public string CodebaseVersion { get; init; } = LeRobotFormat.CodebaseVersion;
    public string? RobotType { get; init; }
    public long TotalEpisodes { get; init; }
    public long TotalFrames { get; init; }
    public long TotalTasks { get; init; }
    public int ChunksSize { get; init; } = LeRobotFormat.ChunksSize;
    public int DataFilesSizeInMb { get; init; } = LeRobotFormat.DataFilesSizeInMb;
    public int VideoFilesSizeInMb { get; init; } = LeRobotFormat.VideoFilesSizeInMb;
    public int Fps { get; init; }
    public IReadOnlyDictionary<string, string> Splits { get; init; } = new Dictionary<string, string>();
    public string DataPath { get; init; } = LeRobotFormat.DataPathTemplate;
    public string? VideoPath { get; init; }
    public IReadOnlyList<DatasetFeature> Features { get; init; } = [];

    public DatasetFeature? Feature(string key) => Features.FirstOrDefault(f => f.Key == key);

    /// <summary>Serialises as LeRobot does (indent 4).</summary>
    public byte[] ToJsonBytes()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("codebase_version", CodebaseVersion);
            if (RobotType is null)
            {
                w.WriteNull("robot_type");
            }
            else
            {
                w.WriteString("robot_type", RobotType);
            }
            w.WriteNumber("total_episodes", TotalEpisodes);
            w.WriteNumber("total_frames", TotalFrames);
            w.WriteNumber("total_tasks", TotalTasks);
            w.WriteNumber("chunks_size", ChunksSize);
            w.WriteNumber("data_files_size_in_mb", DataFilesSizeInMb);
            w.WriteNumber("video_files_size_in_mb", VideoFilesSizeInMb);
            w.WriteNumber("fps", Fps);
            w.WriteStartObject("splits");
            foreach (var (k, v) in Splits)
            {
                w.WriteString(k, v);
            }
            w.WriteEndObject();
            w.WriteString("data_path", DataPath);
            if (VideoPath is null)
            {
                w.WriteNull("video_path");
            }
            else
            {
                w.WriteString("video_path", VideoPath);
            }
            w.WriteStartObject("features");
            foreach (DatasetFeature f in Features)
            {
                w.WriteStartObject(f.Key);
                w.WriteString("dtype", f.Dtype);
                w.WriteStartArray("shape");
                foreach (int s in f.Shape)
                {
                    w.WriteNumberValue(s);
                }
                w.WriteEndArray();
                if (f.Names is null || f.NamesStyle == FeatureNamesStyle.None)
                {
                    w.WriteNull("names");
                }
                else
                {
                    w.WritePropertyName("names");
                    if (f.NamesStyle == FeatureNamesStyle.Keyed)
                    {
                        w.WriteStartObject();
                        w.WritePropertyName(f.NamesKey);
                    }
                    w.WriteStartArray();
                    foreach (string n in f.Names)
                    {
                        w.WriteStringValue(n);
                    }
                    w.WriteEndArray();
                    if (f.NamesStyle == FeatureNamesStyle.Keyed)
                    {
                        w.WriteEndObject();
                    }
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    public override string ToString() => Encoding.UTF8.GetString(ToJsonBytes());

    /// <summary>Reads info.json from a dataset root; throws <see cref="DatasetFormatException"/> naming the problem.</summary>
    public static DatasetInfo Load(string root)
    {
        string path = Path.Combine(root, LeRobotFormat.InfoPath);
        if (!File.Exists(path))
        {
            throw new DatasetFormatException($"missing file: {LeRobotFormat.InfoPath}");
        }
        return Parse(File.ReadAllBytes(path));
    }

    /// <summary>Parses info.json content; throws <see cref="DatasetFormatException"/> naming the key and what was expected.</summary>
    public static DatasetInfo Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument doc;
        try
        {
            // Tolerate a UTF-8 byte-order mark (files edited on Windows).
            doc = JsonDocument.Parse(json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? json[3..].ToArray() : json.ToArray());
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException($"{LeRobotFormat.InfoPath}: not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetFormatException($"{LeRobotFormat.InfoPath}: expected a JSON object, found {root.ValueKind}");
            }
            string version = RequiredString(root, "codebase_version");
            var features = new List<DatasetFeature>();
            JsonElement fs = Required(root, "features", JsonValueKind.Object);
            foreach (JsonProperty p in fs.EnumerateObject())
            {
                features.Add(ParseFeature(p.Name, p.Value));
            }
            var splits = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("splits", out JsonElement sp) && sp.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in sp.EnumerateObject())
                {
                    splits[p.Name] = p.Value.ToString();
                }
            }
            return new DatasetInfo
            {
                CodebaseVersion = version,
                RobotType = root.TryGetProperty("robot_type", out JsonElement rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString() : null,
                TotalEpisodes = RequiredLong(root, "total_episodes"),
                TotalFrames = RequiredLong(root, "total_frames"),
                TotalTasks = RequiredLong(root, "total_tasks"),
                ChunksSize = (int)OptionalLong(root, "chunks_size", LeRobotFormat.ChunksSize),
                DataFilesSizeInMb = (int)OptionalLong(root, "data_files_size_in_mb", LeRobotFormat.DataFilesSizeInMb),
                VideoFilesSizeInMb = (int)OptionalLong(root, "video_files_size_in_mb", LeRobotFormat.VideoFilesSizeInMb),
                Fps = (int)RequiredLong(root, "fps"),
                Splits = splits,
                DataPath = RequiredString(root, "data_path"),
                VideoPath = root.TryGetProperty("video_path", out JsonElement vp) && vp.ValueKind == JsonValueKind.String ? vp.GetString() : null,
                Features = features,
            };
        }
    }

    private static DatasetFeature ParseFeature(string key, JsonElement e)
    {
        string where = $"{LeRobotFormat.InfoPath}: features.{key}";
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new DatasetFormatException($"{where}: expected an object, found {e.ValueKind}");
        }
        if (!e.TryGetProperty("dtype", out JsonElement dt) || dt.ValueKind != JsonValueKind.String)
        {
            throw new DatasetFormatException($"{where}.dtype: missing or not a string");
        }
        if (!e.TryGetProperty("shape", out JsonElement sh) || sh.ValueKind != JsonValueKind.Array)
        {
            throw new DatasetFormatException($"{where}.shape: missing or not a list");
        }
        var shape = new List<int>();
        foreach (JsonElement s in sh.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt32(out int v) || v < 0)
            {
                throw new DatasetFormatException($"{where}.shape: '{s}' is not a non-negative integer");
            }
            shape.Add(v);
        }
        IReadOnlyList<string>? names = null;
        var style = FeatureNamesStyle.None;
        string namesKey = "motors";
        if (e.TryGetProperty("names", out JsonElement nm))
        {
            switch (nm.ValueKind)
            {
                case JsonValueKind.Array:
                    names = FlattenNames(nm, where);
                    style = FeatureNamesStyle.List;
                    break;
                case JsonValueKind.Object:
                    // {"motors": [...]} or {"axes": [...]}: one key holding the list. Images use several keys
                    // (height/width/channel); those are not per-entry names.
                    var props = nm.EnumerateObject().ToList();
                    if (props.Count == 1 && props[0].Value.ValueKind == JsonValueKind.Array)
                    {
                        names = FlattenNames(props[0].Value, where);
                        style = FeatureNamesStyle.Keyed;
                        namesKey = props[0].Name;
                    }
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    throw new DatasetFormatException($"{where}.names: expected a list, an object or null, found {nm.ValueKind}");
            }
        }
        return new DatasetFeature(key, dt.GetString()!, shape, names, style, namesKey);
    }

    private static List<string> FlattenNames(JsonElement array, string where)
    {
        var names = new List<string>();
        foreach (JsonElement n in array.EnumerateArray())
        {
            if (n.ValueKind == JsonValueKind.Array)
            {
                names.AddRange(FlattenNames(n, where));
            }
            else
            {
                names.Add(n.ValueKind == JsonValueKind.String ? n.GetString()! : n.ToString());
            }
        }
        return names;
    }

    private static JsonElement Required(JsonElement root, string key, JsonValueKind kind)
    {
        if (!root.TryGetProperty(key, out JsonElement v))
        {
            throw new DatasetFormatException($"{LeRobotFormat.InfoPath}: missing key '{key}'");
        }
        if (v.ValueKind != kind)
        {
            throw new DatasetFormatException($"{LeRobotFormat.InfoPath}: '{key}' should be {kind}, found {v.ValueKind}");
        }
        return v;
    }

    private static string RequiredString(JsonElement root, string key) => Required(root, key, JsonValueKind.String).GetString()!;

    private static long RequiredLong(JsonElement root, string key)
    {
        JsonElement v = Required(root, key, JsonValueKind.Number);
        return v.TryGetInt64(out long l) ? l : throw new DatasetFormatException($"{LeRobotFormat.InfoPath}: '{key}' should be an integer, found {v}");
    }

    private static long OptionalLong(JsonElement root, string key, long fallback) =>
        root.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) ? l : fallback;
}
