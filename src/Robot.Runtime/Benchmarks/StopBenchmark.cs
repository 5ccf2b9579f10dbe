using Robot.Runtime.Concurrency;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Runtime.Safety;
using Robot.Safety.Contracts;
using Robot.Sim;

namespace Robot.Runtime.Benchmarks;

/// <summary>
/// One stop measured on the simulated humanoid (balance controller, MuJoCo, lockstep). Tick
/// counts are loop ticks (1 ms); -1 when the event did not happen.
/// </summary>
/// <param name="Trigger">What started it: "verdict timeout", "protective stop", "e-stop settle_then_cut", "e-stop cut".</param>
/// <param name="Category">The stop category the loop ran.</param>
/// <param name="TicksLastVerdictToStop">Verdict timeout only: ticks from the last verdict's arrival to the stop (bound: timeout + 1 tick).</param>
/// <param name="TicksToStable">Ticks from the trigger to a stable stance.</param>
/// <param name="TicksToTorqueOff">Ticks from the trigger to torque off.</param>
/// <param name="BoundTicks">The category's bound (StopCategory docs) for what it must reach: stance for SETTLE, torque off otherwise.</param>
/// <param name="BoundMet">Whether the bound was met.</param>
/// <param name="PelvisHeight">Pelvis height 2 s after the trigger, m (standing ≈ 0.8).</param>
/// <param name="Tilt">Pelvis tilt from upright 2 s after the trigger, rad.</param>
/// <param name="ResumedOnPermit">Whether a fresh permit (and a re-arm after a torque-off) let it move again on the next tick.</param>
public sealed record StopMeasurement(string Trigger, StopCategory Category, long TicksLastVerdictToStop, long TicksToStable, long TicksToTorqueOff,
    long BoundTicks, bool BoundMet, double PelvisHeight, double Tilt, bool ResumedOnPermit);

/// <summary>
/// `robot bench stops`: each stop category executed by the control loop on the simulated
/// humanoid in simulated-time lockstep, from a standing robot that had fresh permits. The safety
/// gate runs on a <see cref="LoopTimeProvider"/>, so every figure is an exact tick count.
/// </summary>
public static class StopBenchmark
{
    private const int PermitEveryTicks = 10; // 100 Hz verdicts at a 1 kHz loop
    private const int StandTicks = 1000;
    private const int ObserveTicks = 2000;

    /// <summary>Measures the four triggers in turn (a fresh robot each).</summary>
    public static IReadOnlyList<StopMeasurement> Run() =>
    [
        Measure("verdict timeout", null),
        Measure("protective stop", new VerdictSample(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonKeepOutAhead, StopLevel.None, false, 0)),
        Measure("e-stop settle_then_cut", new VerdictSample(VerdictKind.EmergencyStop, 0, ReasonCode.ReasonEmergencyStop, StopLevel.SettleThenCut, true, 0)),
        Measure("e-stop cut", new VerdictSample(VerdictKind.EmergencyStop, 0, ReasonCode.ReasonEmergencyStop, StopLevel.Cut, true, 0)),
    ];

    private static StopMeasurement Measure(string trigger, VerdictSample? stop)
    {
        var clock = new LoopTimeProvider();
        var verdicts = new LatestValueSlot<VerdictSample>();
        var gate = new SafetyGate(verdicts, new SafetyGateOptions(), clock);
        StopExecutorOptions options = SimulatedRobot.StopOptions();
        var hardware = SimHardware.FlatGround();
        var stops = new StopExecutor(gate, options, hardware.Description.JointCount);
        using var robot = SimulatedRobot.Create(BalanceFactory.Create(hardware), hardware: hardware, stops: stops);
        ControlPipeline pipeline = robot.Pipeline;
        double dt = hardware.Timestep;
        var permit = new VerdictSample(VerdictKind.Permit, SafetyGateConstants.DefaultMaxSpeed, ReasonCode.ReasonClear, StopLevel.None, false, 0);

        void Tick(VerdictSample? publish)
        {
            clock.Advance(dt);
            if (publish is { } v)
            {
                verdicts.Publish(v with { ReceivedAt = clock.GetTimestamp() });
            }
            pipeline.Tick();
        }

        for (int i = 0; i < StandTicks; i++)
        {
            Tick(i % PermitEveryTicks == 0 ? permit : null);
        }
        long sinceVerdictAtStop = -1;
        long triggerTick = -1;
        for (int i = 0; i < 3 * StandTicks && triggerTick < 0; i++)
        {
            Tick(i == 0 ? stop : null);
            if (pipeline.Safety.Stop != StopCategory.None)
            {
                triggerTick = pipeline.TickCount;
                sinceVerdictAtStop = pipeline.Safety.TicksSinceVerdict;
            }
        }
        for (int i = 0; i < ObserveTicks; i++)
        {
            Tick(null);
        }
        Span<double> p = stackalloc double[3];
        Span<double> q = stackalloc double[4];
        hardware.GetPelvisPose(p, q);
        double tilt = hardware.PelvisTilt;
        StopCategory category = pipeline.Safety.Stop;

        // Resume: the latch is reset and a permit arrives (and someone re-arms after a torque-off).
        stops.Rearm();
        Tick(permit);
        bool resumed = pipeline.Safety.MayMove;

        long bound = category switch
        {
            StopCategory.Settle => (long)Math.Round(1.0 / dt),
            StopCategory.SettleThenCut => (long)Math.Round(2.5 / dt),
            _ => 1,
        };
        long reached = category == StopCategory.Settle ? stops.TicksToStable : stops.TicksToTorqueOff;
        bool met = reached >= 0 && reached <= bound && (stop is not null || sinceVerdictAtStop <= SafetyGateConstants.DefaultVerdictTimeout.TotalSeconds / dt + 1);
        return new StopMeasurement(trigger, category, stop is null ? sinceVerdictAtStop : -1, stops.TicksToStable, stops.TicksToTorqueOff, bound, met, p[2], tilt, resumed);
    }
}
