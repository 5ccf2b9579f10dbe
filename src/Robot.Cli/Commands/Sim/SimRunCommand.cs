using System.CommandLine;
using Robot.Core.Description;
using Robot.Sim;
using Robot.Sim.MuJoCo;
using Robot.Sim.Scenarios;

namespace Robot.Cli.Commands.Sim;

/// <summary><c>robot sim run --scenario idle --seconds N [--scene warehouse|flat] [--seed S] [--json]</c>.</summary>
[CliVerb(Parent = "sim")]
public static class SimRunCommand
{
    /// <summary>Scenarios this verb knows (others arrive with the balance and walking issues).</summary>
    public static readonly IReadOnlyList<string> Scenarios = ["idle"];

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var scenario = new Option<string>("--scenario") { Description = "Scenario to run: idle (PD holds the default stance, pelvis free).", DefaultValueFactory = _ => "idle" };
        scenario.AcceptOnlyFromAmong([.. Scenarios]);
        var seconds = new Option<double>("--seconds") { Description = "Simulated seconds to run.", DefaultValueFactory = _ => 10.0 };
        var scene = new Option<string>("--scene") { Description = "warehouse (default) or flat.", DefaultValueFactory = _ => "warehouse" };
        scene.AcceptOnlyFromAmong("warehouse", "flat");
        var seed = new Option<int>("--seed") { Description = "Warehouse scene seed (box sizes, masses, poses).", DefaultValueFactory = _ => 0 };
        var command = new Command("run", "Run a simulation scenario and report its outcome.") { scenario, seconds, scene, seed, json };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            double s = parseResult.GetValue(seconds);
            if (!(s > 0) || !double.IsFinite(s) || s > 3600)
            {
                output.Error.WriteLine($"robot sim run: --seconds must be in (0, 3600], got {s}");
                return 2;
            }
            string sceneName = parseResult.GetValue(scene)!;
            IdleResult result;
            try
            {
                output.Progress($"sim run: idle, {s:F1} s simulated in the {sceneName} scene (seed {parseResult.GetValue(seed)}), PD holding the default stance at 1 kHz");
                using SimHardware hardware = sceneName == "flat"
                    ? SimHardware.FlatGround()
                    : SimHardware.Warehouse(new WarehouseSceneOptions { Seed = parseResult.GetValue(seed) });
                result = IdleScenario.Run(hardware, s, sceneName);
            }
            catch (Exception e) when (e is MuJoCoException or InvalidRobotDescriptionException or InvalidOperationException)
            {
                output.Error.WriteLine($"robot sim run: {e.Message}");
                return 1;
            }
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                var o = output.Out;
                o.WriteLine(result.Upright
                    ? $"upright for {result.Seconds:F2} s: pelvis stayed above {result.MinPelvisHeightM:F3} m, tilt at most {result.MaxTiltRad * 180 / Math.PI:F2}°"
                    : $"FELL at t = {result.FellAtSeconds:F3} s (min pelvis height {result.MinPelvisHeightM:F3} m, max tilt {result.MaxTiltRad * 180 / Math.PI:F1}°)");
                o.WriteLine($"CoM height {result.ComHeightStartM:F3} → {result.ComHeightEndM:F3} m, horizontal drift {result.ComHorizontalDriftM * 1000:F1} mm");
                o.WriteLine($"{result.Seconds:F2} s simulated in {result.WallSeconds:F2} s wall ({result.RealtimeFactor:F1}× real time)");
            }
            return result.Upright ? 0 : 1;
        });
        return command;
    }
}
