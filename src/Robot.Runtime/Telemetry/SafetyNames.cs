using System.Globalization;
using Robot.Runtime.Safety;
using Robot.Safety.Contracts;

namespace Robot.Runtime.Telemetry;

/// <summary>Names of the safety enums, computed once so that writing one allocates nothing.</summary>
internal static class SafetyNames
{
    private static readonly string[] s_stops = Enum.GetValues<StopCategory>().Select(v => v.ToString()).ToArray();
    private static readonly string[] s_phases = Enum.GetValues<StopPhase>().Select(v => v.ToString()).ToArray();
    private static readonly string[] s_reasons = Enum.GetValues<ReasonCode>().Select(v => v.ToString()).ToArray();

    public static string Of(StopCategory stop) => Name(s_stops, (int)stop);

    public static string Of(StopPhase phase) => Name(s_phases, (int)phase);

    public static string Of(ReasonCode reason) => Name(s_reasons, (int)reason);

    // Enum values are contiguous from 0 (checked by the name arrays' order); anything else is written as its number.
    private static string Name(string[] names, int value) =>
        value >= 0 && value < names.Length ? names[value] : value.ToString(CultureInfo.InvariantCulture);
}
