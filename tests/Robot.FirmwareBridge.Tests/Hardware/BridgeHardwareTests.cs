using Robot.Core.Description;
using Robot.Core.Hardware;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Emulation;
using Robot.FirmwareBridge.Hardware;
using Robot.FirmwareBridge.JointBoard;
using Robot.FirmwareBridge.Tests.Support;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Tests.Hardware;

/// <summary>A leg board bus and an arm Dynamixel bus, each on its own socat pair with an emulator.</summary>
public sealed class BridgeRig : IDisposable
{
    /// <param name="adjust">Changes to the rig's configuration (bus order, options) before the hardware is built.</param>
    public BridgeRig(Func<BridgeConfiguration, BridgeConfiguration>? adjust = null)
    {
        LegPty = new SocatPtyPair();
        ArmPty = new SocatPtyPair();
        // The board's 100 ms watchdog trips on this loaded 2-core machine when a bus thread is
        // not scheduled for that long, and the bridge now reports it (DeviceFault): the rig's
        // board waits 2 s, so only the faults a test injects end its session.
        Board = new VirtualJointBoard(new LinuxTtyTransport(LegPty.PathB, 3_000_000), 1, 3) { WatchdogTimeout = TimeSpan.FromSeconds(2) };
        Board.Start();
        Servos = new DynamixelBusEmulator(new LinuxTtyTransport(ArmPty.PathB, 1_000_000), DynamixelBusEmulator.ParseServos("1:xm430,2:xl330", baudRegister: 3, returnDelay: 0));
        Servos.Start();
        Description = new RobotDescription("test", [
            new JointDescription("left_hip", -2, 2, 10, 50),
            new JointDescription("right_shoulder", -3, 3, 5, 5),
            new JointDescription("left_knee", -2, 2, 10, 50),
            new JointDescription("waist", -1, 1, 5, 50),
            new JointDescription("gripper", -3, 3, 5, 5),
        ]);
        var configuration = new BridgeConfiguration(
            [new BusDefinition("legs", LegPty.PathA, 3_000_000, BusKind.JointBoard), new BusDefinition("arm", ArmPty.PathA, 1_000_000, BusKind.Dynamixel)],
            [
                new JointMapping("left_hip", "legs", 1, Channel: 0),
                new JointMapping("left_knee", "legs", 1, Channel: 1, Direction: -1),
                new JointMapping("waist", "legs", 1, Channel: 2),
                new JointMapping("right_shoulder", "arm", 1),
                new JointMapping("gripper", "arm", 2, Offset: 0.5),
            ])
        {
            DynamixelOptions = BusRig.Generous with { ReplyTimeout = TimeSpan.FromMilliseconds(200) },
            JointBoardOptions = new() { ReplyTimeout = TimeSpan.FromMilliseconds(200), ReconnectFirstDelay = TimeSpan.FromMilliseconds(20), ReconnectAttempts = 40 },
            MaxSampleAge = TimeSpan.FromSeconds(1),
            MaxCommandAge = TimeSpan.FromSeconds(1),
            ConfigureTimeout = TimeSpan.FromSeconds(10),
        };
        Configuration = adjust is null ? configuration : adjust(configuration);
        Hardware = new BridgeHardware(Description, Configuration);
    }

    public SocatPtyPair LegPty { get; }

    public SocatPtyPair ArmPty { get; }

    public VirtualJointBoard Board { get; }

    public DynamixelBusEmulator Servos { get; }

    public RobotDescription Description { get; }

    public BridgeConfiguration Configuration { get; }

    public BridgeHardware Hardware { get; }

    public void Dispose()
    {
        Hardware.Dispose();
        Board.Dispose();
        Servos.Dispose();
        LegPty.Dispose();
        ArmPty.Dispose();
    }
}

public class BridgeHardwareTests
{
    private static readonly TimeSpan s_long = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The first fault <paramref name="faults"/> received that matches, waiting for it: the hardware
    /// shows Error before its Faulted event has reached the handler, so Error alone does not mean
    /// the fault is in the list yet.
    /// </summary>
    private static BusFault? Received(List<BusFault> faults, Func<BusFault, bool> match)
    {
        BusFault? found = null;
        BusRig.WaitFor(() =>
        {
            lock (faults)
            {
                found = faults.FirstOrDefault(match);
                return found is not null;
            }
        }, s_long);
        return found;
    }

    private static JointCommand[] Commands(double hip, double shoulder, double knee, double waist, double gripper) =>
        [new(hip, 0, 30, 1, 0), new(shoulder, 0, 0, 0, 0), new(knee, 0, 30, 1, 0), new(waist, 0, 30, 1, 0), new(gripper, 0, 0, 0, 0)];

    [Fact]
    public void Lifecycle_ReadsMappedJoints_CommandsReachBothBuses()
    {
        using var rig = new BridgeRig();
        var state = new RobotState(5);
        Assert.False(rig.Hardware.Read(state));
        rig.Board.SetPosition(1, 0.2);
        rig.Servos[1].SetPresentPosition(DynamixelUnits.RadiansToTicks(0.3));
        rig.Hardware.Configure();
        Assert.Equal(HardwareLifecycle.Configured, rig.Hardware.Lifecycle);
        Assert.True(BusRig.WaitFor(() => rig.Hardware.Read(state) && Math.Abs(state.JointPosition[2] + 0.2) < 1e-3, s_long));
        Assert.Equal(0.3, state.JointPosition[1], 2);
        Assert.Equal(0.5, state.JointPosition[4], 2); // 2048 ticks = 0 rad, + offset 0.5
        Assert.False(rig.Hardware.Write(Commands(0, 0, 0, 0, 0), 0.001));
        Assert.Equal(0, rig.Board.CommandsApplied);

        rig.Hardware.Activate();
        // Activation holds the servos where they are: first goal = present position.
        Assert.True(BusRig.WaitFor(() => rig.Servos[1].GoalHistory.Count > 0, s_long));
        Assert.Equal([DynamixelUnits.RadiansToTicks(0.3)], rig.Servos[1].GoalHistory);
        Assert.Equal(0, rig.Board.CommandsApplied);

        JointCommand[] target = Commands(0.4, -0.5, 0.3, 0.1, 0.7);
        Assert.True(BusRig.WaitFor(() =>
        {
            rig.Hardware.Write(target, 0.001);
            return rig.Hardware.Read(state)
                && Math.Abs(state.JointPosition[0] - 0.4) < 0.02
                && Math.Abs(state.JointPosition[2] - 0.3) < 0.02
                && Math.Abs(state.JointPosition[1] + 0.5) < 0.01
                && Math.Abs(state.JointPosition[4] - 0.7) < 0.01;
        }, s_long));
        Assert.Equal(-0.3, rig.Board.Position(1), 1); // knee direction −1 on the board
        Assert.Equal(DynamixelUnits.RadiansToTicks(0.2), rig.Servos[2].GoalHistory[^1]); // gripper offset removed

        rig.Hardware.Deactivate();
        Assert.Equal(HardwareLifecycle.Configured, rig.Hardware.Lifecycle);
        // Sync Write has no reply: wait for the emulator to take it.
        Assert.True(BusRig.WaitFor(() => TorqueEnable(rig.Servos[1]) == 0 && TorqueEnable(rig.Servos[2]) == 0, s_long));
        Assert.True(BusRig.WaitFor(() => (rig.Board.Flags & BoardStatus.Enabled) == 0, s_long));
    }

    [Fact]
    public void LostLegBus_MovesToError_RaisesFault_AndNoStaleCommandAfterRecovery()
    {
        using var rig = new BridgeRig();
        var faults = new List<BusFault>();
        rig.Hardware.Faulted += f => { lock (faults) { faults.Add(f); } };
        var state = new RobotState(5);
        rig.Hardware.Configure();
        rig.Hardware.Activate();
        JointCommand[] target = Commands(0.2, 0, 0, 0, 0);
        Assert.True(BusRig.WaitFor(() => rig.Hardware.Write(target, 0.001) && rig.Board.CommandsApplied > 5, s_long));

        rig.LegPty.Unplug();
        Assert.True(BusRig.WaitFor(() => rig.Hardware.Lifecycle == HardwareLifecycle.Error, s_long));
        Assert.NotNull(Received(faults, f => f.Kind == BusFaultKind.Lost));
        Assert.False(rig.Hardware.Write(target, 0.001));
        Assert.False(rig.Hardware.Read(state));

        rig.LegPty.Replug();
        Assert.True(BusRig.WaitFor(() =>
        {
            try
            {
                rig.Hardware.Configure();
                return true;
            }
            catch (Exception e) when (e is IOException or TimeoutException)
            {
                return false;
            }
        }, s_long));
        int appliedBefore = rig.Board.CommandsApplied;
        rig.Hardware.Activate();
        Thread.Sleep(200);
        // The old target was never re-sent: the board got nothing until the controller wrote again.
        Assert.Equal(appliedBefore, rig.Board.CommandsApplied);
        Assert.True(rig.Hardware.Read(state));
        JointCommand[] fresh = Commands(state.JointPosition[0], state.JointPosition[1], state.JointPosition[2], state.JointPosition[3], state.JointPosition[4]);
        Assert.True(BusRig.WaitFor(() => rig.Hardware.Write(fresh, 0.001) && rig.Board.CommandsApplied > appliedBefore, s_long));
        Assert.Equal((float)state.JointPosition[0], rig.Board.AppliedCommands[appliedBefore][0].Position, 4);
    }

    [Fact]
    public void JointFault_WhileCommanding_BoardStaysLimp_AndMovesToError()
    {
        using var rig = new BridgeRig();
        var faults = new List<BusFault>();
        rig.Hardware.Faulted += f => { lock (faults) { faults.Add(f); } };
        rig.Hardware.Configure();
        rig.Hardware.Activate();
        JointCommand[] hold = Commands(0, 0, 0, 0, 0);
        Assert.True(BusRig.WaitFor(() => rig.Hardware.Write(hold, 0.001) && (rig.Board.Flags & BoardStatus.Enabled) != 0, s_long));

        rig.Board.InjectJointFault(0, JointFaults.Encoder);
        // The control loop has not noticed and keeps writing: the bridge must not clear the fault.
        Assert.True(BusRig.WaitFor(() =>
        {
            rig.Hardware.Write(hold, 0.001);
            return rig.Hardware.Lifecycle == HardwareLifecycle.Error;
        }, s_long));
        Assert.Equal(BoardStatus.None, rig.Board.Flags & BoardStatus.Enabled);
        Assert.NotNull(Received(faults, f => f.Kind == BusFaultKind.DeviceFault && f.Message.Contains("left_hip", StringComparison.Ordinal) && f.Message.Contains("Encoder", StringComparison.Ordinal)));
        Assert.False(rig.Hardware.Write(hold, 0.001));
    }

    [Fact]
    public void CommandsStop_BoardGoesLimpBeforeItsOwnWatchdog_AndMovesToError()
    {
        using var rig = new BridgeRig(c => c with { MaxCommandAge = TimeSpan.FromMilliseconds(300) });
        // Far longer than the test: only the bridge can make the board limp in time.
        rig.Board.WatchdogTimeout = TimeSpan.FromMinutes(5);
        rig.Hardware.Configure();
        rig.Hardware.Activate();
        JointCommand[] hold = Commands(0, 0, 0, 0, 0);
        Assert.True(BusRig.WaitFor(() => rig.Hardware.Write(hold, 0.001) && (rig.Board.Flags & BoardStatus.Enabled) != 0, s_long));

        // The control loop hangs: no more writes.
        Assert.True(BusRig.WaitFor(() => (rig.Board.Flags & BoardStatus.Enabled) == 0, s_long));
        Assert.Equal(BoardStatus.None, rig.Board.Flags & BoardStatus.WatchdogTripped);
        Assert.True(BusRig.WaitFor(() => rig.Hardware.Lifecycle == HardwareLifecycle.Error, s_long));
        Assert.Equal(BusFaultKind.CommandsStale, rig.Hardware.LastFault?.Kind);
    }

    [Fact]
    public void ServoHardwareAlert_RaisesFaultNamingServoAndBits_AndMovesToError()
    {
        using var rig = new BridgeRig();
        var faults = new List<BusFault>();
        rig.Hardware.Faulted += f => { lock (faults) { faults.Add(f); } };
        rig.Hardware.Configure();
        rig.Hardware.Activate();
        JointCommand[] hold = Commands(0, 0, 0, 0, 0.7); // the gripper moves: a second goal is sent
        Assert.True(BusRig.WaitFor(() => rig.Hardware.Write(hold, 0.001) && rig.Servos[2].GoalHistory.Count > 1, s_long));

        rig.Servos[2].InjectHardwareError(HardwareError.Overload | HardwareError.Overheating);
        Assert.True(BusRig.WaitFor(() =>
        {
            rig.Hardware.Write(hold, 0.001);
            return rig.Hardware.Lifecycle == HardwareLifecycle.Error;
        }, s_long));
        BusFault? alert = Received(faults, f => f.Kind == BusFaultKind.DeviceFault);
        Assert.NotNull(alert);
        Assert.Contains("servo 2 (gripper)", alert.Message, StringComparison.Ordinal);
        Assert.Contains("Overheating, Overload", alert.Message, StringComparison.Ordinal);
        lock (faults)
        {
            Assert.Single(faults, f => f.Kind == BusFaultKind.DeviceFault);
        }
    }

    [Fact]
    public void Configure_FaultWhileWaitingForFirstSamples_StaysError()
    {
        using var rig = new BridgeRig();
        rig.Servos[1].InjectHardwareError(HardwareError.Overload);
        Assert.ThrowsAny<IOException>(rig.Hardware.Configure);
        Assert.Equal(HardwareLifecycle.Error, rig.Hardware.Lifecycle);
        Assert.Throws<InvalidOperationException>(rig.Hardware.Activate);
    }

    [Fact]
    public void Activate_LaterBusFailsToArm_EarlierBusIsDisarmed_AndMovesToError()
    {
        // The arm bus first, so it is armed (torque on) before the leg bus fails.
        using var rig = new BridgeRig(c => c with { Buses = [c.Buses[1], c.Buses[0]] });
        rig.Hardware.Configure();
        rig.Board.Faults.Silent = true; // the board stops answering: arming it times out
        Assert.ThrowsAny<IOException>(rig.Hardware.Activate);
        Assert.Equal(HardwareLifecycle.Error, rig.Hardware.Lifecycle);
        Assert.True(BusRig.WaitFor(() => TorqueEnable(rig.Servos[1]) == 0 && TorqueEnable(rig.Servos[2]) == 0, s_long));
    }

    private static int TorqueEnable(VirtualServo servo)
    {
        Span<byte> b = stackalloc byte[1];
        Assert.Equal(DynamixelErrorNumber.None, servo.Read(X.TorqueEnable, 1, b));
        return b[0];
    }

    [Fact]
    public void InvalidMapping_IsRejectedWithEveryError()
    {
        var description = new RobotDescription("r", [new JointDescription("a", -1, 1, 1, 1), new JointDescription("b", -1, 1, 1, 1)]);
        var config = new BridgeConfiguration([new BusDefinition("x", "/dev/null", 1_000_000, BusKind.JointBoard)],
            [new JointMapping("a", "x", 1, Channel: 1), new JointMapping("c", "nowhere", 1)]);
        var e = Assert.Throws<InvalidRobotDescriptionException>(() => new BridgeHardware(description, config));
        Assert.Contains(e.Errors, m => m.Contains("'b'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.Contains("unknown bus", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.Contains("channels", StringComparison.Ordinal));
    }

    [Fact]
    public void InvalidMapping_NonFiniteDirectionOrOffset_IsRejectedNamingTheJoint()
    {
        var description = new RobotDescription("r", [new JointDescription("a", -1, 1, 1, 1), new JointDescription("b", -1, 1, 1, 1)]);
        var config = new BridgeConfiguration([new BusDefinition("x", "/dev/null", 1_000_000, BusKind.Dynamixel)],
            [new JointMapping("a", "x", 1, Direction: double.NaN), new JointMapping("b", "x", 2, Offset: double.NaN)]);
        var e = Assert.Throws<InvalidRobotDescriptionException>(() => new BridgeHardware(description, config));
        Assert.Equal(["joint 'a': direction must be +1 or -1 (got NaN)", "joint 'b': offset must be a finite number of radians (got NaN)"], e.Errors);
    }

    [Fact]
    public void ReadAndWrite_DoNotAllocate()
    {
        using var rig = new BridgeRig();
        var state = new RobotState(5);
        rig.Hardware.Configure();
        rig.Hardware.Activate();
        JointCommand[] commands = Commands(0, 0, 0, 0, 0);
        for (int i = 0; i < 100; i++)
        {
            rig.Hardware.Read(state);
            rig.Hardware.Write(commands, 0.001);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++)
        {
            rig.Hardware.Read(state);
            rig.Hardware.Write(commands, 0.001);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

public class LeaderArmReaderTests
{
    [Fact]
    public void Reader_PublishesAnglesContinuously_AndSurvivesUnplug()
    {
        using var rig = new BusRig("1-6:xl330", options: BusRig.Generous with { ReplyTimeout = TimeSpan.FromMilliseconds(100), ReconnectFirstDelay = TimeSpan.FromMilliseconds(20), ReconnectAttempts = 40 });
        for (byte id = 1; id <= 6; id++)
        {
            rig.Emulator[id].SetPresentPosition(DynamixelUnits.RadiansToTicks(0.1 * id));
        }
        using var reader = new LeaderArmReader(rig.Bus, [1, 2, 3, 4, 5, 6], directions: [1, 1, 1, 1, 1, -1]);
        reader.Start();
        Assert.True(BusRig.WaitFor(() => reader.Samples > 200, TimeSpan.FromSeconds(15)));
        var angles = new double[6];
        Assert.True(reader.TryGetLatest(angles, out double age, out long index));
        Assert.True(index > 0);
        Assert.True(age < 5);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(0.1 * (i + 1), angles[i], 2);
        }
        Assert.Equal(-0.6, angles[5], 2);

        rig.Emulator[3].SetPresentPosition(DynamixelUnits.RadiansToTicks(-1.0));
        Assert.True(BusRig.WaitFor(() => reader.TryGetLatest(angles, out _, out _) && Math.Abs(angles[2] + 1.0) < 0.01, TimeSpan.FromSeconds(10)));

        rig.Pty.Unplug();
        Assert.True(BusRig.WaitFor(() => reader.Errors > 0, TimeSpan.FromSeconds(10)));
        rig.Pty.Replug();
        long samples = reader.Samples;
        Assert.True(BusRig.WaitFor(() => reader.Samples > samples + 50, TimeSpan.FromSeconds(20)));
        Assert.Empty(rig.Emulator[1].GoalHistory); // the reader never writes
    }
}
