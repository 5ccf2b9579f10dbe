using Robot.Core.Description;
using Robot.Sim.MuJoCo;

namespace Robot.Sim;

/// <summary>One actuated joint of the humanoid as the product expects it.</summary>
/// <param name="Name">Joint name in the MJCF (its motor has the same name).</param>
/// <param name="MaxVelocity">Velocity limit, rad/s (m/s for the gripper slides); MJCF has no motor speed limit.</param>
/// <param name="StandPosition">Default standing pose, rad (m for the grippers: 0 = open).</param>
/// <param name="StandKp">PD stiffness that holds the stance in <c>sim run --scenario idle</c>, N·m/rad (N/m).</param>
/// <param name="StandKd">PD damping for the same, N·m·s/rad (N·s/m).</param>
public sealed record HumanoidJoint(string Name, double MaxVelocity, double StandPosition, double StandKp, double StandKd);

/// <summary>
/// The product's contract with the humanoid MJCF (Models/humanoid.xml).
/// <para>Joint (command) order, fixed — every joint-indexed array uses it:</para>
/// <list type="number">
/// <item>0–5 left leg: hip yaw, hip roll, hip pitch, knee, ankle pitch, ankle roll;</item>
/// <item>6–11 right leg: same order;</item>
/// <item>12–14 waist: yaw, roll, pitch;</item>
/// <item>15–21 left arm: shoulder pitch, roll, yaw, elbow, wrist roll, pitch, yaw;</item>
/// <item>22–28 right arm: same order;</item>
/// <item>29–30 grippers: left, right (slide, m, 0 = open; force in N; the second finger mirrors the first).</item>
/// </list>
/// Position limits come from the MJCF joint ranges, torque limits from the motors' ctrlrange;
/// velocity limits (G1-class motors) live here.
/// </summary>
public static class HumanoidModel
{
    /// <summary>Robot name used in the description.</summary>
    public const string RobotName = "warehouse_humanoid";

    /// <summary>Root body (floating base) and its IMU site.</summary>
    public const string PelvisBody = "pelvis", ImuSite = "imu";

    /// <summary>Sole sites: centre of each foot's bottom face, z up.</summary>
    public const string LeftSoleSite = "left_sole", RightSoleSite = "right_sole";

    /// <summary>Sensor names of the MJCF.</summary>
    public const string ImuOrientationSensor = "imu_orientation", ImuGyroSensor = "imu_gyro", ImuAccelerometerSensor = "imu_accelerometer",
        LeftAnkleForceSensor = "left_ankle_force", LeftAnkleTorqueSensor = "left_ankle_torque",
        RightAnkleForceSensor = "right_ankle_force", RightAnkleTorqueSensor = "right_ankle_torque";

    /// <summary>Gripper finger touch sensors (N), left a/b then right a/b.</summary>
    public static readonly IReadOnlyList<string> TouchSensors = ["left_finger_a_touch", "left_finger_b_touch", "right_finger_a_touch", "right_finger_b_touch"];

    private const double Hip = 32, Knee = 20, Ankle = 37, Waist = 32, Arm = 37, Wrist = 22, Gripper = 0.2;

    /// <summary>Default stance: knees slightly bent (hip −0.25, knee 0.5, ankle −0.25 keeps the torso upright and the feet flat).</summary>
    public static readonly IReadOnlyList<HumanoidJoint> Joints =
    [
        new("left_hip_yaw", Hip, 0, 200, 5),
        new("left_hip_roll", Hip, 0, 400, 10),
        new("left_hip_pitch", Hip, -0.25, 400, 10),
        new("left_knee", Knee, 0.5, 500, 12),
        new("left_ankle_pitch", Ankle, -0.25, 400, 8),
        new("left_ankle_roll", Ankle, 0, 300, 6),
        new("right_hip_yaw", Hip, 0, 200, 5),
        new("right_hip_roll", Hip, 0, 400, 10),
        new("right_hip_pitch", Hip, -0.25, 400, 10),
        new("right_knee", Knee, 0.5, 500, 12),
        new("right_ankle_pitch", Ankle, -0.25, 400, 8),
        new("right_ankle_roll", Ankle, 0, 300, 6),
        new("waist_yaw", Waist, 0, 300, 8),
        new("waist_roll", Waist, 0, 300, 8),
        new("waist_pitch", Waist, 0, 300, 8),
        new("left_shoulder_pitch", Arm, 0, 60, 1.5),
        new("left_shoulder_roll", Arm, 0.15, 60, 1.5),
        new("left_shoulder_yaw", Arm, 0, 40, 1),
        new("left_elbow", Arm, 0.3, 40, 1),
        new("left_wrist_roll", Arm, 0, 10, 0.3),
        new("left_wrist_pitch", Wrist, 0, 10, 0.3),
        new("left_wrist_yaw", Wrist, 0, 10, 0.3),
        new("right_shoulder_pitch", Arm, 0, 60, 1.5),
        new("right_shoulder_roll", Arm, -0.15, 60, 1.5),
        new("right_shoulder_yaw", Arm, 0, 40, 1),
        new("right_elbow", Arm, 0.3, 40, 1),
        new("right_wrist_roll", Arm, 0, 10, 0.3),
        new("right_wrist_pitch", Wrist, 0, 10, 0.3),
        new("right_wrist_yaw", Wrist, 0, 10, 0.3),
        new("left_gripper", Gripper, 0, 300, 5),
        new("right_gripper", Gripper, 0, 300, 5),
    ];

    /// <summary>Number of actuated joints (31).</summary>
    public static int JointCount => Joints.Count;

    /// <summary>
    /// Joints with a power-off holding brake: the twelve leg joints and the waist (0–14). A
    /// balancing robot whose power is cut collapses unless its legs and torso hold (with the legs
    /// alone braked the limp waist folds the torso forward and the robot topples as a statue);
    /// spring-applied brakes, released while the drive is powered and engaged when it is not,
    /// rated here at the motor's peak torque, let an emergency stop settle the robot into a still
    /// stance and then cut power with it still standing (SETTLE_THEN_CUT). Arms and grippers have
    /// none: they go limp.
    /// </summary>
    public static bool HasBrake(int joint) => joint is >= 0 and < 15;

    /// <summary>Loads the shipped robot on a flat floor.</summary>
    public static MjSimulation LoadFlatGround() =>
        MjSimulation.LoadXmlString(SceneComposer.FlatGround(File.ReadAllText(SimModels.Humanoid)), "humanoid-flat-ground.xml");

    /// <summary>
    /// Checks that <paramref name="sim"/> holds exactly the joints this product expects (each a
    /// limited hinge or slide driven by one joint motor with gear 1 and a symmetric ctrlrange) and
    /// returns the description and the index maps.
    /// </summary>
    /// <exception cref="InvalidRobotDescriptionException">Every mismatch, listed together.</exception>
    public static HumanoidBinding Bind(MjSimulation sim)
    {
        var errors = new List<string>();
        var joints = new List<JointDescription>();
        int n = Joints.Count;
        var qposAdr = new int[n];
        var dofAdr = new int[n];
        var actuator = new int[n];
        var torque = new double[n];
        var expected = new HashSet<string>(Joints.Select(j => j.Name), StringComparer.Ordinal);
        ReadOnlySpan<int> trnId = sim.ActuatorTrnId;
        // Unexpected actuated joints first: a model with extra motors would receive no commands.
        for (int a = 0; a < sim.Nu; a++)
        {
            int jointId = trnId[2 * a];
            string jointName = sim.ActuatorTrnType[a] == MjConstants.TrnJoint && jointId >= 0 ? sim.Name(MjObject.Joint, jointId) : $"(actuator {sim.Name(MjObject.Actuator, a)})";
            if (!expected.Contains(jointName))
            {
                errors.Add($"model {sim.Source} actuates joint '{jointName}', which the robot description does not expect");
            }
        }
        for (int i = 0; i < n; i++)
        {
            HumanoidJoint spec = Joints[i];
            int id = sim.IdOf(MjObject.Joint, spec.Name);
            if (id < 0)
            {
                errors.Add($"model {sim.Source} has no joint '{spec.Name}' (expected at index {i})");
                continue;
            }
            var type = (MjJointType)sim.JntType[id];
            if (type is not (MjJointType.Hinge or MjJointType.Slide))
            {
                errors.Add($"joint '{spec.Name}' is a {type} joint; expected a hinge or slide");
                continue;
            }
            if (sim.JntLimited[id] == 0)
            {
                errors.Add($"joint '{spec.Name}' has no range (limited=\"false\")");
                continue;
            }
            int motor = -1;
            for (int a = 0; a < sim.Nu; a++)
            {
                if (sim.ActuatorTrnType[a] == MjConstants.TrnJoint && trnId[2 * a] == id)
                {
                    if (motor >= 0)
                    {
                        errors.Add($"joint '{spec.Name}' is driven by two actuators ('{sim.Name(MjObject.Actuator, motor)}' and '{sim.Name(MjObject.Actuator, a)}')");
                    }
                    motor = a;
                }
            }
            if (motor < 0)
            {
                errors.Add($"joint '{spec.Name}' has no actuator");
                continue;
            }
            double lo = sim.ActuatorCtrlRange[2 * motor], hi = sim.ActuatorCtrlRange[2 * motor + 1];
            if (sim.ActuatorCtrlLimited[motor] == 0 || !(hi > 0) || lo != -hi || sim.ActuatorGear[6 * motor] != 1)
            {
                errors.Add($"actuator '{sim.Name(MjObject.Actuator, motor)}' must be a torque motor with gear 1 and a symmetric ctrlrange (found ctrlrange [{lo}, {hi}], gear {sim.ActuatorGear[6 * motor]})");
                continue;
            }
            qposAdr[i] = sim.JntQposAdr[id];
            dofAdr[i] = sim.JntDofAdr[id];
            actuator[i] = motor;
            torque[i] = hi;
            joints.Add(new JointDescription(spec.Name, sim.JntRange[2 * id], sim.JntRange[2 * id + 1], spec.MaxVelocity, hi));
            if (spec.StandPosition < sim.JntRange[2 * id] || spec.StandPosition > sim.JntRange[2 * id + 1])
            {
                errors.Add($"joint '{spec.Name}': standing position {spec.StandPosition} is outside its range [{sim.JntRange[2 * id]}, {sim.JntRange[2 * id + 1]}]");
            }
        }
        int pelvis = RequireOrReport(sim, MjObject.Body, PelvisBody, errors);
        int freeJoint = -1;
        if (pelvis >= 0)
        {
            for (int j = 0; j < sim.JointCount; j++)
            {
                if (sim.JntBodyId[j] == pelvis && sim.JntType[j] == (int)MjJointType.Free)
                {
                    freeJoint = j;
                }
            }
            if (freeJoint < 0)
            {
                errors.Add($"body '{PelvisBody}' has no free joint (the pelvis must float)");
            }
        }
        int Sensor(string name, int dim)
        {
            int s = RequireOrReport(sim, MjObject.Sensor, name, errors);
            if (s >= 0 && sim.SensorDim[s] != dim)
            {
                errors.Add($"sensor '{name}' has dimension {sim.SensorDim[s]}, expected {dim}");
            }
            return s >= 0 ? sim.SensorAdr[s] : -1;
        }
        int quat = Sensor(ImuOrientationSensor, 4), gyro = Sensor(ImuGyroSensor, 3), accel = Sensor(ImuAccelerometerSensor, 3);
        int lf = Sensor(LeftAnkleForceSensor, 3), lt = Sensor(LeftAnkleTorqueSensor, 3), rf = Sensor(RightAnkleForceSensor, 3), rt = Sensor(RightAnkleTorqueSensor, 3);
        int[] touch = TouchSensors.Select(t => Sensor(t, 1)).ToArray();
        int leftSole = RequireOrReport(sim, MjObject.Site, LeftSoleSite, errors);
        int rightSole = RequireOrReport(sim, MjObject.Site, RightSoleSite, errors);
        if (errors.Count > 0)
        {
            throw new InvalidRobotDescriptionException(errors);
        }
        return new HumanoidBinding(new RobotDescription(RobotName, joints), qposAdr, dofAdr, actuator, torque,
            pelvis, sim.JntQposAdr[freeJoint], sim.JntDofAdr[freeJoint], quat, gyro, accel, lf, lt, rf, rt, touch, leftSole, rightSole);
    }

    private static int RequireOrReport(MjSimulation sim, MjObject type, string name, List<string> errors)
    {
        int id = sim.IdOf(type, name);
        if (id < 0)
        {
            errors.Add($"model {sim.Source} has no {type.ToString().ToLowerInvariant()} '{name}'");
        }
        return id;
    }
}

/// <summary>
/// Where each of the robot's quantities lives in one compiled model: the description plus
/// index maps resolved once at load (the per-tick code works on these integers only).
/// </summary>
public sealed class HumanoidBinding
{
    internal HumanoidBinding(RobotDescription description, int[] qposAdr, int[] dofAdr, int[] actuator, double[] torqueLimit,
        int pelvisBody, int baseQposAdr, int baseDofAdr, int imuQuatAdr, int gyroAdr, int accelAdr,
        int leftForceAdr, int leftTorqueAdr, int rightForceAdr, int rightTorqueAdr, int[] touchAdr, int leftSoleSite, int rightSoleSite)
    {
        Description = description;
        QposAdr = qposAdr;
        DofAdr = dofAdr;
        Actuator = actuator;
        TorqueLimit = torqueLimit;
        PelvisBody = pelvisBody;
        BaseQposAdr = baseQposAdr;
        BaseDofAdr = baseDofAdr;
        ImuQuatAdr = imuQuatAdr;
        GyroAdr = gyroAdr;
        AccelAdr = accelAdr;
        LeftForceAdr = leftForceAdr;
        LeftTorqueAdr = leftTorqueAdr;
        RightForceAdr = rightForceAdr;
        RightTorqueAdr = rightTorqueAdr;
        TouchAdr = touchAdr;
        LeftSoleSite = leftSoleSite;
        RightSoleSite = rightSoleSite;
    }

    /// <summary>The actuated joints, in command order, with limits from the model.</summary>
    public RobotDescription Description { get; }
    /// <summary>Per joint: index into qpos.</summary>
    public IReadOnlyList<int> QposAdr { get; }
    /// <summary>Per joint: index into qvel.</summary>
    public IReadOnlyList<int> DofAdr { get; }
    /// <summary>Per joint: actuator (ctrl) index.</summary>
    public IReadOnlyList<int> Actuator { get; }
    /// <summary>Per joint: torque (force) limit, N·m (N).</summary>
    public IReadOnlyList<double> TorqueLimit { get; }
    public int PelvisBody { get; }
    /// <summary>qpos index of the floating base (x, y, z, qw, qx, qy, qz).</summary>
    public int BaseQposAdr { get; }
    /// <summary>qvel index of the floating base (vx, vy, vz, wx, wy, wz).</summary>
    public int BaseDofAdr { get; }
    public int ImuQuatAdr { get; }
    public int GyroAdr { get; }
    public int AccelAdr { get; }
    public int LeftForceAdr { get; }
    public int LeftTorqueAdr { get; }
    public int RightForceAdr { get; }
    public int RightTorqueAdr { get; }
    /// <summary>sensordata index of each finger touch sensor (left a/b, right a/b).</summary>
    public IReadOnlyList<int> TouchAdr { get; }
    public int LeftSoleSite { get; }
    public int RightSoleSite { get; }
}
