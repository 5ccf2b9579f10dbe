using Robot.FirmwareBridge.Dynamixel;

namespace Robot.FirmwareBridge.Tests.Dynamixel;

/// <summary>Vectors from shared/reference/dynamixel.md (ROBOTIS e-manual).</summary>
public class DynamixelCrcTests
{
    [Fact]
    public void Compute_CheckString_IsBuypassCheckValue()
    {
        Assert.Equal(0xFEE8, DynamixelCrc.Compute("123456789"u8));
    }

    [Theory]
    [InlineData("01 03 00 01", 0x4E19)]
    [InlineData("01 07 00 55 00 06 04 26", 0x5D65)]
    [InlineData("01 07 00 02 84 00 04 00", 0x151D)]
    [InlineData("01 09 00 03 74 00 00 02 00 00", 0x89CA)]
    [InlineData("FE 09 00 82 84 00 04 00 01 02", 0xFACE)]
    [InlineData("FE 11 00 83 74 00 04 00 01 96 00 00 00 02 AA 00 00 00", 0x8782)]
    public void Compute_EManualPackets_MatchReference(string afterHeader, int expected)
    {
        byte[] packet = [0xFF, 0xFF, 0xFD, 0x00, .. Convert.FromHexString(afterHeader.Replace(" ", "", StringComparison.Ordinal))];
        Assert.Equal((ushort)expected, DynamixelCrc.Compute(packet));
    }

    [Fact]
    public void Update_InPieces_EqualsWhole()
    {
        byte[] packet = Convert.FromHexString("FFFFFD00FE09008284000400" + "0102");
        ushort whole = DynamixelCrc.Compute(packet);
        ushort pieces = DynamixelCrc.Update(DynamixelCrc.Compute(packet.AsSpan(0, 5)), packet.AsSpan(5));
        Assert.Equal(whole, pieces);
    }
}
