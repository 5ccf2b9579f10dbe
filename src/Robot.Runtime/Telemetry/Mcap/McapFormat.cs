namespace Robot.Runtime.Telemetry.Mcap;

/// <summary>Constants of the MCAP container format.</summary>
public static class McapFormat
{
    /// <summary>Magic bytes at both ends of a file: 0x89 "MCAP" '0' CR LF.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'M', (byte)'C', (byte)'A', (byte)'P', (byte)'0', 0x0D, 0x0A];
}
