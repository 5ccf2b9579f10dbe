using System.CommandLine;
using System.Globalization;
using Robot.Control.Locomotion;
using Robot.Runtime.Scenarios;

namespace Robot.Cli.Commands.Locomotion;

/// <summary><c>robot sim walk --to X,Y,YAWDEG [--json]</c>: walk to a goal pose in MuJoCo with ZMP preview control.</summary>
[CliVerb(Parent = "sim")]
public static class SimWalkCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var to = new Option<string>("--to") { Description = "Goal pose X,Y,YAWDEG in the start's frame (m, m, degrees), e.g. 5,0,0." };
        var trace = new Option<FileInfo?>("--trace") { Description = "Write CoM, DCM and ZMP samples every 10 ms as CSV (ground frame of the start)." };
        var command = new Command("walk", "Walk to a goal pose in simulation (footstep plan, ZMP preview control, DCM feedback) and report how close it got.") { to, trace, json };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            string? text = parseResult.GetValue(to);
            if (text is null || !TryParsePose(text, out Pose2 goal))
            {
                output.Error.WriteLine($"robot sim walk: --to must be X,Y,YAWDEG with finite numbers (m, m, degrees), got '{text}'");
                return 2;
            }
            output.Progress($"sim walk: to ({goal.X:F2}, {goal.Y:F2}, {goal.Yaw * 180 / Math.PI:F0}°)");
            var samples = new List<WalkSample>();
            WalkResult result = WalkScenario.Run(goal, samples: samples);
            if (parseResult.GetValue(trace) is { } file)
            {
                using var writer = new StreamWriter(file.FullName);
                writer.WriteLine("t,com_x,com_y,dcm_x,dcm_y,zmp_ref_x,zmp_ref_y,com_ref_x,com_ref_y,true_com_x,true_com_y,true_yaw");
                foreach (WalkSample w in samples)
                {
                    writer.WriteLine(string.Join(',', new[] { w.Time, w.ComX, w.ComY, w.DcmX, w.DcmY, w.ZmpRefX, w.ZmpRefY, w.ComRefX, w.ComRefY, w.TrueComX, w.TrueComY, w.TrueYaw }
                        .Select(v => v.ToString("F4", CultureInfo.InvariantCulture))));
                }
            }
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                var o = output.Out;
                if (!result.Planned)
                {
                    o.WriteLine($"no path: {result.NoPathReason}");
                    return 1;
                }
                o.WriteLine(result.Reached ? "reached" : result.Fell ? $"FELL at {result.FellAtSeconds:F2} s" : "NOT reached");
                o.WriteLine($"final ({result.FinalX:F3}, {result.FinalY:F3}, {result.FinalYawDeg:F1}°): error {result.FinalErrorM * 1000:F0} mm, {result.FinalErrorDeg:F1}°");
                o.WriteLine($"{result.Steps} steps in {result.WalkSeconds:F1} s, mean speed {result.MeanSpeedMps:F2} m/s; status {result.Status}, fault {result.Fault}");
            }
            return result.Reached ? 0 : 1;
        });
        return command;
    }

    /// <summary>Parses "X,Y,YAWDEG" (invariant culture) into a pose with the heading in radians.</summary>
    public static bool TryParsePose(string text, out Pose2 pose)
    {
        pose = default;
        string[] parts = text.Split(',');
        if (parts.Length != 3)
        {
            return false;
        }
        var values = new double[3];
        for (int i = 0; i < 3; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                return false;
            }
        }
        pose = new Pose2(values[0], values[1], Pose2.WrapAngle(values[2] * Math.PI / 180));
        return true;
    }
}
