using System.Text.Json;

namespace Robot.Policies.Datasets;

/// <summary>meta/stats.json: per feature {min, max, mean, std, count} over the whole dataset, lists of numbers.</summary>
public static class StatsFile
{
    public static byte[] ToJsonBytes(IReadOnlyDictionary<string, FeatureStats> stats)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            foreach (var (feature, s) in stats)
            {
                w.WriteStartObject(feature);
                WriteArray(w, "min", s.Min);
                WriteArray(w, "max", s.Max);
                WriteArray(w, "mean", s.Mean);
                WriteArray(w, "std", s.Std);
                w.WriteStartArray("count");
                w.WriteNumberValue(s.Count);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void WriteArray(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                w.WriteNumberValue(v);
            }
            else
            {
                w.WriteNullValue();
            }
        }
        w.WriteEndArray();
    }

    /// <summary>Parses stats.json; features whose entries are not numeric lists (images) are skipped.</summary>
    public static Dictionary<string, FeatureStats> Parse(byte[] json)
    {
        var result = new Dictionary<string, FeatureStats>(StringComparer.Ordinal);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? json.AsMemory(3) : json.AsMemory());
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException($"{LeRobotFormat.StatsPath}: not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetFormatException($"{LeRobotFormat.StatsPath}: expected a JSON object");
            }
            foreach (JsonProperty f in doc.RootElement.EnumerateObject())
            {
                if (f.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                double[]? Get(string key) => f.Value.TryGetProperty(key, out JsonElement a) ? Flatten(a) : null;
                double[]? min = Get("min"), max = Get("max"), mean = Get("mean"), std = Get("std"), count = Get("count");
                if (min is null || max is null || mean is null || std is null)
                {
                    continue;
                }
                result[f.Name] = new FeatureStats(min, max, mean, std, count is { Length: > 0 } ? (long)count[0] : 0);
            }
        }
        return result;
    }

    private static double[]? Flatten(JsonElement e)
    {
        var values = new List<double>();
        bool ok = true;
        void Walk(JsonElement x)
        {
            switch (x.ValueKind)
            {
                case JsonValueKind.Array:
                    foreach (JsonElement y in x.EnumerateArray())
                    {
                        Walk(y);
                    }
                    break;
                case JsonValueKind.Number:
                    values.Add(x.GetDouble());
                    break;
                case JsonValueKind.Null:
                    values.Add(double.NaN);
                    break;
                default:
                    ok = false;
                    break;
            }
        }
        Walk(e);
        return ok ? values.ToArray() : null;
    }
}
