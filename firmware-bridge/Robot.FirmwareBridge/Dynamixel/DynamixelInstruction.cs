namespace Robot.FirmwareBridge.Dynamixel;

/// <summary>Instruction codes of Dynamixel Protocol 2.0 (shared/reference/dynamixel.md).</summary>
public enum DynamixelInstruction : byte
{
    Ping = 0x01,
    Read = 0x02,
    Write = 0x03,
    RegWrite = 0x04,
    Action = 0x05,
    FactoryReset = 0x06,
    Reboot = 0x08,
    Clear = 0x10,
    /// <summary>Not an instruction: the code a status packet carries in the instruction field.</summary>
    Status = 0x55,
    SyncRead = 0x82,
    SyncWrite = 0x83,
    FastSyncRead = 0x8A,
    BulkRead = 0x92,
    BulkWrite = 0x93,
    FastBulkRead = 0x9A,
}

/// <summary>The error number in bits 0–6 of a status packet's ERR byte.</summary>
public enum DynamixelErrorNumber : byte
{
    None = 0,
    ResultFail = 1,
    Instruction = 2,
    Crc = 3,
    DataRange = 4,
    DataLength = 5,
    DataLimit = 6,
    Access = 7,
}

/// <summary>What Factory Reset keeps (parameter of instruction 0x06).</summary>
public enum FactoryResetMode : byte
{
    /// <summary>Reset everything, ID and baud rate included.</summary>
    All = 0xFF,
    /// <summary>Keep the ID.</summary>
    KeepId = 0x01,
    /// <summary>Keep the ID and the baud rate.</summary>
    KeepIdAndBaud = 0x02,
}
