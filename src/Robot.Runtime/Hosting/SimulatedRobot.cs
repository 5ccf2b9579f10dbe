using Robot.Core.Control;
using Robot.Core.Hardware;
using Robot.Runtime.Estimation;
using Robot.Runtime.Loop;
using Robot.Runtime.Safety;
using Robot.Runtime.Telemetry;
using Robot.Sim;

namespace Robot.Runtime.Hosting;

/// <summary>
/// The humanoid in MuJoCo with its control pipeline assembled: SimHardware, the base estimator,
/// a controller, and optional telemetry. What `robot run --sim`, the benchmarks and the
/// scenarios start from. Owns the hardware.
/// </summary>
public sealed class SimulatedRobot : IDisposable
{
    private SimulatedRobot(SimHardware hardware, ControlPipeline pipeline, TelemetryRing? ring)
    {
        Hardware = hardware;
        Pipeline = pipeline;
        Telemetry = ring;
    }

    /// <summary>The simulated hardware (ground truth lives in <see cref="SimHardware.Simulation"/>).</summary>
    public SimHardware Hardware { get; }

    /// <summary>The read → estimate → control → limit → write pipeline.</summary>
    public ControlPipeline Pipeline { get; }

    /// <summary>The telemetry ring, when telemetry was asked for.</summary>
    public TelemetryRing? Telemetry { get; }

    /// <summary>Default pose of every joint, rad (HumanoidModel order).</summary>
    public static double[] StandPose() => [.. HumanoidModel.Joints.Select(j => j.StandPosition)];

    /// <summary>Stance stiffness of every joint, N·m/rad.</summary>
    public static double[] StandKp() => [.. HumanoidModel.Joints.Select(j => j.StandKp)];

    /// <summary>Stance damping of every joint, N·m·s/rad.</summary>
    public static double[] StandKd() => [.. HumanoidModel.Joints.Select(j => j.StandKd)];

    /// <summary>
    /// Joints a stop freezes to a hold: every joint except the two legs the balance controller
    /// uses and the grippers (HumanoidModel order), so the robot keeps balancing and holding what
    /// it holds while arms, torso and head stop.
    /// </summary>
    public static int[] MotionJoints()
    {
        var legs = new Robot.Control.Balance.StandingBalanceOptions();
        return [.. Enumerable.Range(0, HumanoidModel.Joints.Count)
            .Where(j => j < legs.LeftLegFirstJoint || j >= legs.LeftLegFirstJoint + 6)
            .Where(j => j < legs.RightLegFirstJoint || j >= legs.RightLegFirstJoint + 6)
            // A gripper keeps its grip through a stop, as industrial grippers do: frozen at the
            // measured opening its PD squeezes nothing and the held box drops (a stale-verdict
            // stop on the way to the tote lost the box in the supervised demo).
            .Where(j => !HumanoidModel.Joints[j].Name.EndsWith("_gripper", StringComparison.Ordinal))];
    }

    /// <summary>Stop executor options for this robot: defaults, with <see cref="MotionJoints"/> frozen during a stop.</summary>
    public static StopExecutorOptions StopOptions()
    {
        var options = new StopExecutorOptions();
        foreach (int j in MotionJoints())
        {
            options.FrozenJoints.Add(j);
        }
        return options;
    }

    /// <summary>
    /// Builds the robot on a flat floor (or <paramref name="hardware"/> when given), configured,
    /// activated and standing, running <paramref name="controller"/> (a stance hold when null).
    /// <paramref name="wrapper"/>, when given, wraps the hardware for the pipeline (sensor noise).
    /// <paramref name="stops"/>, when given, supervises the loop (safety gate and stop categories).
    /// </summary>
    public static SimulatedRobot Create(IJointController? controller = null, bool telemetry = false, SimHardware? hardware = null, IRobotHardware? wrapper = null, StopExecutor? stops = null)
    {
        hardware ??= SimHardware.FlatGround();
        hardware.Configure();
        hardware.Activate();
        controller ??= new HoldPoseController(StandPose(), StandKp(), StandKd());
        // Leg odometry gets its own kinematic tree: the controller may evaluate another one in the same tick.
        var odometry = new KinematicLegOdometry(ModelKinematics.Build(hardware.Simulation, hardware.Description), "left_foot", "right_foot",
            Robot.Control.Kinematics.LegGeometry.WarehouseHumanoidLeft.AnkleToSole, Robot.Control.Kinematics.LegGeometry.WarehouseHumanoidRight.AnkleToSole);
        var estimatorOptions = new BaseStateEstimatorOptions();
        estimatorOptions.SpeedUncheckedJoints.UnionWith(hardware.Description.Joints.Select(j => j.Name).Where(n => n.EndsWith("_gripper", StringComparison.Ordinal)));
        var estimator = new BaseStateEstimator(hardware.Description, estimatorOptions, odometry);
        TelemetryRing? ring = telemetry ? new TelemetryRing(hardware.Description.JointCount) : null;
        if (ring is not null && controller is IControllerTelemetry signals)
        {
            ring.Signals = signals;
        }
        var pipeline = new ControlPipeline(wrapper ?? hardware, estimator, controller, StandKp(), StandKd(), hardware.Timestep, ring, stops);
        return new SimulatedRobot(hardware, pipeline, ring);
    }

    public void Dispose() => Hardware.Dispose();
}
