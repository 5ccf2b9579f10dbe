using Robot.Runtime.Concurrency;
using Robot.Runtime.Safety;
using Robot.Safety.Contracts;

namespace Robot.Runtime.Tests.Safety;

public class SafetyGateTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly LatestValueSlot<VerdictSample> _slot = new();
    private readonly SafetyGate _gate;

    public SafetyGateTests()
    {
        _gate = new SafetyGate(_slot, new SafetyGateOptions { MaxSpeed = 1.5 }, _time);
    }

    private void Receive(VerdictKind kind, double limit = 0, ReasonCode reason = ReasonCode.ReasonClear, StopLevel level = StopLevel.None, bool latched = false) =>
        _slot.Publish(new VerdictSample(kind, limit, reason, level, latched, _time.GetTimestamp()));

    [Fact]
    public void Evaluate_NoVerdictYet_Settles()
    {
        Assert.Equal(new SafetyCommand(0, StopCategory.Settle, ReasonCode.ReasonSupervisorUnavailable), _gate.Evaluate());
    }

    [Fact]
    public void Evaluate_FreshPermit_AllowsScaledSpeed()
    {
        Receive(VerdictKind.Permit, 0.75, ReasonCode.ReasonSpeedZone);
        SafetyCommand command = _gate.Evaluate();
        Assert.Equal(new SafetyCommand(0.5, StopCategory.None, ReasonCode.ReasonSpeedZone), command);
        Assert.True(command.MayMove);
    }

    [Fact]
    public void Evaluate_PermitOlderThanTimeout_Settles_AtTheFirstTickPastIt()
    {
        Receive(VerdictKind.Permit, 1.5);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(StopCategory.None, _gate.Evaluate().Stop);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(new SafetyCommand(0, StopCategory.Settle, ReasonCode.ReasonSupervisorUnavailable), _gate.Evaluate());
        // Motion resumes only on a fresh permit.
        Receive(VerdictKind.Permit, 1.5);
        Assert.Equal(StopCategory.None, _gate.Evaluate().Stop);
    }

    [Fact]
    public void Evaluate_ProtectiveStop_SettlesWithTheSupervisorsReason()
    {
        Receive(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonKeepOutAhead);
        Assert.Equal(new SafetyCommand(0, StopCategory.Settle, ReasonCode.ReasonKeepOutAhead), _gate.Evaluate());
    }

    [Fact]
    public void Evaluate_EmergencyStop_LatchesUntilAVerdictWithoutLatch_ThenNeedsAPermit()
    {
        Receive(VerdictKind.EmergencyStop, 0, ReasonCode.ReasonEmergencyStop, StopLevel.SettleThenCut, latched: true);
        Assert.Equal(StopCategory.SettleThenCut, _gate.Evaluate().Stop);
        // Still latched however old it gets.
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(StopCategory.SettleThenCut, _gate.Evaluate().Stop);
        Assert.True(_gate.EmergencyStopLatched);
        // A protective stop that still reports the latch keeps it.
        Receive(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonHeartbeatInvalid, latched: true);
        Assert.Equal(StopCategory.SettleThenCut, _gate.Evaluate().Stop);
        // Reset on the supervisor: latch gone, but a restart is still required.
        Receive(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonRestartRequired);
        Assert.Equal(new SafetyCommand(0, StopCategory.Settle, ReasonCode.ReasonRestartRequired), _gate.Evaluate());
        Assert.False(_gate.EmergencyStopLatched);
        Receive(VerdictKind.Permit, 1.5);
        Assert.Equal(StopCategory.None, _gate.Evaluate().Stop);
    }

    [Fact]
    public void Evaluate_EmergencyStopAtCut_Cuts()
    {
        Receive(VerdictKind.EmergencyStop, 0, ReasonCode.ReasonEmergencyStop, StopLevel.Cut, latched: true);
        Assert.Equal(new SafetyCommand(0, StopCategory.Cut, ReasonCode.ReasonEmergencyStop), _gate.Evaluate());
    }

    [Fact]
    public void Evaluate_PermitWithZeroLimit_Settles()
    {
        Receive(VerdictKind.Permit, 0, ReasonCode.ReasonSeparation);
        Assert.Equal(StopCategory.Settle, _gate.Evaluate().Stop);
    }

    [Fact]
    public void Evaluate_AllocatesNothing()
    {
        Receive(VerdictKind.Permit, 1.0);
        _gate.Evaluate();
        long before = GC.GetAllocatedBytesForCurrentThread();
        double sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            if (i % 10 == 0)
            {
                Receive(i % 30 == 0 ? VerdictKind.ProtectiveStop : VerdictKind.Permit, 1.0);
            }
            _time.Advance(TimeSpan.FromMilliseconds(1));
            sum += _gate.Evaluate().SpeedScale;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }

    [Fact]
    public void Options_DefaultsArePinned_AndInvalidOnesAreReportedTogether()
    {
        var options = new SafetyGateOptions();
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.VerdictTimeout);
        Assert.Equal(1.5, options.MaxSpeed);
        var e = Assert.Throws<ArgumentException>(() => new SafetyGate(_slot, new SafetyGateOptions { VerdictTimeout = TimeSpan.Zero, MaxSpeed = double.NaN }));
        Assert.Equal("invalid safety gate options: VerdictTimeout: expected > 0 and <= 2 s, got 0 ms; MaxSpeed: expected a finite speed > 0 m/s, got NaN (Parameter 'options')", e.Message);
    }
}
