using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Runtime.Safety;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;
using Robot.Safety.Hosting;
using Robot.Sim;
using Xunit.Abstractions;

namespace Robot.Runtime.Tests.Safety;

/// <summary>
/// The whole chain: the MuJoCo humanoid under the balance controller and the safety limiter,
/// its safety link streaming to a real supervisor over loopback gRPC. The loop steps the
/// simulation in lockstep, paced to at most one tick per wall-clock millisecond (verdict ages
/// are wall time, as on the robot), so k ticks always span at least k ms; the assertions count
/// the loop's own ticks, never wall time, and hold however loaded the machine is.
/// </summary>
public sealed class SupervisedSimulationEndToEndTests(ITestOutputHelper output)
{
    private const string Site = """
        site: e2e-sim
        version: 1
        robots:
          - id: sim1
        zones:
          - id: far
            kind: keep_out
            polygon: [[100, 100], [110, 100], [110, 110], [100, 110]]
        """;

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<SupervisorHost> StartSupervisorAsync(int port)
    {
        var builder = new SupervisorHostBuilder(SiteFileParser.Parse(Site));
        builder.Options.Urls.Clear();
        builder.Options.Urls.Add($"http://127.0.0.1:{port}");
        return await builder.StartAsync();
    }

    [Fact]
    public async Task SupervisorKilled_RobotSettlesWithinTimeoutPlusOneTick_KeepsStanding_FreshPermitResumes()
    {
        int port = FreePort();
        SupervisorHost host = await StartSupervisorAsync(port);
        await using var link = new SafetyLink(new SafetyLinkOptions
        {
            Address = new Uri($"http://127.0.0.1:{port}"),
            RobotId = "sim1",
            ReconnectDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
        });
        StopExecutorOptions options = SimulatedRobot.StopOptions();
        var hardware = SimHardware.FlatGround();
        var stops = new StopExecutor(link.CreateGate(), options, hardware.Description.JointCount);
        using var robot = SimulatedRobot.Create(BalanceFactory.Create(hardware), hardware: hardware, stops: stops);
        ControlPipeline pipeline = robot.Pipeline;
        var loop = new PacedLoop(pipeline);
        link.Report(new RobotSafetyState(5, 5, 0, 0, 0, 0.2));
        link.Start();
        try
        {
            // 1. The robot streams and gets permits.
            Assert.True(await Task.Run(() => loop.RunUntil(() => pipeline.Safety.MayMove, 20_000)), $"no permit; link error: {link.LastError}");
            await Task.Run(() => loop.RunUntil(() => false, 300));
            // Kill while the robot moves on a fresh permit. Under load, verdicts can arrive late before
            // the kill; the robot is then already stopped for them, and the bound below would time that
            // earlier stop (CI: 277 ticks after the last verdict, 1.6 ms after the kill).
            Assert.True(await Task.Run(() => loop.RunUntil(() => pipeline.Safety.MayMove, 20_000)), $"no permit before the kill; link error: {link.LastError}");

            // 2. The supervisor dies: it decides nothing more, its connections are torn down.
            host.Supervisor.Halt();
            long killedAt = Stopwatch.GetTimestamp();
            Task kill = Task.Run(host.KillAsync);
            // (A stop the supervisor decided just before it died may still be in flight; the
            // robot then stops for it first, and for the missing verdicts once it is too old.)
            // The first stop is what counts for the bound: under load a stop for a stale challenge
            // can come first, and the reason turns to "supervisor unavailable" later.
            Assert.True(await Task.Run(() => loop.RunUntil(() => pipeline.Safety.Stop != StopCategory.None, 5_000)), "the robot never stopped");
            SafetyStatus atStop = pipeline.Safety;
            double wallMs = Stopwatch.GetElapsedTime(killedAt).TotalMilliseconds;
            output.WriteLine($"stop {atStop.Stop} ({atStop.Reason}) {atStop.TicksSinceVerdict} ticks after the last verdict arrived; {wallMs:0.#} ms wall after the kill");
            Assert.Equal(StopCategory.Settle, atStop.Stop);
            long bound = (long)(SafetyGateConstants.DefaultVerdictTimeout.TotalSeconds / hardware.Timestep) + 1;
            Assert.InRange(atStop.TicksSinceVerdict, 0, bound);
            Assert.True(await Task.Run(() => loop.RunUntil(() => pipeline.Safety.Reason == ReasonCode.ReasonSupervisorUnavailable, 5_000)),
                $"the stop never named the missing supervisor (reason {pipeline.Safety.Reason})");
            Assert.Equal(StopCategory.Settle, pipeline.Safety.Stop);

            // 3. Two seconds later it still stands, power on, balancing.
            await Task.Run(() => loop.RunUntil(() => false, 2_000));
            Assert.Equal(StopCategory.Settle, pipeline.Safety.Stop);
            Assert.Equal(StopPhase.Stable, pipeline.Safety.Phase);
            Assert.Equal(LoopFault.None, pipeline.Fault);
            double[] p = new double[3], q = new double[4];
            hardware.GetPelvisPose(p, q);
            output.WriteLine($"2 s after the stop: pelvis height {p[2]:0.000} m, tilt {hardware.PelvisTilt:0.000} rad; stable after {stops.TicksToStable} ticks");
            Assert.True(p[2] > 0.6, $"pelvis height {p[2]} m");
            Assert.True(hardware.PelvisTilt < 0.1, $"pelvis tilt {hardware.PelvisTilt} rad");
            Assert.True(pipeline.WrittenCommands[0].Kp > 0, "a settle keeps power on");

            // 4. A supervisor comes back on the same address: the link reconnects and a fresh permit resumes motion.
            await kill;
            await using SupervisorHost again = await StartSupervisorAsync(port);
            Assert.True(await Task.Run(() => loop.RunUntil(() => pipeline.Safety.MayMove, 20_000)), $"no fresh permit; link error: {link.LastError}");
            Assert.Equal(StopPhase.None, pipeline.Safety.Phase);
            Assert.Equal(LoopFault.None, pipeline.Fault);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>
    /// Ticks the pipeline (and with it the simulation) at most once per millisecond of wall time:
    /// each tick waits for its deadline, and a late tick pushes the next deadline a whole period
    /// past its own start, so ticks never bunch up to catch up.
    /// </summary>
    private sealed class PacedLoop(ControlPipeline pipeline)
    {
        private const long PeriodNs = 1_000_000;
        private readonly PreciseWaiter _waiter = new(TimeSpan.FromMicroseconds(200));
        private long _deadline = PreciseWaiter.NowNs();

        public bool RunUntil(Func<bool> done, int maxTicks)
        {
            for (int i = 0; i < maxTicks; i++)
            {
                long woke = _waiter.WaitUntil(_deadline);
                pipeline.Tick();
                _deadline = Math.Max(_deadline + PeriodNs, woke + PeriodNs);
                if (done())
                {
                    return true;
                }
            }
            return false;
        }
    }
}
