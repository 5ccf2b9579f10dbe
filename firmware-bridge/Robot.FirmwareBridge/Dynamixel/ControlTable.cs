namespace Robot.FirmwareBridge.Dynamixel;

/// <summary>One entry of a servo's control table.</summary>
/// <param name="Name">E-manual name.</param>
/// <param name="Address">Byte address.</param>
/// <param name="Size">1, 2 or 4 bytes, little-endian.</param>
/// <param name="Access">What the host may do.</param>
/// <param name="Eeprom">True for EEPROM items: writable only with torque off.</param>
/// <param name="IsSigned">True when the value is two's complement.</param>
public sealed record ControlTableItem(string Name, ushort Address, byte Size, ItemAccess Access, bool Eeprom = false, bool IsSigned = false);

/// <summary>Read-only or read-write.</summary>
public enum ItemAccess
{
    Read,
    ReadWrite,
}

/// <summary>
/// Addresses of the X-series control table (XM430-W350 and XL330-M288 share them; ROBOTIS
/// e-manual). The ones the reference lists: Baud Rate 8, Return Delay Time 9, Operating Mode 11,
/// Torque Enable 64, Hardware Error Status 70, Goal Position 116, Present Current 126,
/// Present Velocity 128, Present Position 132.
/// </summary>
public static class X
{
    public const ushort ModelNumber = 0;
    public const ushort ModelInformation = 2;
    public const ushort FirmwareVersion = 6;
    public const ushort Id = 7;
    public const ushort BaudRate = 8;
    public const ushort ReturnDelayTime = 9;
    public const ushort DriveMode = 10;
    public const ushort OperatingMode = 11;
    public const ushort SecondaryId = 12;
    public const ushort ProtocolType = 13;
    public const ushort HomingOffset = 20;
    public const ushort MovingThreshold = 24;
    public const ushort TemperatureLimit = 31;
    public const ushort MaxVoltageLimit = 32;
    public const ushort MinVoltageLimit = 34;
    public const ushort PwmLimit = 36;
    public const ushort CurrentLimit = 38;
    public const ushort VelocityLimit = 44;
    public const ushort MaxPositionLimit = 48;
    public const ushort MinPositionLimit = 52;
    public const ushort Shutdown = 63;
    public const ushort TorqueEnable = 64;
    public const ushort Led = 65;
    public const ushort StatusReturnLevel = 68;
    public const ushort RegisteredInstruction = 69;
    public const ushort HardwareErrorStatus = 70;
    public const ushort VelocityIGain = 76;
    public const ushort VelocityPGain = 78;
    public const ushort PositionDGain = 80;
    public const ushort PositionIGain = 82;
    public const ushort PositionPGain = 84;
    public const ushort GoalPwm = 100;
    public const ushort GoalCurrent = 102;
    public const ushort GoalVelocity = 104;
    public const ushort ProfileAcceleration = 108;
    public const ushort ProfileVelocity = 112;
    public const ushort GoalPosition = 116;
    public const ushort RealtimeTick = 120;
    public const ushort Moving = 122;
    public const ushort MovingStatus = 123;
    public const ushort PresentPwm = 124;
    public const ushort PresentCurrent = 126;
    public const ushort PresentVelocity = 128;
    public const ushort PresentPosition = 132;
    public const ushort VelocityTrajectory = 136;
    public const ushort PositionTrajectory = 140;
    public const ushort PresentInputVoltage = 144;
    public const ushort PresentTemperature = 146;

    /// <summary>Size of the table the emulator and typed access cover (up to Present Temperature).</summary>
    public const int TableSize = 147;
}

/// <summary>Operating Mode (address 11).</summary>
public enum OperatingMode : byte
{
    Current = 0,
    Velocity = 1,
    Position = 3,
    ExtendedPosition = 4,
    CurrentBasedPosition = 5,
    Pwm = 16,
}

/// <summary>Hardware Error Status bits (address 70).</summary>
[Flags]
public enum HardwareError : byte
{
    None = 0,
    InputVoltage = 0x01,
    Overheating = 0x04,
    MotorEncoder = 0x08,
    ElectricalShock = 0x10,
    Overload = 0x20,
}

/// <summary>A servo model: its number, table and units.</summary>
public sealed class DynamixelModel
{
    private readonly Dictionary<ushort, ControlTableItem> _byAddress;
    private readonly Dictionary<string, ControlTableItem> _byName;

    private DynamixelModel(string name, ushort modelNumber, int maxBaud, double currentUnitAmps, IReadOnlyList<ControlTableItem> items)
    {
        Name = name;
        ModelNumber = modelNumber;
        MaxBaudRate = maxBaud;
        CurrentUnitAmps = currentUnitAmps;
        Items = items;
        _byAddress = items.ToDictionary(i => i.Address);
        _byName = items.ToDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>XM430-W350: model 1020, up to 4.5 Mbaud, 2.69 mA per current unit.</summary>
    public static DynamixelModel XM430W350 { get; } = new("XM430-W350", 1020, 4_500_000, 0.00269, BuildItems(hasGoalCurrent: true));

    /// <summary>XL330-M288: model 1200, up to 4 Mbaud, 1 mA per current unit.</summary>
    public static DynamixelModel XL330M288 { get; } = new("XL330-M288", 1200, 4_000_000, 0.001, BuildItems(hasGoalCurrent: true));

    /// <summary>Every model this bridge knows.</summary>
    public static IReadOnlyList<DynamixelModel> All { get; } = [XM430W350, XL330M288];

    public string Name { get; }

    public ushort ModelNumber { get; }

    /// <summary>Highest line rate the servo supports.</summary>
    public int MaxBaudRate { get; }

    /// <summary>Amperes per Present/Goal Current unit.</summary>
    public double CurrentUnitAmps { get; }

    public IReadOnlyList<ControlTableItem> Items { get; }

    /// <summary>The model with <paramref name="modelNumber"/>, or null.</summary>
    public static DynamixelModel? FromModelNumber(int modelNumber) => All.FirstOrDefault(m => m.ModelNumber == modelNumber);

    /// <summary>The model named like "xm430", "XM430-W350", "xl330" …, or null.</summary>
    public static DynamixelModel? FromName(string name)
    {
        string n = name.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant();
        return All.FirstOrDefault(m => m.Name.Replace("-", "", StringComparison.Ordinal).StartsWith(n, StringComparison.Ordinal));
    }

    /// <summary>The item at <paramref name="address"/>, or null.</summary>
    public ControlTableItem? ItemAt(ushort address) => _byAddress.GetValueOrDefault(address);

    /// <summary>The item called <paramref name="name"/> (case-insensitive, spaces optional), or null.</summary>
    public ControlTableItem? Item(string name) =>
        _byName.GetValueOrDefault(name) ?? Items.FirstOrDefault(i => string.Equals(i.Name.Replace(" ", "", StringComparison.Ordinal), name.Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));

    private static List<ControlTableItem> BuildItems(bool hasGoalCurrent)
    {
        var items = new List<ControlTableItem>
        {
            new("Model Number", X.ModelNumber, 2, ItemAccess.Read, Eeprom: true),
            new("Model Information", X.ModelInformation, 4, ItemAccess.Read, Eeprom: true),
            new("Firmware Version", X.FirmwareVersion, 1, ItemAccess.Read, Eeprom: true),
            new("ID", X.Id, 1, ItemAccess.ReadWrite, Eeprom: true),
            new("Baud Rate", X.BaudRate, 1, ItemAccess.ReadWrite, Eeprom: true),
            new("Return Delay Time", X.ReturnDelayTime, 1, ItemAccess.ReadWrite, Eeprom: true),
            new("Drive Mode", X.DriveMode, 1, ItemAccess.ReadWrite, Eeprom: true),
            new("Operating Mode", X.OperatingMode, 1, ItemAccess.ReadWrite, Eeprom: true),
            new("Secondary ID", X.SecondaryId, 1, ItemAccess.ReadWrite, Eeprom: true),
            new("Protocol Type", X.ProtocolType, 1, ItemAccess.ReadWrite, Eeprom: true),
            new("Homing Offset", X.HomingOffset, 4, ItemAccess.ReadWrite, Eeprom: true, IsSigned: true),
            new("Moving Threshold", X.MovingThreshold, 4, ItemAccess.ReadWrite, Eeprom: true),
            new("Temperature Limit", X.TemperatureLimit, 1, ItemAccess.ReadWrite, Eeprom: true),
            new("Max Voltage Limit", X.MaxVoltageLimit, 2, ItemAccess.ReadWrite, Eeprom: true),
            new("Min Voltage Limit", X.MinVoltageLimit, 2, ItemAccess.ReadWrite, Eeprom: true),
            new("PWM Limit", X.PwmLimit, 2, ItemAccess.ReadWrite, Eeprom: true),
            new("Current Limit", X.CurrentLimit, 2, ItemAccess.ReadWrite, Eeprom: true),
            new("Velocity Limit", X.VelocityLimit, 4, ItemAccess.ReadWrite, Eeprom: true),
            new("Max Position Limit", X.MaxPositionLimit, 4, ItemAccess.ReadWrite, Eeprom: true),
            new("Min Position Limit", X.MinPositionLimit, 4, ItemAccess.ReadWrite, Eeprom: true),
            new("Shutdown", X.Shutdown, 1, ItemAccess.ReadWrite, Eeprom: true),
            new("Torque Enable", X.TorqueEnable, 1, ItemAccess.ReadWrite),
            new("LED", X.Led, 1, ItemAccess.ReadWrite),
            new("Status Return Level", X.StatusReturnLevel, 1, ItemAccess.ReadWrite),
            new("Registered Instruction", X.RegisteredInstruction, 1, ItemAccess.Read),
            new("Hardware Error Status", X.HardwareErrorStatus, 1, ItemAccess.Read),
            new("Velocity I Gain", X.VelocityIGain, 2, ItemAccess.ReadWrite),
            new("Velocity P Gain", X.VelocityPGain, 2, ItemAccess.ReadWrite),
            new("Position D Gain", X.PositionDGain, 2, ItemAccess.ReadWrite),
            new("Position I Gain", X.PositionIGain, 2, ItemAccess.ReadWrite),
            new("Position P Gain", X.PositionPGain, 2, ItemAccess.ReadWrite),
            new("Goal PWM", X.GoalPwm, 2, ItemAccess.ReadWrite, IsSigned: true),
            new("Goal Velocity", X.GoalVelocity, 4, ItemAccess.ReadWrite, IsSigned: true),
            new("Profile Acceleration", X.ProfileAcceleration, 4, ItemAccess.ReadWrite),
            new("Profile Velocity", X.ProfileVelocity, 4, ItemAccess.ReadWrite),
            new("Goal Position", X.GoalPosition, 4, ItemAccess.ReadWrite, IsSigned: true),
            new("Realtime Tick", X.RealtimeTick, 2, ItemAccess.Read),
            new("Moving", X.Moving, 1, ItemAccess.Read),
            new("Moving Status", X.MovingStatus, 1, ItemAccess.Read),
            new("Present PWM", X.PresentPwm, 2, ItemAccess.Read, IsSigned: true),
            new("Present Current", X.PresentCurrent, 2, ItemAccess.Read, IsSigned: true),
            new("Present Velocity", X.PresentVelocity, 4, ItemAccess.Read, IsSigned: true),
            new("Present Position", X.PresentPosition, 4, ItemAccess.Read, IsSigned: true),
            new("Velocity Trajectory", X.VelocityTrajectory, 4, ItemAccess.Read, IsSigned: true),
            new("Position Trajectory", X.PositionTrajectory, 4, ItemAccess.Read, IsSigned: true),
            new("Present Input Voltage", X.PresentInputVoltage, 2, ItemAccess.Read),
            new("Present Temperature", X.PresentTemperature, 1, ItemAccess.Read),
        };
        if (hasGoalCurrent)
        {
            items.Add(new("Goal Current", X.GoalCurrent, 2, ItemAccess.ReadWrite, IsSigned: true));
        }
        items.Sort((a, b) => a.Address.CompareTo(b.Address));
        return items;
    }
}

/// <summary>Unit conversions of the X series.</summary>
public static class DynamixelUnits
{
    /// <summary>Position ticks per revolution.</summary>
    public const int TicksPerRevolution = 4096;

    /// <summary>The tick that is 0 rad.</summary>
    public const int CenterTick = 2048;

    /// <summary>Velocity unit: 0.229 rev/min.</summary>
    public const double VelocityUnitRpm = 0.229;

    /// <summary>Radians per position tick.</summary>
    public const double RadiansPerTick = 2 * Math.PI / TicksPerRevolution;

    /// <summary>Position ticks → radians (2048 = 0 rad).</summary>
    public static double TicksToRadians(int ticks) => (ticks - CenterTick) * RadiansPerTick;

    /// <summary>Radians → the nearest position tick.</summary>
    public static int RadiansToTicks(double radians) => (int)Math.Round(radians / RadiansPerTick) + CenterTick;

    /// <summary>Velocity units → rad/s.</summary>
    public static double VelocityToRadiansPerSecond(int units) => units * VelocityUnitRpm * 2 * Math.PI / 60.0;

    /// <summary>rad/s → the nearest velocity unit.</summary>
    public static int RadiansPerSecondToVelocity(double radPerSec) => (int)Math.Round(radPerSec * 60.0 / (2 * Math.PI * VelocityUnitRpm));

    /// <summary>Current units → amperes for <paramref name="model"/>.</summary>
    public static double CurrentToAmps(int units, DynamixelModel model) => units * model.CurrentUnitAmps;

    /// <summary>Amperes → the nearest current unit for <paramref name="model"/>.</summary>
    public static int AmpsToCurrent(double amps, DynamixelModel model) => (int)Math.Round(amps / model.CurrentUnitAmps);

    /// <summary>Baud Rate register value (address 8) → line rate.</summary>
    public static int BaudFromRegister(byte value) => value switch
    {
        0 => 9600,
        1 => 57_600,
        2 => 115_200,
        3 => 1_000_000,
        4 => 2_000_000,
        5 => 3_000_000,
        6 => 4_000_000,
        7 => 4_500_000,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "baud rate register is 0–7"),
    };

    /// <summary>Line rate → Baud Rate register value; throws for a rate the X series does not support.</summary>
    public static byte RegisterFromBaud(int baud) => baud switch
    {
        9600 => 0,
        57_600 => 1,
        115_200 => 2,
        1_000_000 => 3,
        2_000_000 => 4,
        3_000_000 => 5,
        4_000_000 => 6,
        4_500_000 => 7,
        _ => throw new ArgumentOutOfRangeException(nameof(baud), baud, "X-series rates: 9600, 57600, 115200, 1M, 2M, 3M, 4M, 4.5M"),
    };

    /// <summary>Every rate the X series supports, most common first (for scans).</summary>
    public static IReadOnlyList<int> StandardBaudRates { get; } = [57_600, 1_000_000, 115_200, 2_000_000, 3_000_000, 4_000_000, 4_500_000, 9600];
}
