using System.Buffers.Binary;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Tests.Support;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Tests.Dynamixel;

/// <summary>The bus API against the virtual servos over a socat pty pair.</summary>
public class DynamixelBusTests
{
    private static readonly TimeSpan s_long = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(TransportKind.Fast)]
    [InlineData(TransportKind.SystemIOPorts)]
    public void Ping_EachModel_ReportsModelNumber(TransportKind kind)
    {
        using var rig = new BusRig("1:xm430,2:xl330", kind: kind);
        PingResult? xm = rig.Bus.TryPing(1, TimeSpan.FromSeconds(1));
        PingResult? xl = rig.Bus.TryPing(2, TimeSpan.FromSeconds(1));
        Assert.Equal((ushort)1020, xm!.ModelNumber);
        Assert.Equal((ushort)1200, xl!.ModelNumber);
        Assert.Same(DynamixelModel.XL330M288, xl!.Model);
        Assert.Null(rig.Bus.TryPing(3, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public void BroadcastPing_FindsEveryServo()
    {
        using var rig = new BusRig("1-4:xm430,9:xl330");
        var found = rig.Bus.BroadcastPing(TimeSpan.FromMilliseconds(300));
        Assert.Equal([1, 2, 3, 4, 9], found.Select(f => (int)f.Id));
    }

    [Fact]
    public void Scan_FindsServosOnlyAtTheirBaudRate()
    {
        using var rig = new BusRig("3:xm430,5:xl330", baudRegister: 3, hostBaud: 57_600, linkBaud: true);
        var found = rig.Bus.Scan([57_600, 1_000_000], firstId: 0, lastId: 8, perIdTimeout: TimeSpan.FromMilliseconds(40));
        Assert.Equal([3, 5], found.Select(f => (int)f.Id));
        Assert.All(found, f => Assert.Equal(1_000_000, f.BaudRate));
    }

    [Fact]
    public void WrongBaudRate_ReadTimesOutAfterRetries_RightBaudWorks()
    {
        using var rig = new BusRig("1:xm430", baudRegister: 3, hostBaud: 57_600, linkBaud: true,
            options: BusRig.Generous with { ReplyTimeout = TimeSpan.FromMilliseconds(60) });
        Assert.Throws<DynamixelTimeoutException>(() => rig.Bus.ReadItem(1, DynamixelModel.XM430W350.Item("Present Position")!));
        Assert.Equal(2, rig.Bus.ReadRetryCount);
        rig.Bus.SetBaudRate(1_000_000);
        Assert.Equal(2048, rig.Bus.ReadItem(1, DynamixelModel.XM430W350.Item("Present Position")!));
    }

    [Fact]
    public void WriteGoal_WithTorque_PositionTracksTowardGoal()
    {
        using var rig = new BusRig("1:xm430");
        var model = DynamixelModel.XM430W350;
        rig.Bus.WriteItem(1, model.Item("Torque Enable")!, 1);
        rig.Bus.WriteItem(1, model.Item("Goal Position")!, 2548);
        Assert.True(BusRig.WaitFor(() => rig.Bus.ReadItem(1, model.Item("Moving")!) == 1 || rig.Bus.ReadItem(1, model.Item("Present Position")!) > 2048, s_long));
        Assert.True(BusRig.WaitFor(() => rig.Bus.ReadItem(1, model.Item("Present Position")!) == 2548, s_long));
        // At rest on the goal: the velocity and the position are separate reads, and the emulated
        // servo may update between them (a loaded machine read 200 once), so wait for both together.
        Assert.True(BusRig.WaitFor(() => rig.Bus.ReadItem(1, model.Item("Present Velocity")!) == 0
            && rig.Bus.ReadItem(1, model.Item("Present Position")!) == 2548, s_long));
    }

    [Fact]
    public void ControlTable_AccessRules_GiveErrorNumbers()
    {
        using var rig = new BusRig("1:xm430");
        var model = DynamixelModel.XM430W350;
        var e1 = Assert.Throws<DynamixelStatusException>(() => rig.Bus.WriteItem(1, model.Item("Present Position")!, 5));
        Assert.Equal(DynamixelErrorNumber.Access, e1.Status.ErrorNumber);
        rig.Bus.WriteItem(1, model.Item("Torque Enable")!, 1);
        var e2 = Assert.Throws<DynamixelStatusException>(() => rig.Bus.WriteItem(1, model.Item("Operating Mode")!, 1));
        Assert.Equal(DynamixelErrorNumber.Access, e2.Status.ErrorNumber);
        var e3 = Assert.Throws<DynamixelStatusException>(() => rig.Bus.WriteItem(1, model.Item("Goal Position")!, 5000));
        Assert.Equal(DynamixelErrorNumber.DataLimit, e3.Status.ErrorNumber);
        rig.Bus.WriteItem(1, model.Item("Torque Enable")!, 0);
        rig.Bus.WriteItem(1, model.Item("Operating Mode")!, (int)OperatingMode.ExtendedPosition);
        Assert.Equal(4, rig.Bus.ReadItem(1, model.Item("Operating Mode")!));
    }

    [Fact]
    public void HardwareError_SetsAlertBit_RebootClearsIt()
    {
        using var rig = new BusRig("1:xm430");
        rig.Emulator[1].InjectHardwareError(HardwareError.Overload);
        Span<byte> b = stackalloc byte[1];
        DynamixelStatus status = rig.Bus.Read(1, X.HardwareErrorStatus, b);
        Assert.True(status.HardwareAlert);
        Assert.True(status.Succeeded);
        Assert.Equal((byte)HardwareError.Overload, b[0]);
        rig.Bus.Reboot(1);
        status = rig.Bus.Read(1, X.HardwareErrorStatus, b);
        Assert.False(status.HardwareAlert);
        Assert.Equal(0, b[0]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SyncRead_SevenServos_ReturnsEachPosition(bool fast)
    {
        using var rig = new BusRig("1-7:xm430");
        for (byte id = 1; id <= 7; id++)
        {
            rig.Emulator[id].SetPresentPosition(1000 + id);
        }
        var group = new SyncReadGroup(DynamixelModel.XM430W350.Item("Present Position")!, [1, 2, 3, 4, 5, 6, 7], fast);
        group.Read(rig.Bus);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => 1000 + i), Enumerable.Range(0, 7).Select(group.Value));
    }

    [Fact]
    public void FastSyncRead_WithAlertOnOneServo_ReportsItInStatuses()
    {
        using var rig = new BusRig("1-3:xl330");
        rig.Emulator[2].InjectHardwareError(HardwareError.Overheating);
        var group = new SyncReadGroup(X.PresentPosition, 4, [1, 2, 3], fast: true);
        group.Read(rig.Bus);
        Assert.True(group.AnyAlert);
        Assert.True(group.Statuses[1].HardwareAlert);
        Assert.False(group.Statuses[0].HardwareAlert);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BulkRead_MixedItems(bool fast)
    {
        using var rig = new BusRig("1:xm430,2:xl330");
        rig.Emulator[1].SetPresentPosition(3000);
        var group = new BulkReadGroup([new BulkItem(1, X.PresentPosition, 4), new BulkItem(2, X.ModelNumber, 2)], fast);
        group.Read(rig.Bus);
        Assert.Equal(3000, group.Value(0));
        Assert.Equal(1200, group.Value(1, isSigned: false));
    }

    [Fact]
    public void SyncWriteAndBulkWrite_ReachEveryServo()
    {
        using var rig = new BusRig("1-3:xm430");
        var torque = new SyncWriteGroup(DynamixelModel.XM430W350.Item("Torque Enable")!, [1, 2, 3]);
        for (int i = 0; i < 3; i++)
        {
            torque.SetValue(i, 1);
        }
        torque.Write(rig.Bus);
        var goals = new BulkWriteGroup([new BulkItem(1, X.GoalPosition, 4), new BulkItem(3, X.GoalPosition, 4), new BulkItem(2, X.Led, 1)]);
        goals.SetValue(0, 2100);
        goals.SetValue(1, 1900);
        goals.SetValue(2, 1);
        goals.Write(rig.Bus);
        Assert.True(BusRig.WaitFor(() => rig.Emulator[1].PresentPosition == 2100 && rig.Emulator[3].PresentPosition == 1900, s_long));
        Assert.Equal(1, rig.Bus.ReadItem(2, DynamixelModel.XM430W350.Item("LED")!));
    }

    [Fact]
    public void RegWriteThenAction_AppliesOnlyOnAction()
    {
        using var rig = new BusRig("1:xm430");
        Span<byte> one = [1];
        rig.Bus.RegWrite(1, X.Led, one);
        Assert.Equal(0, rig.Bus.ReadItem(1, DynamixelModel.XM430W350.Item("LED")!));
        Assert.Equal(1, rig.Bus.ReadItem(1, DynamixelModel.XM430W350.Item("Registered Instruction")!));
        rig.Bus.Action(1);
        Assert.Equal(1, rig.Bus.ReadItem(1, DynamixelModel.XM430W350.Item("LED")!));
    }

    [Fact]
    public void FactoryResetClearAndIdChange_Work()
    {
        using var rig = new BusRig("1:xm430");
        var model = DynamixelModel.XM430W350;
        rig.Bus.WriteItem(1, model.Item("Return Delay Time")!, 10);
        rig.Bus.FactoryReset(1, FactoryResetMode.KeepIdAndBaud);
        Assert.Equal(250, rig.Bus.ReadItem(1, model.Item("Return Delay Time")!));
        rig.Bus.WriteItem(1, model.Item("Return Delay Time")!, 0);
        rig.Emulator[1].SetPresentPosition(4096 * 2 + 100);
        rig.Bus.Clear(1);
        Assert.Equal(100, rig.Bus.ReadItem(1, model.Item("Present Position")!));
        rig.Bus.WriteItem(1, model.Item("ID")!, 42);
        Assert.NotNull(rig.Bus.TryPing(42, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void ReturnDelay_IsHonoured()
    {
        using var rig = new BusRig("1:xm430", returnDelay: 250); // 500 µs
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 10; i++)
        {
            rig.Bus.ReadItem(1, DynamixelModel.XM430W350.Item("Present Position")!);
        }
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(5));
    }

    [Fact]
    public void UnknownInstruction_IsAnsweredWithInstructionError()
    {
        using var rig = new BusRig("1:xm430");
        var buffer = new byte[32];
        int n = DynamixelPacket.Encode(buffer, 1, 0x77, []);
        rig.HostTransport.Write(buffer.AsSpan(0, n));
        var rx = new byte[32];
        int got = 0;
        BusRig.WaitFor(() => (got += rig.HostTransport.Read(rx.AsSpan(got), TimeSpan.FromMilliseconds(20))) >= 11, s_long);
        Assert.Equal(DecodeStatus.Ok, DynamixelPacket.TryDecode(rx.AsSpan(0, got), new byte[8], out DecodedPacket p, out _));
        Assert.Equal(DynamixelInstruction.Status, p.Kind);
        Assert.Equal((byte)DynamixelErrorNumber.Instruction, rx[8]);
    }
}

public class DynamixelUnitsTests
{
    [Theory]
    [InlineData(2048, 0.0)]
    [InlineData(3072, Math.PI / 2)]
    [InlineData(0, -Math.PI)]
    [InlineData(4096, Math.PI)]
    public void Ticks_Radians_RoundTrip(int ticks, double radians)
    {
        Assert.Equal(radians, DynamixelUnits.TicksToRadians(ticks), 12);
        Assert.Equal(ticks, DynamixelUnits.RadiansToTicks(radians));
    }

    [Fact]
    public void Current_UnitsPerModel()
    {
        Assert.Equal(2.69, DynamixelUnits.CurrentToAmps(1000, DynamixelModel.XM430W350), 9);
        Assert.Equal(1.0, DynamixelUnits.CurrentToAmps(1000, DynamixelModel.XL330M288), 9);
        Assert.Equal(372, DynamixelUnits.AmpsToCurrent(1.0, DynamixelModel.XM430W350));
        Assert.Equal(-500, DynamixelUnits.AmpsToCurrent(-0.5, DynamixelModel.XL330M288));
    }

    [Fact]
    public void Velocity_And_Baud()
    {
        Assert.Equal(0.229 * 2 * Math.PI / 60, DynamixelUnits.VelocityToRadiansPerSecond(1), 12);
        Assert.Equal(100, DynamixelUnits.RadiansPerSecondToVelocity(DynamixelUnits.VelocityToRadiansPerSecond(100)));
        for (byte r = 0; r <= 7; r++)
        {
            Assert.Equal(r, DynamixelUnits.RegisterFromBaud(DynamixelUnits.BaudFromRegister(r)));
        }
        Assert.Equal(4_500_000, DynamixelModel.XM430W350.MaxBaudRate);
        Assert.Equal(4_000_000, DynamixelModel.XL330M288.MaxBaudRate);
    }

    [Fact]
    public void ControlTable_ReferenceAddresses()
    {
        foreach (DynamixelModel m in DynamixelModel.All)
        {
            Assert.Equal((ushort)8, m.Item("Baud Rate")!.Address);
            Assert.Equal((ushort)9, m.Item("Return Delay Time")!.Address);
            Assert.Equal((ushort)11, m.Item("Operating Mode")!.Address);
            Assert.Equal((ushort)64, m.Item("Torque Enable")!.Address);
            Assert.Equal((ushort)70, m.Item("Hardware Error Status")!.Address);
            Assert.Equal((4, (ushort)116), (m.Item("Goal Position")!.Size, m.Item("Goal Position")!.Address));
            Assert.Equal((2, (ushort)126), (m.Item("Present Current")!.Size, m.Item("Present Current")!.Address));
            Assert.Equal((4, (ushort)128), (m.Item("Present Velocity")!.Size, m.Item("Present Velocity")!.Address));
            Assert.Equal((4, (ushort)132), (m.Item("Present Position")!.Size, m.Item("Present Position")!.Address));
            Assert.NotNull(m.Item("present_position"));
        }
        Assert.Same(DynamixelModel.XM430W350, DynamixelModel.FromModelNumber(1020));
        Assert.Same(DynamixelModel.XL330M288, DynamixelModel.FromName("xl330"));
    }
}
