using Robot.Core.Hardware;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Emulation;
using Robot.FirmwareBridge.JointBoard;
using Robot.FirmwareBridge.Tests.Support;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Tests.Faults;

/// <summary>The joint-board client against the virtual board over a socat pty pair, faults included.</summary>
public sealed class JointBoardRig : IDisposable
{
    public JointBoardRig(int joints = 3, JointBoardOptions? options = null)
    {
        Pty = new SocatPtyPair();
        Board = new VirtualJointBoard(new LinuxTtyTransport(Pty.PathB, 3_000_000), 4, joints);
        Board.Start();
                Client = new JointBoardClient(new LinuxTtyTransport(Pty.PathA, 3_000_000), 4, joints, options ?? new JointBoardOptions { ReplyTimeout = TimeSpan.FromMilliseconds(300) });
        Client.Open();
        // Warm up both ends (JIT, first syscalls) so short timeouts in fault tests mean faults.
        for (int i = 0; i < 100; i++)
        {
            try
            {
                Client.ReadHeartbeat();
                Client.Exchange(new JointCommand[joints], CommandOptions.None); // limp: warms the command path, applies nothing
                break;
            }
            catch (IOException)
            {
            }
        }
    }

    public SocatPtyPair Pty { get; }

    public VirtualJointBoard Board { get; }

    public JointBoardClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Board.Dispose();
        Pty.Dispose();
    }
}

public class JointBoardTests
{
    private static readonly JointBoardOptions s_fast = new() { ReplyTimeout = TimeSpan.FromMilliseconds(100), BreakerMinimumThroughput = 1000 };

    /// <summary>Whether a state read succeeds again within 10 s (after a breaker or a reconnect).</summary>
    private static bool ReadsAgain(JointBoardRig rig) => BusRig.WaitFor(() =>
    {
        try
        {
            rig.Client.ReadState();
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }, TimeSpan.FromSeconds(10));

    [Fact]
    public void Exchange_DrivesJointsTowardTarget_AndAcknowledges()
    {
        using var rig = new JointBoardRig();
        JointCommand[] commands = [new(0.5, 0, 20, 1, 0), new(-0.3, 0, 20, 1, 0), new(0, 0, 20, 1, 0)];
        BoardStateHeader h = default;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && Math.Abs(rig.Client.Joints[0].Position - 0.5) > 0.01)
        {
            h = rig.Client.Exchange(commands, CommandOptions.Enable);
            Thread.Sleep(1);
        }
        Assert.Equal(rig.Client.LastCommandSequence, h.AckSequence);
        Assert.True((h.Status & BoardStatus.Enabled) != 0);
        Assert.InRange(rig.Client.Joints[0].Position, 0.49, 0.51);
        Assert.InRange(rig.Board.Position(1), -0.35, -0.25);
    }

    [Fact]
    public void HeartbeatAndStateRequest_DoNotCommand()
    {
        using var rig = new JointBoardRig(joints: 2);
        rig.Board.SetPosition(1, 0.7);
        BoardHeartbeat hb = rig.Client.ReadHeartbeat();
        Assert.Equal(2, hb.JointCount);
        BoardStateHeader h = rig.Client.ReadState();
        Assert.Equal(BoardStatus.None, h.Status);
        Assert.Equal(0.7f, rig.Client.Joints[1].Position, 3);
        Assert.Equal(0, rig.Board.CommandsApplied);
    }

    [Fact]
    public void Watchdog_TripsWhenCommandsStop_LatchedUntilClearFaults()
    {
        using var rig = new JointBoardRig(joints: 1);
        rig.Board.WatchdogTimeout = TimeSpan.FromMilliseconds(50);
        JointCommand[] hold = [new(0.2, 0, 10, 1, 0)];
        rig.Client.Exchange(hold, CommandOptions.Enable);
        Thread.Sleep(300);
        BoardStateHeader h = rig.Client.ReadState();
        Assert.True((h.Status & BoardStatus.WatchdogTripped) != 0);
        Assert.True((h.Status & BoardStatus.Enabled) == 0);
        h = rig.Client.Exchange(hold, CommandOptions.Enable);
        Assert.True((h.Status & BoardStatus.Enabled) == 0);
        h = rig.Client.Exchange(hold, CommandOptions.Enable | CommandOptions.ClearFaults);
        Assert.True((h.Status & BoardStatus.Enabled) != 0);
    }

    [Fact]
    public void JointFault_ReportedAndMakesBoardLimp()
    {
        using var rig = new JointBoardRig(joints: 2);
        rig.Board.InjectJointFault(1, JointFaults.OverCurrent);
        BoardStateHeader h = rig.Client.Exchange([new(0.1, 0, 10, 1, 0), new(0.1, 0, 10, 1, 0)], CommandOptions.Enable);
        Assert.True((h.Status & BoardStatus.JointFault) != 0);
        Assert.Equal(JointFaults.OverCurrent, rig.Client.Joints[1].Faults);
        Assert.True((h.Status & BoardStatus.Enabled) == 0);
    }

    [Fact]
    public void DroppedState_CommandIsUncertainAndNotResent()
    {
        using var rig = new JointBoardRig(joints: 1, options: s_fast);
        rig.Board.Faults.DropReplyRate = 1.0;
        Assert.Throws<JointBoardCommandUncertainException>(() => rig.Client.Exchange([new(0.3, 0, 10, 1, 0)], CommandOptions.Enable));
        Thread.Sleep(100);
        Assert.Equal(1, rig.Board.CommandsApplied);
    }

    [Fact]
    public void CorruptedAndTruncatedReplies_ReadsRetried_DefinedOutcomes()
    {
        using var rig = new JointBoardRig(joints: 6, options: s_fast);
        rig.Board.Faults.CorruptByteRate = 0.002;
        rig.Board.Faults.TruncateReplyRate = 0.02;
        int ok = 0;
        for (int i = 0; i < 150; i++)
        {
            try
            {
                rig.Client.ReadState();
                Assert.Equal(6, rig.Client.LastState.JointCount);
                ok++;
            }
            catch (IOException e)
            {
                Assert.True(e is JointBoardTimeoutException or JointBoardCorruptReplyException, e.GetType().Name);
            }
        }
        Assert.True(ok > 100, $"only {ok} of 150");
        Assert.True(rig.Board.Faults.CorruptedBytes + rig.Board.Faults.TruncatedReplies > 0);
        Assert.Equal(0, rig.Board.CommandsApplied);
    }

    [Fact]
    public void SilentBoard_ReadsTimeOut()
    {
        using var rig = new JointBoardRig(joints: 1, options: s_fast);
        rig.Board.Faults.Silent = true;
        Assert.Throws<JointBoardTimeoutException>(() => rig.Client.ReadState());
    }

    [Fact]
    public void ExchangeAndReads_AllocateAlmostNothingPerCall()
    {
        using var rig = new JointBoardRig(joints: 3);
        var commands = new JointCommand[3];
        for (int i = 0; i < 100; i++)
        {
            rig.Client.Exchange(commands, CommandOptions.None);
            rig.Client.ReadState();
            rig.Client.ReadHeartbeat();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 500; i++)
        {
            rig.Client.Exchange(commands, CommandOptions.None);
            rig.Client.ReadState();
            rig.Client.ReadHeartbeat();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The codec and the client are allocation-free; Polly's circuit breaker allocates a small
        // health-window object every tenth of its sampling duration (a few hundred bytes a second
        // at most, never per call).
        Assert.True(allocated / 1500.0 < 2, $"{allocated} bytes over 1500 calls");
    }

    [Fact]
    public void OutputStaysFull_WriteTimeoutsCountForTheBreaker()
    {
        using var pty = new SocatPtyPair();
        using var device = new LinuxTtyTransport(pty.PathB, 3_000_000);
        device.Open(); // a board that never reads: the line's buffers fill up
        var host = new LinuxTtyTransport(pty.PathA, 3_000_000);
        using var client = new JointBoardClient(host, 4, 1, s_fast with { ReadRetries = 0, BreakerMinimumThroughput = 4, BreakerFailureRatio = 0.5 });
        var faults = new List<BusFault>();
        client.Faulted += faults.Add;
        client.Open();
        byte[] chunk = new byte[4096];
        Assert.True(BusRig.WaitFor(() =>
        {
            try
            {
                host.Write(chunk);
                return false;
            }
            catch (SerialWriteTimeoutException)
            {
                return true;
            }
        }, TimeSpan.FromSeconds(60)));
        var outcomes = new List<Type>();
        for (int i = 0; i < 8; i++)
        {
            outcomes.Add(Assert.ThrowsAny<IOException>(() => client.ReadState()).GetType());
        }
        Assert.Equal(typeof(SerialWriteTimeoutException), outcomes[0]);
        Assert.Contains(typeof(DynamixelBusUnavailableException), outcomes);
        Assert.Contains(faults, f => f.Kind == BusFaultKind.CircuitOpen);
    }

    [Fact]
    public void SilentBoard_BreakerOpens_CommandsNotSent_ClosesAfterTheBreakDuration()
    {
        var options = s_fast with
        {
            ReplyTimeout = TimeSpan.FromMilliseconds(20),
            ReadRetries = 1,
            BreakerMinimumThroughput = 4,
            BreakerFailureRatio = 0.5,
            BreakerBreakDuration = TimeSpan.FromSeconds(1.5),
        };
        using var rig = new JointBoardRig(joints: 1, options: options);
        var faults = new List<BusFault>();
        rig.Client.Faulted += faults.Add;
        rig.Board.Faults.Silent = true;
        var outcomes = new List<Type>();
        for (int i = 0; i < 8; i++)
        {
            outcomes.Add(Assert.ThrowsAny<IOException>(() => rig.Client.ReadState()).GetType());
        }
        Assert.Equal(typeof(JointBoardTimeoutException), outcomes[0]);
        Assert.Contains(typeof(DynamixelBusUnavailableException), outcomes);
        Assert.Contains(faults, f => f.Kind == BusFaultKind.CircuitOpen);
        var opened = System.Diagnostics.Stopwatch.StartNew();
        int applied = rig.Board.CommandsApplied;
        Assert.Throws<DynamixelBusUnavailableException>(() => rig.Client.Exchange([new(0.3, 0, 10, 1, 0)], CommandOptions.Enable));
        rig.Board.Faults.Silent = false;
        // The board answers again, but the open breaker refuses calls for the configured break duration.
        Assert.Throws<DynamixelBusUnavailableException>(() => rig.Client.ReadState());
        Assert.True(ReadsAgain(rig), "the board's state was not read within 10 s");
        Assert.True(opened.Elapsed >= TimeSpan.FromSeconds(1.2), $"the breaker let a call through {opened.Elapsed.TotalSeconds:F2} s after opening; the break duration is 1.5 s");
        Assert.Equal(applied, rig.Board.CommandsApplied);
    }

    [Fact]
    public void UnplugReplug_LostThenReconnect_EnableRefusedUntilRearm()
    {
        using var rig = new JointBoardRig(joints: 1, options: s_fast with { ReconnectFirstDelay = TimeSpan.FromMilliseconds(20), ReconnectAttempts = 40 });
        var faults = new List<BusFault>();
        rig.Client.Faulted += faults.Add;
        Assert.True(BusRig.WaitFor(() =>
        {
            try
            {
                rig.Client.Exchange([new(0.3, 0, 10, 1, 0)], CommandOptions.Enable);
                return true;
            }
            catch (JointBoardCommandUncertainException)
            {
                return false; // a loaded machine; not the subject of this test
            }
        }, TimeSpan.FromSeconds(10)));
        rig.Pty.Unplug();
        Assert.ThrowsAny<IOException>(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                rig.Client.Exchange([new(0.3, 0, 10, 1, 0)], CommandOptions.Enable);
            }
        });
        Assert.Equal(BusState.Lost, rig.Client.State);
        Assert.Contains(faults, f => f.Kind == BusFaultKind.Lost);
        int applied = rig.Board.CommandsApplied;
        rig.Pty.Replug();
        Assert.True(rig.Client.Reconnect());
        Assert.Throws<InvalidOperationException>(() => rig.Client.Exchange([new(0.3, 0, 10, 1, 0)], CommandOptions.Enable));
        Assert.True(ReadsAgain(rig), "the board's state was not read within 10 s");
        Assert.Equal(applied, rig.Board.CommandsApplied);
    }
}
