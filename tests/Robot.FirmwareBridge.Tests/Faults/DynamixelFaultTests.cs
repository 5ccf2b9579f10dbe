using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Tests.Support;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Tests.Faults;

/// <summary>
/// Every fault ends in a defined outcome: a read returns correct data or throws a
/// <see cref="DynamixelException"/>; a write is never repeated; a lost bus raises a fault and
/// refuses writes after reconnect until re-armed.
/// </summary>
public class DynamixelFaultTests
{
    private static readonly DynamixelBusOptions s_fast = BusRig.Generous with { ReplyTimeout = TimeSpan.FromMilliseconds(100), BreakerMinimumThroughput = 1000 };
    private static readonly byte[] s_ids = [1, 2, 3, 4, 5, 6, 7];

    private static void PlaceServos(BusRig rig)
    {
        foreach (byte id in s_ids)
        {
            rig.Emulator[id].SetPresentPosition(1000 + (id * 10));
        }
    }

    /// <summary>Runs sync reads; returns (successes, failures) and asserts every success is exact.</summary>
    private static (int Ok, int Failed) ReadMany(BusRig rig, int count, bool fast)
    {
        var group = new SyncReadGroup(X.PresentPosition, 4, s_ids, fast) { IsSigned = true };
        int ok = 0, failed = 0;
        for (int k = 0; k < count; k++)
        {
            try
            {
                group.Read(rig.Bus);
                for (int i = 0; i < s_ids.Length; i++)
                {
                    Assert.Equal(1000 + (s_ids[i] * 10), group.Value(i));
                }
                ok++;
            }
            catch (DynamixelException e)
            {
                Assert.True(e is DynamixelTimeoutException or DynamixelCorruptReplyException, e.GetType().Name);
                failed++;
            }
        }
        return (ok, failed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CorruptedBytes_ReadsRetried_NeverWrongData(bool fast)
    {
        using var rig = new BusRig(options: s_fast);
        PlaceServos(rig);
        rig.Emulator.Faults.CorruptByteRate = 0.003;
        var (ok, _) = ReadMany(rig, 150, fast);
        Assert.True(rig.Emulator.Faults.CorruptedBytes > 0);
        Assert.True(rig.Bus.ReadRetryCount > 0);
        Assert.True(ok > 100, $"only {ok} of 150 reads succeeded");
    }

    [Fact]
    public void TruncatedFrames_ReadsRetried_NeverWrongData()
    {
        using var rig = new BusRig(options: s_fast);
        PlaceServos(rig);
        rig.Emulator.Faults.TruncateReplyRate = 0.05;
        var (ok, _) = ReadMany(rig, 60, fast: false);
        Assert.True(rig.Emulator.Faults.TruncatedReplies > 0);
        Assert.True(ok > 40, $"only {ok} of 60 reads succeeded");
    }

    [Fact]
    public void DroppedStatus_OnWrite_IsUncertainAndNotRepeated()
    {
        using var rig = new BusRig("1:xm430");
        var model = DynamixelModel.XM430W350;
        rig.Emulator.Faults.DropReplyRate = 1.0;
        Assert.Throws<DynamixelWriteUncertainException>(() => rig.Bus.WriteItem(1, model.Item("Goal Position")!, 2300));
        rig.Emulator.Faults.DropReplyRate = 0;
        Thread.Sleep(100);
        Assert.Equal([2300], rig.Emulator[1].GoalHistory);
    }

    [Fact]
    public void CorruptPacketToServo_IsAnsweredWithCrcError_AndNotApplied()
    {
        using var rig = new BusRig("1:xm430", options: s_fast);
        var buffer = new byte[32];
        int n = DynamixelInstructions.Write(buffer, 1, X.Led, [1]);
        buffer[n - 1] ^= 0xFF;
        rig.HostTransport.Write(buffer.AsSpan(0, n));
        var rx = new byte[64];
        int got = 0;
        BusRig.WaitFor(() => (got += rig.HostTransport.Read(rx.AsSpan(got), TimeSpan.FromMilliseconds(20))) >= 11, TimeSpan.FromSeconds(5));
        Assert.Equal(DecodeStatus.Ok, DynamixelPacket.TryDecode(rx.AsSpan(0, got), new byte[8], out _, out _));
        Assert.Equal(DynamixelErrorNumber.Crc, new DynamixelStatus(1, rx[8]).ErrorNumber);
        Assert.Equal(0, rig.Bus.ReadItem(1, DynamixelModel.XM430W350.Item("LED")!));
    }

    [Fact]
    public void SilentDevice_TimeoutsThenBreakerOpens_WritesNotSent_RecoversAfterward()
    {
        var options = BusRig.Generous with { ReplyTimeout = TimeSpan.FromMilliseconds(20), ReadRetries = 1, BreakerMinimumThroughput = 4, BreakerFailureRatio = 0.5 };
        using var rig = new BusRig("1:xm430", options: options);
        var faults = new List<BusFault>();
        rig.Bus.Faulted += faults.Add;
        var position = DynamixelModel.XM430W350.Item("Present Position")!;
        rig.Emulator.Faults.Silent = true;
        var outcomes = new List<Type>();
        for (int i = 0; i < 8; i++)
        {
            outcomes.Add(Assert.ThrowsAny<DynamixelException>(() => rig.Bus.ReadItem(1, position)).GetType());
        }
        Assert.Equal(typeof(DynamixelTimeoutException), outcomes[0]);
        Assert.Contains(typeof(DynamixelBusUnavailableException), outcomes);
        Assert.Contains(faults, f => f.Kind == BusFaultKind.CircuitOpen);
        Assert.Throws<DynamixelBusUnavailableException>(() => rig.Bus.WriteItem(1, DynamixelModel.XM430W350.Item("Goal Position")!, 2500));
        rig.Emulator.Faults.Silent = false;
        Assert.Empty(rig.Emulator[1].GoalHistory);
        Assert.True(BusRig.WaitFor(() =>
        {
            try
            {
                return rig.Bus.ReadItem(1, position) == 2048;
            }
            catch (DynamixelException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void UnplugReplug_MidStream_LostFaultReconnectNoStaleGoal()
    {
        using var rig = new BusRig("1-3:xm430", options: s_fast);
        var faults = new List<BusFault>();
        rig.Bus.Faulted += faults.Add;
        var goal = new SyncWriteGroup(X.GoalPosition, 4, [1, 2, 3]);
        var torque = new SyncWriteGroup(X.TorqueEnable, 1, [1, 2, 3]);
        for (int i = 0; i < 3; i++)
        {
            torque.SetValue(i, 1);
            goal.SetValue(i, 2100);
        }
        torque.Write(rig.Bus);
        goal.Write(rig.Bus);
        var read = new SyncReadGroup(X.PresentPosition, 4, [1, 2, 3], fast: true);
        read.Read(rig.Bus);

        rig.Pty.Unplug();
        Exception lost = Assert.ThrowsAny<IOException>(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                read.Read(rig.Bus);
            }
        });
        Assert.True(lost is SerialDisconnectedException, lost.ToString());
        Assert.Equal(BusState.Lost, rig.Bus.State);
        Assert.Contains(faults, f => f.Kind == BusFaultKind.Lost);
        Assert.Throws<DynamixelBusUnavailableException>(() => goal.Write(rig.Bus));

        rig.Pty.Replug();
        Assert.True(rig.Bus.Reconnect());
        Assert.Equal(1, rig.Bus.Generation);
        Assert.Contains(faults, f => f.Kind == BusFaultKind.Reconnected);
        Assert.False(rig.Bus.IsArmed);
        // The stale goal (2100, from before the loss) is refused until the owner re-reads and re-arms.
        Assert.Throws<DynamixelNotArmedException>(() => goal.Write(rig.Bus));
        Assert.True(BusRig.WaitFor(() =>
        {
            try
            {
                read.Read(rig.Bus);
                return true;
            }
            catch (DynamixelException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10)));
        rig.Bus.Rearm();
        for (int i = 0; i < 3; i++)
        {
            goal.SetValue(i, read.Value(i));
        }
        goal.Write(rig.Bus);
        Assert.True(BusRig.WaitFor(() => rig.Emulator[1].GoalHistory.Count == 2, TimeSpan.FromSeconds(5)));
        Assert.Equal(2100, rig.Emulator[1].GoalHistory[0]);
        Assert.Equal(read.Value(0), rig.Emulator[1].GoalHistory[1]);
    }

    [Fact]
    public void WrongBaudRate_WriteIsUncertainAndDoesNotReachTheServo()
    {
        using var rig = new BusRig("1:xm430", baudRegister: 4, hostBaud: 1_000_000, linkBaud: true, options: s_fast);
        Assert.Throws<DynamixelWriteUncertainException>(() => rig.Bus.WriteItem(1, DynamixelModel.XM430W350.Item("LED")!, 1));
        Assert.Equal(0, rig.Emulator[1].WritesApplied);
        Assert.Null(rig.Bus.TryPing(1, TimeSpan.FromMilliseconds(50)));
        rig.Bus.SetBaudRate(2_000_000);
        Assert.NotNull(rig.Bus.TryPing(1, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void ReconnectWhileDeviceAbsent_GivesUpAfterBackoff()
    {
        var options = BusRig.Generous with { ReconnectAttempts = 3, ReconnectFirstDelay = TimeSpan.FromMilliseconds(5) };
        using var rig = new BusRig("1:xm430", options: options);
        rig.Pty.Unplug();
        Assert.ThrowsAny<IOException>(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                rig.Bus.ReadItem(1, DynamixelModel.XM430W350.Item("ID")!);
            }
        });
        Assert.False(rig.Bus.Reconnect());
        Assert.Equal(BusState.Lost, rig.Bus.State);
    }
}
