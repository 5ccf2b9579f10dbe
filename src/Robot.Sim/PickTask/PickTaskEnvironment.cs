using Robot.Core.Geometry;
using Robot.Core.Hardware;
using Robot.Sim.MuJoCo;

namespace Robot.Sim.PickTask;

/// <summary>
/// The pick task in simulation: the humanoid at the pick station (<see cref="PickStationScene"/>) picks a
/// box off a shelf board with its right arm and places it in a tote. Used to record demonstrations and to
/// evaluate policies; deterministic for a seed (same seed and actions, same observations, bit for bit).
/// <para>Use: <see cref="Reset"/>(seed) draws the box (size, mass, pose) and the tote pose and compiles the
/// scene; then <see cref="Observe"/> and <see cref="Step"/> alternate at 50 Hz until <see cref="Done"/>.</para>
/// <para>Vectors (all double; a dataset stores them as float32):</para>
/// <list type="bullet">
/// <item>observation.state, length 8 (<see cref="StateNames"/>): the 7 right-arm joint positions (rad,
/// <see cref="ArmKinematics.JointNames"/> order) then the right gripper opening (m per finger, 0 = open, 0.055 = shut);</item>
/// <item>observation.environment_state, length 14 (<see cref="EnvironmentStateNames"/>): box position (m) and
/// orientation (quaternion w, x, y, z), then the tote's, world frame;</item>
/// <item>action, length 8 (<see cref="ActionNames"/>): position targets for the 7 arm joints (rad, clamped to
/// their limits) then the gripper target (m, clamped to 0–0.055; a target past the box squeezes it).</item>
/// </list>
/// <para>Each <see cref="Step"/> holds the action for 20 physics ticks of <see cref="SimHardware"/> (1 kHz
/// driver PD): the arm at <see cref="ArmKp"/>/<see cref="ArmKd"/> plus gravity compensation (MuJoCo's bias
/// forces at the step's start, as a driver's feed-forward torque), the gripper at 1500 N/m, every other
/// joint at its stance gains. The pelvis is welded at standing height (see <see cref="PickStationScene"/>).</para>
/// Not thread-safe. <see cref="Step"/> and <see cref="Observe"/> allocate nothing; <see cref="Reset"/> compiles a model.
/// </summary>
public sealed class PickTaskEnvironment : IDisposable
{
    /// <summary>Control rate, Hz.</summary>
    public const int ControlHz = 50;

    /// <summary>One control step, s.</summary>
    public const double StepPeriod = 1.0 / ControlHz;

    /// <summary>observation.state and action width (7 arm joints + gripper).</summary>
    public const int StateWidth = ArmKinematics.JointCount + 1;

    /// <summary>observation.environment_state width (box and tote poses).</summary>
    public const int EnvironmentWidth = 14;

    /// <summary>Gripper target that shuts the jaw, m (per finger); 0 opens it.</summary>
    public const double GripperClosed = 0.055;

    /// <summary>Arm PD stiffness per joint, N·m/rad (ArmKinematics order).</summary>
    public static readonly IReadOnlyList<double> ArmKp = [300, 300, 200, 200, 40, 40, 40];

    /// <summary>Arm PD damping per joint, N·m·s/rad.</summary>
    public static readonly IReadOnlyList<double> ArmKd = [6, 6, 4, 4, 1, 1, 1];

    /// <summary>Gripper PD: stiff enough to hold a box by friction, N/m and N·s/m.</summary>
    public const double GripperKp = 1500, GripperKd = 20;

    /// <summary>Where the grasp site starts every episode (m, world; hand pointing down, yaw 0, within 5 mm and 0.05 rad): in front of the chest, short of the board.</summary>
    public static readonly Vec3 HomeGraspPosition = new(0.15, -0.12, 0.85);

    /// <summary>observation.state names.</summary>
    public static readonly IReadOnlyList<string> StateNames = [.. ArmKinematics.JointNames, "right_gripper"];

    /// <summary>action names (position targets, same order as the state).</summary>
    public static readonly IReadOnlyList<string> ActionNames = [.. ArmKinematics.JointNames.Select(n => n + ".target"), "right_gripper.target"];

    /// <summary>observation.environment_state names.</summary>
    public static readonly IReadOnlyList<string> EnvironmentStateNames =
        ["box.x", "box.y", "box.z", "box.qw", "box.qx", "box.qy", "box.qz", "tote.x", "tote.y", "tote.z", "tote.qw", "tote.qx", "tote.qy", "tote.qz"];

    private readonly PickTaskOptions _options;
    private readonly ArmKinematics _kinematics;
    private readonly string _robotXml;
    private readonly double[] _home = new double[ArmKinematics.JointCount];
    private readonly JointCommand[] _commands;
    private readonly int[] _arm = new int[ArmKinematics.JointCount];
    private readonly int[] _armQpos = new int[ArmKinematics.JointCount];
    private readonly int[] _armDof = new int[ArmKinematics.JointCount];
    private int _gripperQpos;
    private readonly int _gripper;
    private readonly double[] _lower = new double[StateWidth];
    private readonly double[] _upper = new double[StateWidth];
    private SimHardware? _hardware;
    private int _boxBody, _boxGeom, _toteBody, _fingerA, _fingerB, _boxQvel;
    private double _boxStartZ;
    private int _settledSteps;
    private double _lastGripperTarget;

    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public PickTaskEnvironment(PickTaskOptions? options = null)
    {
        _options = options ?? new PickTaskOptions();
        IReadOnlyList<string> errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid pick task options: " + string.Join("; ", errors), nameof(options));
        }
        _robotXml = File.ReadAllText(SimModels.Humanoid);
        _kinematics = new ArmKinematics();
        // Home: IK continued along a straight line from the hanging arm (all zero: the hand already points
        // down) to the home pose, so the solver follows one branch instead of falling into a joint-limit corner.
        _home.AsSpan().Clear();
        Vec3 hanging = _kinematics.Forward(_home);
        double homeError = _kinematics.SolveAlong(hanging, HomeGraspPosition, 0, _home, 20, out double homeTilt, maxIterations: 100);
        if (homeError > 5e-3 || homeTilt > 0.05)
        {
            throw new InvalidOperationException($"the home grasp pose is out of the arm's reach ({homeError:F4} m, {homeTilt:F3} rad off)");
        }
        _commands = SimHardware.StandingCommands();
        var names = Sim.HumanoidModel.Joints.Select(j => j.Name).ToList();
        for (int i = 0; i < ArmKinematics.JointCount; i++)
        {
            _arm[i] = names.IndexOf(ArmKinematics.JointNames[i]);
            _lower[i] = _kinematics.LowerLimit(i);
            _upper[i] = _kinematics.UpperLimit(i);
            _commands[_arm[i]] = new JointCommand(_home[i], 0, ArmKp[i], ArmKd[i], 0);
        }
        _gripper = names.IndexOf("right_gripper");
        _lower[StateWidth - 1] = 0;
        _upper[StateWidth - 1] = GripperClosed;
        _commands[_gripper] = new JointCommand(0, 0, GripperKp, GripperKd, 0);
    }

    /// <summary>The options this environment was built with.</summary>
    public PickTaskOptions Options => _options;

    /// <summary>Arm kinematics on a private model (for experts and tests).</summary>
    public ArmKinematics Kinematics => _kinematics;

    /// <summary>Arm joints at the start of every episode, rad (ArmKinematics order).</summary>
    public ReadOnlySpan<double> HomeJoints => _home;

    /// <summary>What the last <see cref="Reset"/> drew.</summary>
    public PickTaskEpisode Episode { get; private set; } = null!;

    /// <summary>The simulated robot and scene (ground truth); valid after <see cref="Reset"/>.</summary>
    public SimHardware Hardware => _hardware ?? throw new InvalidOperationException("call Reset first");

    /// <summary>Control steps since <see cref="Reset"/>.</summary>
    public int StepCount { get; private set; }

    /// <summary>Simulated time since <see cref="Reset"/>, s.</summary>
    public double Time => StepCount * StepPeriod;

    /// <summary>How the episode stands; final once not <see cref="PickTaskOutcome.InProgress"/>.</summary>
    public PickTaskOutcome Outcome { get; private set; }

    /// <summary>True once the outcome is final.</summary>
    public bool Done => Outcome != PickTaskOutcome.InProgress;

    /// <summary>True when the box rests in the tote and the gripper let go of it.</summary>
    public bool Success => Outcome == PickTaskOutcome.Success;

    /// <summary>True once the box has been lifted off the board in the jaw this episode.</summary>
    public bool BoxLifted { get; private set; }

    /// <summary>
    /// Starts an episode: draws it from <paramref name="seed"/>, compiles the station, puts the robot in its
    /// stance with the right arm at <see cref="HomeJoints"/>, the jaw open, and lets the box and tote settle
    /// for 0.1 s of simulated time (not counted as steps).
    /// </summary>
    public void Reset(int seed)
    {
        Episode = PickTaskEpisode.Draw(seed, _options);
        _hardware?.Dispose();
        string xml = PickStationScene.Xml(Episode, _kinematics.PelvisHeight, _robotXml);
        _hardware = new SimHardware(MjSimulation.LoadXmlString(xml, $"pick-station-seed-{seed}.xml"));
        MjSimulation sim = _hardware.Simulation;
        _boxBody = sim.RequireId(MjObject.Body, PickStationScene.BoxBody);
        _boxGeom = sim.RequireId(MjObject.Geom, PickStationScene.BoxGeom);
        _toteBody = sim.RequireId(MjObject.Body, PickStationScene.ToteBody);
        _fingerA = sim.RequireId(MjObject.Geom, "right_finger_a");
        _fingerB = sim.RequireId(MjObject.Geom, "right_finger_b");
        _boxQvel = sim.JntDofAdr[sim.RequireId(MjObject.Joint, "pick_box_free")];
        for (int i = 0; i < ArmKinematics.JointCount; i++)
        {
            _armQpos[i] = _hardware.Binding.QposAdr[_arm[i]];
            _armDof[i] = _hardware.Binding.DofAdr[_arm[i]];
        }
        _gripperQpos = _hardware.Binding.QposAdr[_gripper];
        _hardware.Configure();
        Span<double> qpos = sim.Qpos();
        for (int i = 0; i < ArmKinematics.JointCount; i++)
        {
            qpos[_armQpos[i]] = _home[i];
            _commands[_arm[i]] = _commands[_arm[i]] with { Position = _home[i] };
        }
        _commands[_gripper] = _commands[_gripper] with { Position = 0 };
        sim.Forward();
        _hardware.Activate();
        StepCount = 0;
        Outcome = PickTaskOutcome.InProgress;
        BoxLifted = false;
        _settledSteps = 0;
        _lastGripperTarget = 0;
        for (int i = 0; i < 5; i++)
        {
            Advance();
        }
        _boxStartZ = sim.Xpos[3 * _boxBody + 2];
    }

    /// <summary>Fills observation.state (length 8) and observation.environment_state (length 14). No allocation.</summary>
    public void Observe(Span<double> state, Span<double> environmentState)
    {
        SimHardware hw = Hardware;
        ReadOnlySpan<double> qpos = hw.Simulation.Qpos();
        for (int i = 0; i < ArmKinematics.JointCount; i++)
        {
            state[i] = qpos[_armQpos[i]];
        }
        state[StateWidth - 1] = qpos[_gripperQpos];
        ReadOnlySpan<double> xpos = hw.Simulation.Xpos, xquat = hw.Simulation.Xquat;
        xpos.Slice(3 * _boxBody, 3).CopyTo(environmentState);
        xquat.Slice(4 * _boxBody, 4).CopyTo(environmentState[3..]);
        xpos.Slice(3 * _toteBody, 3).CopyTo(environmentState[7..]);
        xquat.Slice(4 * _toteBody, 4).CopyTo(environmentState[10..]);
    }

    /// <summary>
    /// Applies <paramref name="action"/> (length 8: arm joint targets, rad, then the gripper target, m; each
    /// clamped to its range) for one 20 ms control step and updates <see cref="Outcome"/>. No allocation.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong length or a non-finite entry (nothing stepped).</exception>
    /// <exception cref="InvalidOperationException">The episode is over (<see cref="Done"/>), or Reset was not called.</exception>
    public PickTaskOutcome Step(ReadOnlySpan<double> action)
    {
        if (action.Length != StateWidth)
        {
            throw new ArgumentException($"an action has {StateWidth} entries (7 arm joint targets, then the gripper target), not {action.Length}", nameof(action));
        }
        for (int i = 0; i < StateWidth; i++)
        {
            if (!double.IsFinite(action[i]))
            {
                throw new ArgumentException($"action[{i}] ({ActionNames[i]}) is {action[i]}; every entry must be finite", nameof(action));
            }
        }
        if (Done)
        {
            throw new InvalidOperationException($"the episode is over ({Outcome.Label()}); call Reset");
        }
        for (int i = 0; i < ArmKinematics.JointCount; i++)
        {
            _commands[_arm[i]] = _commands[_arm[i]] with { Position = Math.Clamp(action[i], _lower[i], _upper[i]) };
        }
        _lastGripperTarget = Math.Clamp(action[StateWidth - 1], 0, GripperClosed);
        _commands[_gripper] = _commands[_gripper] with { Position = _lastGripperTarget };
        Advance();
        StepCount++;
        Outcome = Classify();
        return Outcome;
    }

    private void Advance()
    {
        SimHardware hw = Hardware;
        ReadOnlySpan<double> bias = hw.Simulation.QfrcBias;
        for (int i = 0; i < ArmKinematics.JointCount; i++)
        {
            _commands[_arm[i]] = _commands[_arm[i]] with { FeedForwardTorque = bias[_armDof[i]] };
        }
        if (!hw.Write(_commands, StepPeriod))
        {
            if (hw.Lifecycle == HardwareLifecycle.Error)
            {
                Outcome = PickTaskOutcome.Diverged;
                return;
            }
            throw new InvalidOperationException("the simulation refused the step: " + hw.LastError);
        }
    }

    /// <summary>Whether both fingers of the right jaw touch the box now.</summary>
    public bool BoxInJaw => FingerContacts() == 3;

    /// <summary>Bit 0: finger a touches the box; bit 1: finger b does.</summary>
    private int FingerContacts()
    {
        MjSimulation sim = Hardware.Simulation;
        int touching = 0;
        for (int c = 0; c < sim.ContactCount; c++)
        {
            MjContact contact = sim.Contact(c);
            int other = contact.Geom1 == _boxGeom ? contact.Geom2 : contact.Geom2 == _boxGeom ? contact.Geom1 : -1;
            if (other == _fingerA && contact.Distance < 0.002)
            {
                touching |= 1;
            }
            else if (other == _fingerB && contact.Distance < 0.002)
            {
                touching |= 2;
            }
        }
        return touching;
    }

    /// <summary>True when the box's centre lies inside the tote's walls, above its floor and below its rim + 3 cm.</summary>
    public bool BoxInTote
    {
        get
        {
            MjSimulation sim = Hardware.Simulation;
            return PickStationScene.InsideTote(Vec3.From(sim.Xpos.Slice(3 * _boxBody, 3)),
                Vec3.From(sim.Xpos.Slice(3 * _toteBody, 3)), Quat.From(sim.Xquat.Slice(4 * _toteBody, 4)));
        }
    }

    private PickTaskOutcome Classify()
    {
        if (Outcome == PickTaskOutcome.Diverged)
        {
            return Outcome;
        }
        MjSimulation sim = Hardware.Simulation;
        int fingers = FingerContacts();
        double z = sim.Xpos[3 * _boxBody + 2];
        ReadOnlySpan<double> v = sim.Qvel.Slice(_boxQvel, 6);
        double speed = Math.Sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        double spin = Math.Sqrt(v[3] * v[3] + v[4] * v[4] + v[5] * v[5]);
        if (fingers == 3 && z > _boxStartZ + 0.02)
        {
            BoxLifted = true;
        }
        bool inTote = BoxInTote;
        bool released = fingers == 0 && _lastGripperTarget < 0.5 * GripperClosed;
        bool resting = speed < 0.03 && spin < 0.3;
        _settledSteps = resting && fingers == 0 ? _settledSteps + 1 : 0;
        if (inTote && released && _settledSteps >= 5)
        {
            return PickTaskOutcome.Success;
        }
        if (!inTote && fingers == 0)
        {
            if (!BoxLifted && z < PickStationScene.BoardTop - 0.03)
            {
                return PickTaskOutcome.KnockedOff;
            }
            if (BoxLifted && (v[2] < -0.4 || z < PickStationScene.BoardTop - 0.03))
            {
                return PickTaskOutcome.Dropped;
            }
            if (BoxLifted && released && _settledSteps >= 25)
            {
                return PickTaskOutcome.MissedTote;
            }
        }
        if (Time >= _options.EpisodeTimeS - 1e-9)
        {
            return BoxLifted ? PickTaskOutcome.Timeout : PickTaskOutcome.NotGrasped;
        }
        return PickTaskOutcome.InProgress;
    }

    /// <summary>
    /// Test and scripting hook: puts the box at <paramref name="position"/> (m, world) with yaw
    /// <paramref name="yaw"/> (rad), at rest, and recomputes the derived state. Does not step.
    /// </summary>
    public void PlaceBox(Vec3 position, double yaw)
    {
        MjSimulation sim = Hardware.Simulation;
        int adr = sim.JntQposAdr[sim.RequireId(MjObject.Joint, "pick_box_free")];
        Span<double> qpos = sim.Qpos();
        qpos[adr] = position.X;
        qpos[adr + 1] = position.Y;
        qpos[adr + 2] = position.Z;
        Quat q = Quat.FromYaw(yaw);
        qpos[adr + 3] = q.W;
        qpos[adr + 4] = q.X;
        qpos[adr + 5] = q.Y;
        qpos[adr + 6] = q.Z;
        sim.Qvel.Slice(_boxQvel, 6).Clear();
        sim.Forward();
    }

    /// <summary>Tote centre (m, world) and yaw (rad) now.</summary>
    public (Vec3 Position, double Yaw) TotePose
    {
        get
        {
            MjSimulation sim = Hardware.Simulation;
            return (Vec3.From(sim.Xpos.Slice(3 * _toteBody, 3)), Quat.From(sim.Xquat.Slice(4 * _toteBody, 4)).Yaw);
        }
    }

    /// <summary>Box centre (m, world) and yaw (rad) now.</summary>
    public (Vec3 Position, double Yaw) BoxPose
    {
        get
        {
            MjSimulation sim = Hardware.Simulation;
            return (Vec3.From(sim.Xpos.Slice(3 * _boxBody, 3)), Quat.From(sim.Xquat.Slice(4 * _boxBody, 4)).Yaw);
        }
    }

    public void Dispose()
    {
        _hardware?.Dispose();
        _kinematics.Dispose();
    }
}
