namespace Robot.FirmwareBridge.Dynamixel;

/// <summary>
/// The CRC of Dynamixel Protocol 2.0: CRC-16/BUYPASS (polynomial 0x8005, initial value 0, not
/// reflected, no final XOR). It covers the packet from the first header byte to the last
/// parameter, after byte stuffing, and is sent low byte first.
/// </summary>
public static class DynamixelCrc
{
    private static readonly ushort[] s_table = BuildTable();

    /// <summary>Continues a CRC over <paramref name="bytes"/>, starting from <paramref name="crc"/> (0 for a new packet).</summary>
    public static ushort Update(ushort crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            int i = ((crc >> 8) ^ b) & 0xFF;
            crc = (ushort)((crc << 8) ^ s_table[i]);
        }
        return crc;
    }

    /// <summary>The CRC of <paramref name="bytes"/>.</summary>
    public static ushort Compute(ReadOnlySpan<byte> bytes) => Update(0, bytes);

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            ushort crc = (ushort)(i << 8);
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x8005) : (ushort)(crc << 1);
            }
            table[i] = crc;
        }
        return table;
    }
}
