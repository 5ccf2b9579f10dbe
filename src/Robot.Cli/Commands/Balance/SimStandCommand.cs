using System.CommandLine;
using Robot.Runtime.Hosting;
using Robot.Runtime.Scenarios;

namespace Robot.Cli.Commands.Balance;

/// <summary><c>robot sim stand</c>: the balance controller standing with sensor noise.</summary>
[CliVerb(Parent = "sim")]
public static class SimStandCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "Simulated seconds to stand.", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of the sensor noise.", DefaultValueFactory = _ => 1 };
        var quiet = new Option<bool>("--no-noise") { Description = "Perfect sensors (default: realistic encoder, IMU and force noise)." };
        var trace = new Option<bool>("--trace") { Description = "Print the controller's signals every 20 ms on stderr." };
        var json = CommonOptions.Json();
        var command = new Command("stand", "Stand with the LIPM/DCM balance controller and sensor noise; reports whether the robot fell and the largest DCM error.")
        {
            seconds, seed, quiet, trace, json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            double s = parseResult.GetValue(seconds);
            if (!(s > 0) || s > 86_400)
            {
                output.Error.WriteLine($"robot sim stand: --seconds {s} must be in (0, 86400]");
                return 2;
            }
            StandResult r = StandScenario.Run(s, parseResult.GetValue(seed), parseResult.GetValue(quiet) ? SensorNoiseProfiles.None : null, progress: t => output.Progress($"  t = {t:F0} s"), trace: parseResult.GetValue(trace) ? output.Error : null);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(r);
            }
            else
            {
                output.Out.WriteLine(r.Fell
                    ? $"FELL at t = {r.FellAtSeconds:F2} s"
                    : $"stood {r.Seconds:F1} s without falling ({r.RealtimeFactor:F1}× real time)");
                output.Out.WriteLine($"largest DCM error {r.MaxDcmErrorM * 1000:F1} mm, CoM drift {r.MaxComDriftM * 1000:F1} mm, tilt {r.MaxTiltRad:F3} rad, fault {r.Fault}, balance {r.BalanceStatus}, steps {r.Steps}, squaring steps {r.SquaringSteps}");
            }
            return r.Fell || r.Fault != "None" ? 1 : 0;
        });
        return command;
    }
}
