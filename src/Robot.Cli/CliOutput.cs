using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Robot.Cli;

/// <summary>Where a verb writes: stdout for results, stderr for progress and errors.</summary>
public sealed class CliOutput
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public CliOutput(TextWriter output, TextWriter error)
    {
        Out = output;
        Error = error;
    }

    public static CliOutput From(ParseResult parseResult) =>
        new(parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);

    /// <summary>Results (tables, or the one JSON object with --json).</summary>
    public TextWriter Out { get; }

    /// <summary>Progress, warnings and errors.</summary>
    public TextWriter Error { get; }

    private static readonly JsonSerializerOptions s_jsonLine = new(s_json) { WriteIndented = false };

    /// <summary>Writes <paramref name="value"/> as one JSON object on one line of stdout (streams: one object per line).</summary>
    public void WriteJsonLine<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, s_jsonLine));

    /// <summary>Writes <paramref name="value"/> as one JSON object on stdout.</summary>
    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, s_json));

    /// <summary>Writes a progress or status line on stderr.</summary>
    public void Progress(string line) => Error.WriteLine(line);
}
