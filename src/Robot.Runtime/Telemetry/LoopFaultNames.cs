using Robot.Core.Control;
using Robot.Runtime.Loop;

namespace Robot.Runtime.Telemetry;

/// <summary>Names of <see cref="LoopFault"/> values, computed once so that writing one allocates nothing.</summary>
internal static class LoopFaultNames
{
    private static readonly string[] s_names = Enum.GetValues<LoopFault>().Select(f => f.ToString()).ToArray();

    public static string Of(LoopFault fault) => (int)fault < s_names.Length ? s_names[(int)fault] : ((int)fault).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
