using System.CommandLine;
using System.Globalization;
using Robot.Runtime.Benchmarks;

namespace Robot.Cli.Commands.Safety;

/// <summary>
/// <c>robot bench stops</c>: each stop category executed by the control loop on the simulated
/// humanoid (balance controller, MuJoCo, simulated-time lockstep): ticks from the trigger to a
/// stable stance and to torque off, against each category's bound, whether it still stands 2 s
/// later, and whether a fresh permit resumes it.
/// </summary>
[CliVerb(Parent = "bench")]
public static class BenchStopsCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("stops", "Stop categories on the simulated humanoid: ticks (1 ms) from trigger to stable stance and to torque off against their bounds (SETTLE 1 s to stance, SETTLE_THEN_CUT 2.5 s to torque off, CUT 1 tick), and the verdict timeout (100 ms + 1 tick). Exit 1 when a bound is missed.")
        {
            json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            output.Progress("bench stops: four stops on the simulated humanoid …");
            IReadOnlyList<StopMeasurement> stops = StopBenchmark.Run();
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new
                {
                    tickSeconds = 0.001,
                    stops = stops.Select(s => new
                    {
                        s.Trigger, category = s.Category.ToString(), s.TicksLastVerdictToStop, s.TicksToStable, s.TicksToTorqueOff,
                        s.BoundTicks, s.BoundMet, s.PelvisHeight, s.Tilt, s.ResumedOnPermit,
                    }),
                });
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                var table = new TextTable("trigger", "category", "verdict→stop", "→stable", "→torque off", "bound", "met", "pelvis z 2 s", "tilt 2 s", "resumes");
                foreach (StopMeasurement s in stops)
                {
                    table.AddRow(s.Trigger, s.Category.ToString(), Ticks(s.TicksLastVerdictToStop), Ticks(s.TicksToStable), Ticks(s.TicksToTorqueOff),
                        Ticks(s.BoundTicks), s.BoundMet ? "yes" : "NO", s.PelvisHeight.ToString("0.000", c), s.Tilt.ToString("0.000", c), s.ResumedOnPermit ? "yes" : "no");
                }
                table.WriteTo(output.Out);
                output.Out.WriteLine("ticks of 1 ms in simulated-time lockstep; '-' when it did not happen");
            }
            return stops.All(s => s.BoundMet) ? 0 : 1;
        });
        return command;
    }

    private static string Ticks(long ticks) => ticks < 0 ? "-" : ticks.ToString(CultureInfo.InvariantCulture);
}
