using System.CommandLine;
using System.Diagnostics;
using Robot.Cli.Doctor;
using Robot.Sim;
using Robot.Sim.MuJoCo;

namespace Robot.Cli.Commands;

/// <summary>
/// <c>robot demo</c>: the most complete end-to-end scenario that exists. Today that is the
/// machine check plus a MuJoCo scene stepped through our binding; the warehouse pick-task demo
/// replaces it when the simulation, locomotion, policy and safety issues land. It says so.
/// </summary>
[CliVerb]
public static class DemoCommand
{
    public sealed record DemoResult(
        string Scenario, bool DoctorOk, bool SimulationOk, double SimulatedSeconds, double BoxRestHeightM,
        double WallSeconds, string Note);

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("demo", "Run the most complete end-to-end scenario available (today: machine check and a MuJoCo drop test).")
        {
            json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            const string note = "The warehouse pick-task demo is not built yet (issues 3-12); this demo checks the machine and steps a MuJoCo scene through the product's binding.";
            output.Progress($"robot demo: {note}");
            output.Progress("step 1/2: checking the machine (robot doctor)");
            DoctorReport doctor = MachineChecks.RunAll();
            if (!parseResult.GetValue(json))
            {
                DoctorCommand.Print(doctor, output.Out);
            }
            output.Progress("step 2/2: dropping a 1 kg box from 0.5 m in MuJoCo for 2 s of simulated time");
            var clock = Stopwatch.StartNew();
            bool simOk = false;
            double restHeight = double.NaN;
            double simulated = 0;
            try
            {
                using var sim = MjSimulation.LoadXml(SimModels.DropTest);
                while (sim.Time < 2.0)
                {
                    sim.Step();
                }
                simulated = sim.Time;
                restHeight = sim.Qpos(2);
                // The box's half-height is 0.1 m: at rest its centre sits within a few mm of that.
                simOk = Math.Abs(restHeight - 0.1) < 0.01;
            }
            catch (MuJoCoException e)
            {
                output.Error.WriteLine($"robot demo: simulation failed: {e.Message}");
            }
            var result = new DemoResult("machine-check+drop-test", doctor.Ok, simOk, simulated, restHeight, clock.Elapsed.TotalSeconds, note);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                output.Out.WriteLine(simOk
                    ? $"MuJoCo: the box came to rest at z = {restHeight:F4} m after {simulated:F3} s simulated ({result.WallSeconds:F2} s wall)."
                    : $"MuJoCo: the drop test failed (rest height {restHeight:F4} m, expected 0.100 ± 0.010 m).");
                output.Out.WriteLine(doctor.Ok && simOk ? "demo: OK" : "demo: FAILED");
            }
            return doctor.Ok && simOk ? 0 : 1;
        });
        return command;
    }
}
