using Robot.Core.Description;
using Robot.Core.Hardware;
using Robot.Sim.MuJoCo;

namespace Robot.Sim;

/// <summary>Ranges for <see cref="SimHardware.RandomizeDomain"/>: multiplicative scales drawn uniformly per geom / body.</summary>
public sealed record DomainRandomization
{
    /// <summary>Scale of every geom's sliding friction.</summary>
    public double FrictionScaleMin { get; init; } = 0.7;
    public double FrictionScaleMax { get; init; } = 1.3;
    /// <summary>Scale of every body's mass (and inertia, so the body's shape is unchanged).</summary>
    public double MassScaleMin { get; init; } = 0.9;
    public double MassScaleMax { get; init; } = 1.1;
}

/// <summary>
/// The simulated robot behind <see cref="IRobotHardware"/>. <see cref="Write"/> behaves like a
/// bus of driver boards: for each physics substep (1 kHz by default) it computes every joint's
/// PD + feed-forward torque with <see cref="JointDrive.Torque"/> from the current measured
/// position and velocity, saturates it at the motor limit, writes it to the motor actuators
/// and advances MuJoCo. <see cref="Read"/> copies encoders (qpos/qvel), the applied torques,
/// the pelvis IMU and the ankle force/torque sensors. Neither allocates.
/// <para>Lifecycle: <see cref="Configure"/> (from Unconfigured or Error) resets the world and puts
/// the robot in its default stance with the soles on the floor; <see cref="Activate"/> allows
/// commands; <see cref="Deactivate"/> refuses them again (time then stands still: a simulation
/// advances only through Write). A divergent simulation moves to Error.</para>
/// <para>Timing: after Write, positions, velocities, poses and CoM describe the new state;
/// IMU accelerometer, ankle wrenches and touch are from the start of the last physics step
/// (≤ 1 timestep old, like a real sensor's latency).</para>
/// </summary>
public sealed class SimHardware : IRobotHardware
{
    private const int MaxPushes = 16;
    private readonly bool _ownsSimulation;
    private readonly int[] _qposAdr, _dofAdr, _actuator;
    private readonly double[] _torqueLimit;
    private readonly double[] _appliedTorque;
    private readonly double[] _brakeTorque;
    private readonly JointCommand[] _brakeLock;
    private readonly bool[] _braked;
    private readonly PendingPush[] _pushes = new PendingPush[MaxPushes];
    private int _pushCount;
    private readonly double[] _nominalFriction;
    private readonly double[] _nominalMass;
    private readonly double[] _nominalInertia;

    private struct PendingPush
    {
        public int Body;
        public double Fx, Fy, Fz, Tx, Ty, Tz;
        public double Start, End;
    }

    /// <summary>Wraps a loaded model holding the humanoid (see <see cref="HumanoidModel.Bind"/>).</summary>
    /// <exception cref="InvalidRobotDescriptionException">The model's joints are not the ones the product expects.</exception>
    public SimHardware(MjSimulation simulation, bool ownsSimulation = true)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        Simulation = simulation;
        _ownsSimulation = ownsSimulation;
        Binding = HumanoidModel.Bind(simulation);
        int n = Binding.Description.JointCount;
        _qposAdr = [.. Binding.QposAdr];
        _dofAdr = [.. Binding.DofAdr];
        _actuator = [.. Binding.Actuator];
        _torqueLimit = [.. Binding.TorqueLimit];
        _appliedTorque = new double[n];
        _brakeTorque = [.. Enumerable.Range(0, n).Select(i => HumanoidModel.HasBrake(i) ? _torqueLimit[i] : 0)];
        _brakeLock = new JointCommand[n];
        _braked = new bool[n];
        _nominalFriction = simulation.GeomFriction.ToArray();
        _nominalMass = simulation.BodyMass.ToArray();
        _nominalInertia = simulation.BodyInertia.ToArray();
    }

    /// <summary>
    /// Holding torque of each joint's power-off brake, N·m (0: none; see
    /// <see cref="HumanoidModel.HasBrake"/>): a joint commanded limp (no stiffness, no damping, no
    /// feed-forward: its drive unpowered) is locked where it was up to this torque, as a
    /// spring-applied brake holds; any other command releases it.
    /// </summary>
    public ReadOnlySpan<double> BrakeHoldingTorque => _brakeTorque;

    /// <summary>
    /// Whether the brakes act (default true). Off, a limp joint is free, as in the bare MJCF (the
    /// simulation benchmark compares our stepping with MuJoCo's own on the same physics).
    /// </summary>
    public bool BrakesEnabled { get; init; } = true;

    /// <summary>Whether each joint's brake is engaged now.</summary>
    public ReadOnlySpan<bool> BrakeEngaged => _braked;

    /// <summary>The humanoid on a flat floor (owns its simulation).</summary>
    public static SimHardware FlatGround() => new(HumanoidModel.LoadFlatGround());

    /// <summary>The humanoid in a generated warehouse (owns its simulation).</summary>
    public static SimHardware Warehouse(WarehouseSceneOptions options) =>
        new(MjSimulation.LoadXmlString(WarehouseScene.Generate(options).Xml, $"warehouse-seed-{options.Seed}.xml"));

    /// <summary>The MuJoCo model and data behind this hardware (ground truth, scene objects).</summary>
    public MjSimulation Simulation { get; }

    /// <summary>Index maps of the robot in <see cref="Simulation"/>.</summary>
    public HumanoidBinding Binding { get; }

    public RobotDescription Description => Binding.Description;

    public HardwareLifecycle Lifecycle { get; private set; } = HardwareLifecycle.Unconfigured;

    /// <summary>Physics advances only in <see cref="Write"/>: a stalled process pauses the simulated world too.</summary>
    public bool KeepsOwnTime => true;

    /// <summary>Why the last Write or Read was refused, or why the hardware is in Error; null when none.</summary>
    public string? LastError { get; private set; }

    /// <summary>Physics steps taken since Configure.</summary>
    public long StepCount { get; private set; }

    /// <summary>Physics timestep, s (1 ms unless the model says otherwise).</summary>
    public double Timestep => Simulation.Timestep;

    /// <inheritdoc/>
    public void Configure()
    {
        if (Lifecycle is HardwareLifecycle.Active)
        {
            throw new InvalidOperationException("Configure is legal from Unconfigured, Configured or Error; deactivate first");
        }
        Simulation.Reset();
        SetStandingPose();
        Array.Clear(_appliedTorque);
        _pushCount = 0;
        StepCount = 0;
        LastError = null;
        Lifecycle = HardwareLifecycle.Configured;
    }

    /// <inheritdoc/>
    public void Activate()
    {
        if (Lifecycle != HardwareLifecycle.Configured)
        {
            throw new InvalidOperationException($"Activate is legal only from Configured (hardware is {Lifecycle})");
        }
        Lifecycle = HardwareLifecycle.Active;
    }

    /// <inheritdoc/>
    public void Deactivate()
    {
        if (Lifecycle == HardwareLifecycle.Active)
        {
            Lifecycle = HardwareLifecycle.Configured;
        }
    }

    /// <summary>
    /// Puts the robot in <see cref="HumanoidModel.Joints"/>' standing pose, pelvis level at the
    /// origin, soles exactly on z = 0, every velocity zero. Other bodies are left where they are.
    /// </summary>
    public void SetStandingPose()
    {
        Span<double> qpos = Simulation.Qpos();
        for (int i = 0; i < _qposAdr.Length; i++)
        {
            qpos[_qposAdr[i]] = HumanoidModel.Joints[i].StandPosition;
        }
        // Finger mirrors follow their gripper joint (equality constraint), start them consistent.
        int b = Binding.BaseQposAdr;
        qpos[b] = 0;
        qpos[b + 1] = 0;
        qpos[b + 2] = 1;
        qpos[b + 3] = 1;
        qpos[b + 4] = 0;
        qpos[b + 5] = 0;
        qpos[b + 6] = 0;
        Simulation.Qvel.Clear();
        Simulation.Forward();
        ReadOnlySpan<double> sites = Simulation.SiteXpos;
        double lowest = Math.Min(sites[3 * Binding.LeftSoleSite + 2], sites[3 * Binding.RightSoleSite + 2]);
        qpos[b + 2] = 1 - lowest;
        Simulation.Forward();
    }

    /// <inheritdoc/>
    public bool Read(RobotState state)
    {
        if (Lifecycle is not (HardwareLifecycle.Configured or HardwareLifecycle.Active))
        {
            LastError = Lifecycle == HardwareLifecycle.Error ? LastError : "read refused: hardware is not configured";
            return false;
        }
        if (state.JointPosition.Length != _qposAdr.Length)
        {
            LastError = "read refused: the state was made for a different joint count";
            return false;
        }
        MjSimulation sim = Simulation;
        ReadOnlySpan<double> qpos = sim.Qpos();
        ReadOnlySpan<double> qvel = sim.Qvel;
        double[] position = state.JointPosition, velocity = state.JointVelocity, torque = state.JointTorque;
        for (int i = 0; i < _qposAdr.Length; i++)
        {
            position[i] = qpos[_qposAdr[i]];
            velocity[i] = qvel[_dofAdr[i]];
            torque[i] = _appliedTorque[i];
        }
        ReadOnlySpan<double> s = sim.SensorData;
        s.Slice(Binding.ImuQuatAdr, 4).CopyTo(state.ImuOrientation);
        s.Slice(Binding.GyroAdr, 3).CopyTo(state.ImuGyro);
        s.Slice(Binding.AccelAdr, 3).CopyTo(state.ImuAccelerometer);
        s.Slice(Binding.LeftForceAdr, 3).CopyTo(state.LeftFootWrench);
        s.Slice(Binding.LeftTorqueAdr, 3).CopyTo(state.LeftFootWrench.AsSpan(3));
        s.Slice(Binding.RightForceAdr, 3).CopyTo(state.RightFootWrench);
        s.Slice(Binding.RightTorqueAdr, 3).CopyTo(state.RightFootWrench.AsSpan(3));
        state.Time = sim.Time;
        return true;
    }

    /// <summary>Engages the brake of every braked joint commanded limp where it stands, releases the others.</summary>
    private void ApplyBrakes(ReadOnlySpan<JointCommand> commands)
    {
        ReadOnlySpan<double> qpos = Simulation.Qpos();
        for (int i = 0; i < commands.Length; i++)
        {
            JointCommand c = commands[i];
            bool hold = BrakesEnabled && _brakeTorque[i] > 0 && c.Kp == 0 && c.Kd == 0 && c.FeedForwardTorque == 0;
            if (hold && !_braked[i])
            {
                _brakeLock[i] = new JointCommand(qpos[_qposAdr[i]], 0, BrakeStiffness, BrakeDamping, 0);
            }
            _braked[i] = hold;
        }
    }

    /// <summary>
    /// Stiffness (N·m/rad) and damping (N·m·s/rad) of an engaged brake: a stiff, damped lock where
    /// it engaged, saturating at its holding torque (where it slips). MuJoCo's dry friction
    /// (dof_frictionloss) would be the natural model, but it is a soft constraint that creeps
    /// under a standing robot's load (the pelvis sank from 0.77 m to 0.08 m in 3 s), so the lock
    /// is applied through the joint's actuator, the motor itself being unpowered.
    /// </summary>
    private const double BrakeStiffness = 3000, BrakeDamping = 30;

    /// <inheritdoc/>
    /// <remarks>
    /// Refused (false, <see cref="LastError"/> says why, nothing stepped) when the hardware is not
    /// Active, the command count is wrong, any command is not finite or has a negative gain, or
    /// <paramref name="period"/> is not a positive whole number of physics timesteps.
    /// </remarks>
    public bool Write(ReadOnlySpan<JointCommand> commands, double period)
    {
        if (Lifecycle != HardwareLifecycle.Active)
        {
            LastError = Lifecycle == HardwareLifecycle.Error ? LastError : "write refused: hardware is not active";
            return false;
        }
        int n = _qposAdr.Length;
        if (commands.Length != n)
        {
            LastError = $"write refused: {commands.Length} commands for {n} joints";
            return false;
        }
        for (int i = 0; i < n; i++)
        {
            if (!commands[i].IsValid)
            {
                LastError = $"write refused, nothing stepped: command {i} for joint '{Description.Joints[i].Name}' is invalid ({commands[i]}); every field must be finite and both gains >= 0";
                return false;
            }
        }
        MjSimulation sim = Simulation;
        double dt = sim.Timestep;
        double exact = period / dt;
        int substeps = (int)Math.Round(exact);
        if (!(substeps >= 1) || Math.Abs(exact - substeps) > 1e-6)
        {
            LastError = $"write refused: period {period} s is not a positive whole number of physics timesteps ({dt} s)";
            return false;
        }
        Span<double> qpos = sim.Qpos();
        Span<double> qvel = sim.Qvel;
        Span<double> ctrl = sim.Ctrl;
        ApplyBrakes(commands);
        for (int step = 0; step < substeps; step++)
        {
            for (int i = 0; i < n; i++)
            {
                double q = qpos[_qposAdr[i]], v = qvel[_dofAdr[i]];
                double tau = JointDrive.Torque(in commands[i], q, v, _torqueLimit[i]);
                ctrl[_actuator[i]] = _braked[i] ? JointDrive.Torque(in _brakeLock[i], q, v, _brakeTorque[i]) : tau;
                _appliedTorque[i] = tau; // the motor's torque: 0 while braked and unpowered
            }
            if (_pushCount > 0)
            {
                ApplyPushes(sim);
            }
            sim.StepThenUpdate();
            StepCount++;
            if (_pushCount > 0)
            {
                RetireFinishedPushes(sim);
            }
        }
        if (sim.Diverged)
        {
            Lifecycle = HardwareLifecycle.Error;
            LastError = $"the simulation diverged at t = {sim.Time:F3} s (MuJoCo reset the state); configure again";
            return false;
        }
        return true;
    }

    // ---------------- Perturbations ----------------

    /// <summary>
    /// Applies a constant force (N) and torque (N·m), world frame, at the CoM of body
    /// <paramref name="bodyName"/> for <paramref name="duration"/> seconds starting now (a push).
    /// Several pushes may overlap (at most 16 pending).
    /// </summary>
    public void Push(string bodyName, double fx, double fy, double fz, double duration, double tx = 0, double ty = 0, double tz = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(duration);
        int body = Simulation.RequireId(MjObject.Body, bodyName);
        if (body == 0)
        {
            throw new ArgumentException("the world body cannot be pushed", nameof(bodyName));
        }
        foreach (double v in (ReadOnlySpan<double>)[fx, fy, fz, tx, ty, tz])
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("push force and torque must be finite");
            }
        }
        if (_pushCount == MaxPushes)
        {
            throw new InvalidOperationException($"at most {MaxPushes} pushes may be pending");
        }
        double now = Simulation.Time;
        _pushes[_pushCount++] = new PendingPush { Body = body, Fx = fx, Fy = fy, Fz = fz, Tx = tx, Ty = ty, Tz = tz, Start = now, End = now + duration };
    }

    /// <summary>An impulse (N·s, world frame) delivered as a constant force over <paramref name="duration"/> s.</summary>
    public void Impulse(string bodyName, double jx, double jy, double jz, double duration = 0.01) =>
        Push(bodyName, jx / duration, jy / duration, jz / duration, duration);

    /// <summary>Number of pushes not finished yet.</summary>
    public int PendingPushes => _pushCount;

    private void ApplyPushes(MjSimulation sim)
    {
        Span<double> xfrc = sim.XfrcApplied;
        double t = sim.Time;
        for (int i = 0; i < _pushCount; i++)
        {
            xfrc.Slice(6 * _pushes[i].Body, 6).Clear();
        }
        int kept = 0;
        for (int i = 0; i < _pushCount; i++)
        {
            ref PendingPush p = ref _pushes[i];
            // A push covers the physics steps whose start time lies in [Start, End).
            if (t + 1e-12 < p.End)
            {
                Span<double> f = xfrc.Slice(6 * p.Body, 6);
                f[0] += p.Fx;
                f[1] += p.Fy;
                f[2] += p.Fz;
                f[3] += p.Tx;
                f[4] += p.Ty;
                f[5] += p.Tz;
                _pushes[kept++] = p;
            }
        }
        _pushCount = kept;
    }

    private void RetireFinishedPushes(MjSimulation sim)
    {
        double t = sim.Time;
        int kept = 0;
        for (int i = 0; i < _pushCount; i++)
        {
            if (t + 1e-12 < _pushes[i].End)
            {
                _pushes[kept++] = _pushes[i];
            }
            else
            {
                sim.XfrcApplied.Slice(6 * _pushes[i].Body, 6).Clear();
            }
        }
        _pushCount = kept;
    }

    /// <summary>
    /// Domain randomisation from <paramref name="seed"/>: scales every geom's sliding friction and
    /// every body's mass and inertia by factors drawn from <paramref name="ranges"/>, starting from
    /// the model's nominal values each time (so calls do not compound). Call while not Active
    /// (then Configure). The same seed gives the same model.
    /// </summary>
    public void RandomizeDomain(int seed, DomainRandomization? ranges = null)
    {
        if (Lifecycle == HardwareLifecycle.Active)
        {
            throw new InvalidOperationException("randomise the domain while the hardware is not active");
        }
        ranges ??= new DomainRandomization();
        if (!(ranges.FrictionScaleMin > 0) || !(ranges.FrictionScaleMax >= ranges.FrictionScaleMin) || !(ranges.MassScaleMin > 0) || !(ranges.MassScaleMax >= ranges.MassScaleMin))
        {
            throw new ArgumentException("randomisation ranges must be positive with min <= max", nameof(ranges));
        }
        var random = new Random(seed);
        Span<double> friction = Simulation.GeomFriction;
        _nominalFriction.CopyTo(friction);
        for (int g = 0; g < Simulation.GeomCount; g++)
        {
            friction[3 * g] *= ranges.FrictionScaleMin + (ranges.FrictionScaleMax - ranges.FrictionScaleMin) * random.NextDouble();
        }
        Span<double> mass = Simulation.BodyMass;
        Span<double> inertia = Simulation.BodyInertia;
        _nominalMass.CopyTo(mass);
        _nominalInertia.CopyTo(inertia);
        for (int b = 1; b < Simulation.BodyCount; b++)
        {
            double k = ranges.MassScaleMin + (ranges.MassScaleMax - ranges.MassScaleMin) * random.NextDouble();
            mass[b] *= k;
            inertia[3 * b] *= k;
            inertia[3 * b + 1] *= k;
            inertia[3 * b + 2] *= k;
        }
        Simulation.SetConst();
        Simulation.Forward();
    }

    /// <summary>
    /// A payload held in both hands: <paramref name="kilograms"/> split between the two hand
    /// bodies at their centres of mass (a box held between the palms; its own rotational inertia
    /// is neglected). Replaces any previous payload. Call while not Active (then Configure).
    /// </summary>
    /// <param name="kilograms">Payload mass, 0–10 kg.</param>
    public void SetPayload(double kilograms)
    {
        if (Lifecycle == HardwareLifecycle.Active)
        {
            throw new InvalidOperationException("change the payload while the hardware is not active");
        }
        if (!(kilograms >= 0 && kilograms <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(kilograms), kilograms, "the payload must be 0–10 kg");
        }
        Span<double> mass = Simulation.BodyMass;
        foreach (string hand in new[] { "left_hand", "right_hand" })
        {
            int body = Simulation.IdOf(MjObject.Body, hand);
            if (body < 0)
            {
                throw new InvalidOperationException($"the model has no body '{hand}' to hold a payload");
            }
            mass[body] = _nominalMass[body] + kilograms / 2;
        }
        Simulation.SetConst();
        Simulation.Forward();
    }

    /// <summary>Restores the nominal friction and masses.</summary>
    public void ResetDomain()
    {
        _nominalFriction.CopyTo(Simulation.GeomFriction);
        _nominalMass.CopyTo(Simulation.BodyMass);
        _nominalInertia.CopyTo(Simulation.BodyInertia);
        Simulation.SetConst();
        Simulation.Forward();
    }

    // ---------------- Ground truth (tests, scenarios; never for controllers on real hardware) ----------------

    /// <summary>Robot mass, kg (the pelvis subtree).</summary>
    public double RobotMass
    {
        get
        {
            double total = 0;
            ReadOnlySpan<int> root = Simulation.BodyRootId;
            ReadOnlySpan<double> mass = Simulation.BodyMass;
            for (int b = 0; b < Simulation.BodyCount; b++)
            {
                if (root[b] == Binding.PelvisBody)
                {
                    total += mass[b];
                }
            }
            return total;
        }
    }

    /// <summary>Whole-robot centre of mass, world frame, m (subtree_com of the pelvis). No allocation.</summary>
    public void GetCenterOfMass(Span<double> position) =>
        Simulation.SubtreeCom.Slice(3 * Binding.PelvisBody, 3).CopyTo(position);

    /// <summary>Whole-robot CoM velocity, world frame, m/s (subtree_linvel of the pelvis, kept current by the model's subtreelinvel sensor).</summary>
    public void GetCenterOfMassVelocity(Span<double> velocity) =>
        Simulation.SubtreeLinvel.Slice(3 * Binding.PelvisBody, 3).CopyTo(velocity);

    /// <summary>Pelvis position (m) and orientation (quaternion w, x, y, z), world frame.</summary>
    public void GetPelvisPose(Span<double> position, Span<double> quaternion)
    {
        Simulation.Xpos.Slice(3 * Binding.PelvisBody, 3).CopyTo(position);
        Simulation.Xquat.Slice(4 * Binding.PelvisBody, 4).CopyTo(quaternion);
    }

    /// <summary>Sole-centre position (m) and orientation (row-major 3×3), world frame, of the left or right foot.</summary>
    public void GetSolePose(bool left, Span<double> position, Span<double> rotation)
    {
        int site = left ? Binding.LeftSoleSite : Binding.RightSoleSite;
        Simulation.SiteXpos.Slice(3 * site, 3).CopyTo(position);
        Simulation.SiteXmat.Slice(9 * site, 9).CopyTo(rotation);
    }

    /// <summary>How far apart the sole centres are across the floor (world x-y), m: the stance width when the feet stand side by side.</summary>
    public double SoleDistance()
    {
        ReadOnlySpan<double> xpos = Simulation.SiteXpos;
        int left = 3 * Binding.LeftSoleSite, right = 3 * Binding.RightSoleSite;
        double dx = xpos[left] - xpos[right], dy = xpos[left + 1] - xpos[right + 1];
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>Gripper finger touch forces, N: left a, left b, right a, right b.</summary>
    public void GetFingerTouch(Span<double> forces)
    {
        ReadOnlySpan<double> s = Simulation.SensorData;
        for (int i = 0; i < 4; i++)
        {
            forces[i] = s[Binding.TouchAdr[i]];
        }
    }

    /// <summary>Tilt of the pelvis from upright, rad (angle between its z axis and the world's).</summary>
    public double PelvisTilt
    {
        get
        {
            ReadOnlySpan<double> m = Simulation.Xmat.Slice(9 * Binding.PelvisBody, 9);
            return Math.Acos(Math.Clamp(m[8], -1, 1));
        }
    }

    /// <summary>The default standing pose as commands with the stance gains (what <c>sim run --scenario idle</c> sends).</summary>
    public static JointCommand[] StandingCommands() =>
        HumanoidModel.Joints.Select(j => new JointCommand(j.StandPosition, 0, j.StandKp, j.StandKd, 0)).ToArray();

    public void Dispose()
    {
        Lifecycle = HardwareLifecycle.Unconfigured;
        if (_ownsSimulation)
        {
            Simulation.Dispose();
        }
    }
}
