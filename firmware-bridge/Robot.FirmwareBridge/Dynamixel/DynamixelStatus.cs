namespace Robot.FirmwareBridge.Dynamixel;

/// <summary>
/// The header of a decoded status packet: who answered and the ERR byte. Bit 7 of ERR is the
/// hardware alert (read Hardware Error Status, address 70); bits 0–6 are the error number.
/// </summary>
public readonly record struct DynamixelStatus(byte Id, byte Error)
{
    /// <summary>Bit 7 of ERR: the device has a hardware error (overload, overheating …); it still answered.</summary>
    public bool HardwareAlert => (Error & 0x80) != 0;

    /// <summary>Bits 0–6 of ERR.</summary>
    public DynamixelErrorNumber ErrorNumber => (DynamixelErrorNumber)(Error & 0x7F);

    /// <summary>True when the instruction was carried out (error number 0; the alert bit may still be set).</summary>
    public bool Succeeded => ErrorNumber == DynamixelErrorNumber.None;

    public override string ToString() =>
        $"ID {Id}: {(Succeeded ? "ok" : ErrorNumber.ToString())}{(HardwareAlert ? " +hardware alert" : "")}";
}
