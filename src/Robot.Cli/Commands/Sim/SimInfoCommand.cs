using System.CommandLine;
using Robot.Core.Description;
using Robot.Sim;
using Robot.Sim.MuJoCo;

namespace Robot.Cli.Commands.Sim;

/// <summary><c>robot sim info [--json]</c>: facts about the humanoid model as MuJoCo compiled it.</summary>
[CliVerb(Parent = "sim")]
public static class SimInfoCommand
{
    public sealed record JointInfo(int Index, string Name, double MinPosition, double MaxPosition, double MaxVelocity, double MaxTorque, double StandPosition);

    public sealed record SensorInfo(string Name, int Dimension);

    public sealed record SimInfo(string Model, string MuJoCoVersion, int Nq, int Nv, int DegreesOfFreedom, int ActuatedJoints,
        double TotalMassKg, double ComHeightM, double PelvisHeightM, double TimestepS, IReadOnlyList<JointInfo> Joints, IReadOnlyList<SensorInfo> Sensors);

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("info", "Show the humanoid model: DoF, actuated joints with limits, mass, CoM height in the default stance, sensors.") { json };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            SimInfo info;
            try
            {
                info = Collect();
            }
            catch (Exception e) when (e is MuJoCoException or InvalidRobotDescriptionException)
            {
                output.Error.WriteLine($"robot sim info: {e.Message}");
                return 1;
            }
            if (parseResult.GetValue(json))
            {
                output.WriteJson(info);
                return 0;
            }
            var o = output.Out;
            o.WriteLine($"model {info.Model} (MuJoCo {info.MuJoCoVersion}, timestep {info.TimestepS * 1000:F1} ms)");
            o.WriteLine($"degrees of freedom: {info.DegreesOfFreedom} (6 floating base + {info.DegreesOfFreedom - 6} joints; {info.ActuatedJoints} actuated)");
            o.WriteLine($"total mass: {info.TotalMassKg:F2} kg; CoM height in the default stance: {info.ComHeightM:F3} m (pelvis {info.PelvisHeightM:F3} m)");
            var table = new TextTable("#", "joint", "min rad", "max rad", "vel rad/s", "torque N·m", "stance");
            foreach (JointInfo j in info.Joints)
            {
                table.AddRow(j.Index.ToString(), j.Name, j.MinPosition.ToString("F3"), j.MaxPosition.ToString("F3"), j.MaxVelocity.ToString("F1"), j.MaxTorque.ToString("F0"), j.StandPosition.ToString("F2"));
            }
            table.WriteTo(o);
            o.WriteLine("sensors: " + string.Join(", ", info.Sensors.Select(s => $"{s.Name} ({s.Dimension})")));
            o.WriteLine("(grippers are slide joints: positions in m, limits in m/s and N)");
            return 0;
        });
        return command;
    }

    /// <summary>Loads the robot on a flat floor in its default stance and gathers the facts.</summary>
    public static SimInfo Collect()
    {
        using var hardware = SimHardware.FlatGround();
        hardware.Configure();
        MjSimulation sim = hardware.Simulation;
        Span<double> com = stackalloc double[3];
        Span<double> pelvis = stackalloc double[3];
        Span<double> quat = stackalloc double[4];
        hardware.GetCenterOfMass(com);
        hardware.GetPelvisPose(pelvis, quat);
        RobotDescription d = hardware.Description;
        var joints = d.Joints.Select((j, i) => new JointInfo(i, j.Name, j.MinPosition, j.MaxPosition, j.MaxVelocity, j.MaxTorque, HumanoidModel.Joints[i].StandPosition)).ToList();
        var sensors = Enumerable.Range(0, sim.SensorCount).Select(s => new SensorInfo(sim.Name(MjObject.Sensor, s), sim.SensorDim[s])).ToList();
        return new SimInfo(HumanoidModel.RobotName, MuJoCoLibrary.Format(MuJoCoLibrary.EnsureLoaded()), sim.Nq, sim.Nv, sim.Nv, d.JointCount,
            hardware.RobotMass, com[2], pelvis[2], sim.Timestep, joints, sensors);
    }
}
