namespace Robot.Runtime.Telemetry.Mcap;

/// <summary>MCAP record opcodes (mcap.dev/spec, major version 0).</summary>
public enum McapOpcode : byte
{
    Header = 0x01,
    Footer = 0x02,
    Schema = 0x03,
    Channel = 0x04,
    Message = 0x05,
    Chunk = 0x06,
    MessageIndex = 0x07,
    ChunkIndex = 0x08,
    Statistics = 0x0B,
    SummaryOffset = 0x0E,
    DataEnd = 0x0F,
}
