using System.Diagnostics;
using Robot.Control.Balance;
using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Sim;

namespace Robot.Runtime.Scenarios;

/// <summary>Outcome of <see cref="StandScenario"/>.</summary>
/// <param name="Seconds">Simulated time stood, s.</param>
/// <param name="Fell">Whether the robot fell.</param>
/// <param name="FellAtSeconds">When it fell, s, or null.</param>
/// <param name="MaxDcmErrorM">Largest distance of the DCM from the soles' middle, m.</param>
/// <param name="MaxComDriftM">Largest horizontal drift of the CoM from where it first stood, m.</param>
/// <param name="MaxTiltRad">Largest pelvis tilt, rad.</param>
/// <param name="Fault">The loop fault latched, if any (<c>None</c> otherwise).</param>
/// <param name="BalanceStatus">The balance controller's status at the end.</param>
/// <param name="WallSeconds">Wall time the run took, s.</param>
/// <param name="RealtimeFactor">Simulated seconds per wall second.</param>
/// <param name="Steps">Recovery steps taken (standing still there should be none).</param>
/// <param name="SquaringSteps">Steps taken to square the stance up (none unless the feet slid).</param>
public sealed record StandResult(double Seconds, bool Fell, double? FellAtSeconds, double MaxDcmErrorM, double MaxComDriftM, double MaxTiltRad,
    string Fault, string BalanceStatus, double WallSeconds, double RealtimeFactor, int Steps, int SquaringSteps);

/// <summary>
/// The balance controller standing on flat ground with sensor noise, in simulated time. Falls
/// count when the pelvis drops below 0.55 m or tilts beyond 25°.
/// </summary>
public static class StandScenario
{
    public static StandResult Run(double seconds, int seed = 1, SensorNoise? noise = null, Action<double>? progress = null, TextWriter? trace = null)
    {
        var hardware = SimHardware.FlatGround();
        CaptureStepController stepping = BalanceFactory.CreateStepping(hardware);
        // The standing law inside reports the CoM and the DCM (the robot stands: no step is expected).
        StandingBalanceController controller = stepping.Standing;
        var noisy = new NoisyHardware(hardware, noise ?? new SensorNoise(), seed);
        using var robot = SimulatedRobot.Create(stepping, hardware: hardware, wrapper: noisy);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        var clock = Stopwatch.StartNew();
        long ticks = (long)Math.Round(seconds / hardware.Timestep);
        double maxDcm = 0, maxDrift = 0, maxTilt = 0;
        double? fellAt = null;
        double x0 = controller.Com.X, y0 = controller.Com.Y;
        bool first = true;
        double[] signals = new double[controller.SignalNames.Count];
        for (long k = 0; k < ticks; k++)
        {
            driver.Run(1);
            if (first)
            {
                (x0, y0) = (controller.Com.X, controller.Com.Y);
                first = false;
            }
            var (dx, dy) = controller.Dcm;
            if (trace is not null && k % 20 == 0)
            {
                controller.WriteSignals(signals);
                trace.WriteLine($"{hardware.Simulation.Time:F3} " + string.Join(' ', signals.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))));
            }
            maxDcm = Math.Max(maxDcm, Math.Sqrt(dx * dx + dy * dy));
            maxDrift = Math.Max(maxDrift, Math.Sqrt((controller.Com.X - x0) * (controller.Com.X - x0) + (controller.Com.Y - y0) * (controller.Com.Y - y0)));
            maxTilt = Math.Max(maxTilt, hardware.PelvisTilt);
            if (PushScenario.HasFallen(hardware))
            {
                fellAt = hardware.Simulation.Time;
                break;
            }
            if (robot.Pipeline.Fault != LoopFault.None)
            {
                break;
            }
            if (progress is not null && k % 10_000 == 0)
            {
                progress(hardware.Simulation.Time);
            }
        }
        double wall = clock.Elapsed.TotalSeconds;
        double simulated = hardware.Simulation.Time;
        return new StandResult(simulated, fellAt is not null, fellAt, maxDcm, maxDrift, maxTilt, robot.Pipeline.Fault.ToString(), stepping.Status.ToString(),
            wall, simulated / Math.Max(wall, 1e-9), stepping.StepsTaken, stepping.SquaringSteps);
    }
}
