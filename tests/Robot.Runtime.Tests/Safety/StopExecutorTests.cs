using Robot.Core.Hardware;
using Robot.Runtime.Concurrency;
using Robot.Runtime.Loop;
using Robot.Runtime.Safety;
using Robot.Runtime.Telemetry;
using Robot.Runtime.Tests.Doubles;
using Robot.Safety.Contracts;

namespace Robot.Runtime.Tests.Safety;

/// <summary>
/// The safety limiter inside the control pipeline, on the test-double hardware: each tick
/// advances a manual clock by one period, so verdict ages and stop bounds are counted in ticks.
/// Joints 0–1 play the legs (balance keeps them), 2–5 the motion joints a stop freezes.
/// </summary>
[Collection(AllocationSensitiveTests.Name)]
public class StopExecutorTests
{
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(1);
    private readonly ManualTimeProvider _time = new();
    private readonly LatestValueSlot<VerdictSample> _verdicts = new();
    private readonly StopExecutor _stops;
    private readonly ControlPipeline _pipeline;
    private readonly TestDoubleHardware _hardware;

    public StopExecutorTests()
    {
        var gate = new SafetyGate(_verdicts, new SafetyGateOptions { MaxSpeed = 1.5 }, _time);
        var options = new StopExecutorOptions { StableDwell = TimeSpan.FromMilliseconds(50), SettleThenCutBound = TimeSpan.FromSeconds(1) };
        foreach (int j in new[] { 2, 3, 4, 5 })
        {
            options.FrozenJoints.Add(j);
        }
        _stops = new StopExecutor(gate, options, 6);
        (_pipeline, _hardware) = PipelineFactory.Create(target: 0.5, stops: _stops);
    }

    private void Receive(VerdictKind kind, double limit = 1.5, StopLevel level = StopLevel.None, bool latched = false, ReasonCode reason = ReasonCode.ReasonClear) =>
        _verdicts.Publish(new VerdictSample(kind, limit, reason, level, latched, _time.GetTimestamp()));

    /// <summary>Runs <paramref name="ticks"/> ticks, the clock one period ahead before each.</summary>
    private void Run(int ticks, bool permitEveryTenTicks = false)
    {
        for (int i = 0; i < ticks; i++)
        {
            _time.Advance(s_tick);
            if (permitEveryTenTicks && i % 10 == 0)
            {
                Receive(VerdictKind.Permit);
            }
            _pipeline.Tick();
        }
    }

    [Fact]
    public void NoVerdictYet_SettlesOnTheFirstTick_FreezingMotionJointsWithZeroVelocity()
    {
        Run(1);
        Assert.Equal(StopCategory.Settle, _pipeline.Safety.Stop);
        Assert.Equal(StopPhase.Settling, _pipeline.Safety.Phase);
        Assert.Equal(ReasonCode.ReasonSupervisorUnavailable, _pipeline.Safety.Reason);
        // Motion joints hold where they were (0 at start), not the controller's 0.5; legs follow the controller.
        ReadOnlySpan<JointCommand> written = _pipeline.WrittenCommands;
        Assert.Equal(0.5, written[0].Position);
        Assert.Equal(0.0, written[3].Position);
        Assert.True(written[3].Kp > 0, "a settle keeps power on");
        Assert.All(written.ToArray(), c => Assert.Equal(0, c.Velocity));
    }

    [Fact]
    public void FreshPermits_MoveWithTheSpeedScale_AndTheControllerCommandsPass()
    {
        Run(200, permitEveryTenTicks: true);
        Assert.Equal(StopCategory.None, _pipeline.Safety.Stop);
        Assert.Equal(1.0, _pipeline.Safety.SpeedScale);
        Assert.All(_hardware.Position, q => Assert.True(q > 0.1, $"joint at {q} rad: the controller should be moving it to 0.5"));
    }

    [Fact]
    public void VerdictsStop_SettleAtTheFirstTickPastTheTimeout_CountedInLoopTicks()
    {
        Run(50, permitEveryTenTicks: true);
        Run(1); // the tick after the last permit's
        long stopTick = -1;
        for (int i = 0; i < 200 && stopTick < 0; i++)
        {
            Run(1);
            if (_pipeline.Safety.Stop != StopCategory.None)
            {
                stopTick = _pipeline.Safety.TicksSinceVerdict;
            }
        }
        // Last permit received at tick k; the gate's timeout is 100 ms: the first stopped tick is k + 101.
        Assert.Equal(101, stopTick);
        Assert.Equal(StopCategory.Settle, _pipeline.Safety.Stop);
    }

    [Fact]
    public void Settle_BecomesStable_ThenAFreshPermitResumes()
    {
        Run(100, permitEveryTenTicks: true);
        Receive(VerdictKind.ProtectiveStop, reason: ReasonCode.ReasonKeepOutAhead);
        Run(1);
        Assert.Equal(ReasonCode.ReasonKeepOutAhead, _pipeline.Safety.Reason);
        Run(60);
        Assert.Equal(StopPhase.Stable, _pipeline.Safety.Phase);
        // Still from the triggering tick on: 50 still ticks (0…49) make the 50 ms dwell.
        Assert.Equal(49, _stops.TicksToStable);
        Receive(VerdictKind.Permit, limit: 0.75);
        Run(1);
        Assert.Equal(StopCategory.None, _pipeline.Safety.Stop);
        Assert.Equal(0.5, _pipeline.Safety.SpeedScale);
    }

    [Fact]
    public void Cut_TorqueOffOnTheTriggeringTick_EvenWithAFaultLatched()
    {
        Run(100, permitEveryTenTicks: true);
        _hardware.NaNJoint = 1;
        Run(1);
        Assert.NotEqual(Robot.Core.Control.LoopFault.None, _pipeline.Fault);
        Receive(VerdictKind.EmergencyStop, 0, StopLevel.Cut, latched: true, ReasonCode.ReasonEmergencyStop);
        Run(1);
        Assert.Equal(StopPhase.TorqueOff, _pipeline.Safety.Phase);
        Assert.Equal(0, _stops.TicksToTorqueOff);
        Assert.All(_pipeline.WrittenCommands.ToArray(), c => Assert.Equal(JointCommand.Limp, c));
        Assert.Equal(JointCommand.Limp, _hardware.LastCommand0);

        // Unpowered, the robot collapses: its joints end far from the 0.5 rad the fault found them at.
        Run(20);
        for (int j = 0; j < 6; j++)
        {
            _hardware.Position[j] = -0.3;
        }
        // The latch is reset, permits flow, the operator re-arms: the loop is still faulted and
        // cannot control the robot, so power stays off instead of driving it back to 0.5 rad.
        _stops.Rearm();
        Run(30, permitEveryTenTicks: true);
        Assert.Equal(StopPhase.TorqueOff, _pipeline.Safety.Phase);
        Assert.All(_pipeline.WrittenCommands.ToArray(), c => Assert.Equal(JointCommand.Limp, c));

        // The cause is gone and the fault cleared: the pending re-arm takes effect, and the
        // controller (not a hold captured before the stop) decides what is written.
        _hardware.NaNJoint = -1;
        _pipeline.ClearFault();
        Run(1, permitEveryTenTicks: true);
        Assert.Equal(StopPhase.None, _pipeline.Safety.Phase);
        Assert.All(_pipeline.WrittenCommands.ToArray(), c => Assert.True(c.Kp > 0, "power is back"));
    }

    [Fact]
    public void Rearm_FakeControllerOutputInvalidOnThePowerOnTick_HoldsTheMeasuredPose()
    {
        // A real controller does not emit an invalid command on demand: this one does, on the tick power returns.
        var controller = new InvalidOnDemandController(0.5);
        var gate = new SafetyGate(_verdicts, new SafetyGateOptions { MaxSpeed = 1.5 }, _time);
        var stops = new StopExecutor(gate, new StopExecutorOptions(), 6);
        var (pipeline, hardware) = PipelineFactory.Create(controller: controller, stops: stops);
        void Tick(bool permit)
        {
            _time.Advance(s_tick);
            if (permit)
            {
                Receive(VerdictKind.Permit);
            }
            pipeline.Tick();
        }
        for (int i = 0; i < 300; i++)
        {
            Tick(permit: i % 10 == 0);
        }
        Assert.All(hardware.Position, q => Assert.True(q > 0.3, $"joint at {q} rad: the controller should be holding it near 0.5"));
        Receive(VerdictKind.EmergencyStop, 0, StopLevel.Cut, latched: true, ReasonCode.ReasonEmergencyStop);
        Tick(permit: false);
        Assert.Equal(StopPhase.TorqueOff, pipeline.Safety.Phase);
        for (int j = 0; j < 6; j++)
        {
            hardware.Position[j] = -0.3; // collapsed
        }
        Tick(permit: true);
        stops.Rearm();
        controller.Invalid = true;
        Tick(permit: true);
        Assert.Equal(StopPhase.None, pipeline.Safety.Phase);
        Assert.Equal(Robot.Core.Control.LoopFault.ControllerOutputInvalid, pipeline.Fault);
        // The hold written is where the joints are now, not 0.5 rad (the last command before the stop).
        ReadOnlySpan<JointCommand> written = pipeline.WrittenCommands;
        for (int j = 0; j < 6; j++)
        {
            Assert.Equal(pipeline.State.JointPosition[j], written[j].Position);
            Assert.InRange(written[j].Position, -0.31, -0.29);
            Assert.Equal(0, written[j].Velocity);
        }
    }

    /// <summary>Holds every joint at a target; while <see cref="Invalid"/>, commands NaN positions.</summary>
    private sealed class InvalidOnDemandController(double target) : Robot.Core.Control.IJointController
    {
        public bool Invalid { get; set; }

        public Robot.Core.Control.LoopFault Update(in Robot.Core.Control.TickContext tick, Robot.Core.Hardware.RobotState measured, in Robot.Core.Control.BaseEstimate estimate, Span<JointCommand> commands)
        {
            for (int i = 0; i < commands.Length; i++)
            {
                commands[i] = new JointCommand(Invalid ? double.NaN : target, 0, 100, 20, 0);
            }
            return Robot.Core.Control.LoopFault.None;
        }
    }

    [Fact]
    public void SettleThenCut_CutsOnceStable_AndStaysOffUntilRearmedAndPermitted()
    {
        Run(100, permitEveryTenTicks: true);
        Receive(VerdictKind.EmergencyStop, 0, StopLevel.SettleThenCut, latched: true, ReasonCode.ReasonEmergencyStop);
        Run(1);
        Assert.Equal(StopPhase.Settling, _pipeline.Safety.Phase);
        Run(60);
        Assert.Equal(StopPhase.TorqueOff, _pipeline.Safety.Phase);
        Assert.Equal(_stops.TicksToStable, _stops.TicksToTorqueOff);
        Assert.Equal(49, _stops.TicksToTorqueOff);

        // The latch is reset and permits flow again: torque stays off until someone re-arms.
        Receive(VerdictKind.Permit);
        Run(20, permitEveryTenTicks: true);
        Assert.Equal(StopPhase.TorqueOff, _pipeline.Safety.Phase);
        _stops.Rearm();
        Run(1, permitEveryTenTicks: true);
        Assert.Equal(StopPhase.None, _pipeline.Safety.Phase);
        Assert.True(_pipeline.WrittenCommands[0].Kp > 0);
    }

    [Fact]
    public void SettleThenCut_NotStableInTime_CutsAtTheBound()
    {
        // A dwell longer than the bound: the stance is never confirmed, so the bound decides.
        var options = new StopExecutorOptions { StableDwell = TimeSpan.FromSeconds(2), SettleThenCutBound = TimeSpan.FromSeconds(1) };
        var stops = new StopExecutor(new SafetyGate(_verdicts, new SafetyGateOptions(), _time), options, 6);
        var (pipeline, _) = PipelineFactory.Create(stops: stops);
        Receive(VerdictKind.EmergencyStop, 0, StopLevel.SettleThenCut, latched: true, ReasonCode.ReasonEmergencyStop);
        for (int i = 0; i < 1100 && pipeline.Safety.Phase != StopPhase.TorqueOff; i++)
        {
            _time.Advance(s_tick);
            pipeline.Tick();
        }
        Assert.Equal(StopPhase.TorqueOff, pipeline.Safety.Phase);
        Assert.Equal(-1, stops.TicksToStable);
        Assert.Equal(1000, stops.TicksToTorqueOff);
    }

    [Fact]
    public void Tick_WithSafetyLimiter_AllocatesNothing()
    {
        var ring = new TelemetryRing(6, capacity: 64);
        var gate = new SafetyGate(_verdicts, new SafetyGateOptions(), _time);
        var options = new StopExecutorOptions();
        options.FrozenJoints.Add(3);
        var (pipeline, _) = PipelineFactory.Create(ring: ring, stops: new StopExecutor(gate, options, 6));
        void Cycle()
        {
            // Permits, a timeout stop, a resume, a protective stop: every path of the limiter.
            for (int i = 0; i < 1000; i++)
            {
                _time.Advance(s_tick);
                if ((i < 300 || (i >= 500 && i < 700)) && i % 10 == 0)
                {
                    Receive(VerdictKind.Permit);
                }
                else if (i == 800)
                {
                    Receive(VerdictKind.ProtectiveStop, reason: ReasonCode.ReasonSeparation);
                }
                pipeline.Tick();
            }
        }
        Cycle();
        int collections = AllocationSensitiveTests.FreshCollectionCount();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Cycle();
        Cycle();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(collections, AllocationSensitiveTests.CollectionCount());
        Assert.Equal(StopCategory.Settle, pipeline.Safety.Stop);
    }

    [Fact]
    public void Options_EveryErrorReportedTogether()
    {
        var options = new StopExecutorOptions { StableSpeed = 0, StableAngularSpeed = double.NaN, StableDwell = TimeSpan.FromSeconds(-1), SettleThenCutBound = TimeSpan.Zero };
        options.FrozenJoints.Add(9);
        var e = Assert.Throws<ArgumentException>(() => new StopExecutor(new SafetyGate(_verdicts, new SafetyGateOptions(), _time), options, 6));
        Assert.Equal("invalid stop executor options: FrozenJoints: index 9 is not a joint of this robot (0..5); StableSpeed: expected a finite speed > 0 m/s, got 0; "
            + "StableAngularSpeed: expected a finite rate > 0 rad/s, got NaN; StableDwell: expected 0 to 2 s, got -1 s; SettleThenCutBound: expected > 0 and <= 10 s, got 0 s (Parameter 'options')", e.Message);
    }

    [Fact]
    public void Defaults_ArePinned()
    {
        var options = new StopExecutorOptions();
        Assert.Equal(0.05, options.StableSpeed);
        Assert.Equal(0.25, options.StableAngularSpeed);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.StableDwell);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.SettleThenCutBound);
        Assert.Empty(options.FrozenJoints);
    }
}
