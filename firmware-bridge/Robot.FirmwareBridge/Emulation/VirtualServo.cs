using System.Buffers.Binary;
using Robot.FirmwareBridge.Dynamixel;

namespace Robot.FirmwareBridge.Emulation;

/// <summary>
/// A virtual X-series servo: the control table (EEPROM items writable only with torque off,
/// read-only items refused with the Access error), position tracking toward Goal Position at the
/// velocity limit (or Profile Velocity), Present Velocity and Current while moving, the Return
/// Delay Time, Reg Write/Action, Reboot, Factory Reset, Clear, and hardware errors that set the
/// alert bit. Thread-safe: the emulator thread and test code may both touch it.
/// </summary>
public sealed class VirtualServo
{
    private readonly object _gate = new();
    private readonly byte[] _table = new byte[X.TableSize];
    private readonly byte[] _registered = new byte[X.TableSize];
    private int _registeredAddress = -1;
    private int _registeredLength;
    private long _lastUpdateTicks;
    private double _position; // ticks, fractional

    public VirtualServo(DynamixelModel model, byte id, byte baudRegister = 1, byte returnDelay = 250, byte firmware = 52)
    {
        Model = model;
        Firmware = firmware;
        FactoryReset(FactoryResetMode.All);
        _table[X.Id] = id;
        _table[X.BaudRate] = baudRegister;
        _table[X.ReturnDelayTime] = returnDelay;
        _lastUpdateTicks = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public DynamixelModel Model { get; }

    public byte Firmware { get; }

    public byte Id
    {
        get { lock (_gate) { return _table[X.Id]; } }
    }

    /// <summary>Line rate from the Baud Rate register.</summary>
    public int BaudRate
    {
        get { lock (_gate) { return DynamixelUnits.BaudFromRegister(_table[X.BaudRate]); } }
    }

    /// <summary>Return Delay Time in microseconds (register × 2 µs).</summary>
    public int ReturnDelayMicroseconds
    {
        get { lock (_gate) { return _table[X.ReturnDelayTime] * 2; } }
    }

    /// <summary>Status Return Level (0 ping only, 1 reads, 2 all).</summary>
    public byte StatusReturnLevel
    {
        get { lock (_gate) { return _table[X.StatusReturnLevel]; } }
    }

    /// <summary>Number of Write/Sync Write/Bulk Write/Action instructions applied (tests count duplicates with it).</summary>
    public int WritesApplied { get; private set; }

    /// <summary>Every Goal Position value written, in order (tests check that no stale or repeated goal was sent).</summary>
    public IReadOnlyList<int> GoalHistory
    {
        get { lock (_gate) { return [.. _goals]; } }
    }

    private readonly List<int> _goals = [];

    /// <summary>Present position in ticks.</summary>
    public int PresentPosition
    {
        get { lock (_gate) { Update(); return (int)Math.Round(_position); } }
    }

    /// <summary>Moves the horn by hand (a leader arm being moved by a person), torque off or on.</summary>
    public void SetPresentPosition(int ticks)
    {
        lock (_gate)
        {
            Update();
            _position = ticks;
            WriteInt(X.PresentPosition, 4, ticks);
        }
    }

    /// <summary>Raises hardware error bits: torque goes off and every status carries the alert bit until Reboot.</summary>
    public void InjectHardwareError(HardwareError error)
    {
        lock (_gate)
        {
            _table[X.HardwareErrorStatus] |= (byte)error;
            _table[X.TorqueEnable] = 0;
        }
    }

    /// <summary>ERR byte of the next status: the alert bit when Hardware Error Status is non-zero.</summary>
    public byte AlertBit
    {
        get { lock (_gate) { return _table[X.HardwareErrorStatus] != 0 ? (byte)0x80 : (byte)0; } }
    }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="address"/>; returns the error number.</summary>
    public DynamixelErrorNumber Read(ushort address, ushort length, Span<byte> destination)
    {
        lock (_gate)
        {
            if (length == 0 || address + length > X.TableSize)
            {
                return DynamixelErrorNumber.DataLength;
            }
            Update();
            _table.AsSpan(address, length).CopyTo(destination);
            return DynamixelErrorNumber.None;
        }
    }

    /// <summary>Writes (Write, Sync Write, Bulk Write); returns the error number.</summary>
    public DynamixelErrorNumber Write(ushort address, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            DynamixelErrorNumber check = CheckWrite(address, data);
            if (check != DynamixelErrorNumber.None)
            {
                return check;
            }
            Update();
            Apply(address, data);
            return DynamixelErrorNumber.None;
        }
    }

    /// <summary>Reg Write: checked now, applied on Action.</summary>
    public DynamixelErrorNumber RegWrite(ushort address, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            DynamixelErrorNumber check = CheckWrite(address, data);
            if (check != DynamixelErrorNumber.None)
            {
                return check;
            }
            data.CopyTo(_registered);
            _registeredAddress = address;
            _registeredLength = data.Length;
            _table[X.RegisteredInstruction] = 1;
            return DynamixelErrorNumber.None;
        }
    }

    /// <summary>Action: applies a pending Reg Write; Result Fail when there is none.</summary>
    public DynamixelErrorNumber Action()
    {
        lock (_gate)
        {
            if (_registeredAddress < 0)
            {
                return DynamixelErrorNumber.ResultFail;
            }
            Update();
            Apply((ushort)_registeredAddress, _registered.AsSpan(0, _registeredLength));
            _registeredAddress = -1;
            _table[X.RegisteredInstruction] = 0;
            return DynamixelErrorNumber.None;
        }
    }

    /// <summary>Reboot: clears hardware errors, torque off.</summary>
    public void Reboot()
    {
        lock (_gate)
        {
            Update();
            _table[X.HardwareErrorStatus] = 0;
            _table[X.TorqueEnable] = 0;
            _registeredAddress = -1;
            _table[X.RegisteredInstruction] = 0;
        }
    }

    /// <summary>Clear: resets the multi-turn count (position modulo one turn); refused while moving.</summary>
    public DynamixelErrorNumber Clear()
    {
        lock (_gate)
        {
            Update();
            if (_table[X.Moving] != 0)
            {
                return DynamixelErrorNumber.ResultFail;
            }
            _position = ((_position % 4096) + 4096) % 4096;
            WriteInt(X.PresentPosition, 4, (int)Math.Round(_position));
            return DynamixelErrorNumber.None;
        }
    }

    /// <summary>Factory Reset to defaults (ID 1, 57600 baud, 500 µs return delay) keeping what the mode says.</summary>
    public void FactoryReset(FactoryResetMode mode)
    {
        lock (_gate)
        {
            byte id = _table[X.Id], baud = _table[X.BaudRate];
            int position = (int)Math.Round(_position);
            Array.Clear(_table);
            WriteInt(X.ModelNumber, 2, Model.ModelNumber);
            _table[X.FirmwareVersion] = Firmware;
            _table[X.Id] = mode is FactoryResetMode.KeepId or FactoryResetMode.KeepIdAndBaud ? id : (byte)1;
            _table[X.BaudRate] = mode == FactoryResetMode.KeepIdAndBaud ? baud : (byte)1;
            _table[X.ReturnDelayTime] = 250;
            _table[X.OperatingMode] = (byte)OperatingMode.Position;
            _table[X.ProtocolType] = 2;
            _table[X.TemperatureLimit] = 80;
            WriteInt(X.MaxVoltageLimit, 2, 160);
            WriteInt(X.MinVoltageLimit, 2, 35);
            WriteInt(X.PwmLimit, 2, 885);
            WriteInt(X.CurrentLimit, 2, Model == DynamixelModel.XL330M288 ? 1750 : 1193);
            WriteInt(X.VelocityLimit, 4, Model == DynamixelModel.XL330M288 ? 445 : 200);
            WriteInt(X.MaxPositionLimit, 4, 4095);
            WriteInt(X.MinPositionLimit, 4, 0);
            _table[X.Shutdown] = 0x34;
            _table[X.StatusReturnLevel] = 2;
            WriteInt(X.PositionPGain, 2, 800);
            WriteInt(X.PresentInputVoltage, 2, 120);
            _table[X.PresentTemperature] = 30;
            _position = position == 0 && _lastUpdateTicks == 0 ? DynamixelUnits.CenterTick : position;
            WriteInt(X.PresentPosition, 4, (int)Math.Round(_position));
            WriteInt(X.GoalPosition, 4, (int)Math.Round(_position));
        }
    }

    private DynamixelErrorNumber CheckWrite(ushort address, ReadOnlySpan<byte> data)
    {
        if (data.Length == 0 || address + data.Length > X.TableSize)
        {
            return DynamixelErrorNumber.DataLength;
        }
        for (int a = address; a < address + data.Length; a++)
        {
            ControlTableItem? item = Model.ItemAt((ushort)a) ?? FindItemCovering(a);
            if (item is null || item.Access == ItemAccess.Read)
            {
                return DynamixelErrorNumber.Access;
            }
            if (item.Eeprom && _table[X.TorqueEnable] != 0)
            {
                return DynamixelErrorNumber.Access;
            }
        }
        if (Covers(address, data.Length, X.GoalPosition, 4) && _table[X.OperatingMode] == (byte)OperatingMode.Position)
        {
            int goal = BinaryPrimitives.ReadInt32LittleEndian(Slice(data, address, X.GoalPosition, 4));
            if (goal < ReadInt(X.MinPositionLimit, 4) || goal > ReadInt(X.MaxPositionLimit, 4))
            {
                return DynamixelErrorNumber.DataLimit;
            }
        }
        if (Covers(address, data.Length, X.BaudRate, 1) && Slice(data, address, X.BaudRate, 1)[0] > 7)
        {
            return DynamixelErrorNumber.DataRange;
        }
        if (Covers(address, data.Length, X.Id, 1) && Slice(data, address, X.Id, 1)[0] > DynamixelPacket.MaxId)
        {
            return DynamixelErrorNumber.DataRange;
        }
        return DynamixelErrorNumber.None;
    }

    private ControlTableItem? FindItemCovering(int address)
    {
        foreach (ControlTableItem item in Model.Items)
        {
            if (address >= item.Address && address < item.Address + item.Size)
            {
                return item;
            }
        }
        return null;
    }

    private static bool Covers(ushort address, int length, ushort item, int size) => address <= item && address + length >= item + size;

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> data, ushort address, ushort item, int size) => data.Slice(item - address, size);

    private void Apply(ushort address, ReadOnlySpan<byte> data)
    {
        data.CopyTo(_table.AsSpan(address));
        WritesApplied++;
        if (Covers(address, data.Length, X.GoalPosition, 4))
        {
            _goals.Add(ReadInt(X.GoalPosition, 4));
        }
    }

    /// <summary>Advances the motion model to now.</summary>
    private void Update()
    {
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        double dt = (now - _lastUpdateTicks) / (double)System.Diagnostics.Stopwatch.Frequency;
        _lastUpdateTicks = now;
        WriteInt(X.RealtimeTick, 2, (int)(now / (System.Diagnostics.Stopwatch.Frequency / 1000) % 32768));
        bool torque = _table[X.TorqueEnable] != 0 && _table[X.HardwareErrorStatus] == 0;
        var mode = (OperatingMode)_table[X.OperatingMode];
        double velocityTicks = 0;
        if (torque && mode is OperatingMode.Position or OperatingMode.ExtendedPosition or OperatingMode.CurrentBasedPosition)
        {
            int profile = ReadInt(X.ProfileVelocity, 4);
            int limit = ReadInt(X.VelocityLimit, 4);
            int units = profile > 0 ? Math.Min(profile, limit) : limit;
            double maxTicksPerSecond = units * DynamixelUnits.VelocityUnitRpm / 60.0 * DynamixelUnits.TicksPerRevolution;
            double goal = ReadInt(X.GoalPosition, 4);
            double error = goal - _position;
            double step = Math.Min(Math.Abs(error), maxTicksPerSecond * dt);
            _position += Math.Sign(error) * step;
            velocityTicks = dt > 0 && step > 0 ? Math.Sign(error) * maxTicksPerSecond : 0;
        }
        else if (torque && mode == OperatingMode.Velocity)
        {
            int goalVelocity = ReadInt(X.GoalVelocity, 4);
            velocityTicks = goalVelocity * DynamixelUnits.VelocityUnitRpm / 60.0 * DynamixelUnits.TicksPerRevolution;
            _position += velocityTicks * dt;
        }
        bool moving = Math.Abs(velocityTicks) > 0;
        _table[X.Moving] = moving ? (byte)1 : (byte)0;
        WriteInt(X.PresentPosition, 4, (int)Math.Round(_position));
        WriteInt(X.PresentVelocity, 4, (int)Math.Round(velocityTicks * 60.0 / DynamixelUnits.TicksPerRevolution / DynamixelUnits.VelocityUnitRpm));
        // A small holding current with torque on, more while moving.
        WriteInt(X.PresentCurrent, 2, !torque ? 0 : moving ? 120 * Math.Sign(velocityTicks) : 8);
    }

    private int ReadInt(ushort address, int size) => size switch
    {
        1 => _table[address],
        2 => BinaryPrimitives.ReadInt16LittleEndian(_table.AsSpan(address)),
        _ => BinaryPrimitives.ReadInt32LittleEndian(_table.AsSpan(address)),
    };

    private void WriteInt(ushort address, int size, int value)
    {
        switch (size)
        {
            case 1: _table[address] = (byte)value; break;
            case 2: BinaryPrimitives.WriteInt16LittleEndian(_table.AsSpan(address), (short)value); break;
            default: BinaryPrimitives.WriteInt32LittleEndian(_table.AsSpan(address), value); break;
        }
    }
}
