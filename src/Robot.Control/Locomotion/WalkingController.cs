using Robot.Control.Balance;
using Robot.Control.Kinematics;
using Robot.Control.Lipm;
using Robot.Core.Control;
using Robot.Core.Geometry;
using Robot.Core.Hardware;

namespace Robot.Control.Locomotion;

/// <summary>
/// Walking by ZMP preview control with DCM feedback, for a position-controlled humanoid (stiff
/// joint PD on the driver boards), in the ground frame G fixed at the feet's first stance.
/// Each tick:
/// <list type="number">
/// <item>estimate: the stance foot (both feet in double support) is where the plan put it, so
///   the leg kinematics locate the pelvis and the CoM in G; the CoM velocity comes from the joint
///   velocities and the gyro; the DCM is ξ = c + ċ/ω;</item>
/// <item>pattern: every preview period (5 ms) Kajita's preview controller advances the CoM
///   reference, one per axis, looking 1.6 s ahead along the plan's ZMP reference (gains from one
///   Riccati solution at construction; nothing is solved per tick);</item>
/// <item>stabilise: the pelvis follows the CoM reference, shifted against the DCM error
///   (ξ − ξ_ref) so the ankles move the ZMP to pull the DCM back;</item>
/// <item>map: feet from the plan (quintic swing with ground clearance), pelvis upright at stance
///   height heading between the feet, closed-form leg IK to joint targets; the upper body holds
///   its pose.</item>
/// </list>
/// Plans arrive with <see cref="Start"/> from another thread and take effect at the next tick
/// when standing; <see cref="RequestStop"/> ends a walk within two steps. The tick allocates nothing.
/// </summary>
public sealed class WalkingController : IJointController, IControllerTelemetry
{
    private static readonly string[] s_signals =
    [
        "com_x_m", "com_y_m", "com_ref_x_m", "com_ref_y_m", "zmp_ref_x_m", "zmp_ref_y_m",
        "dcm_x_m", "dcm_y_m", "dcm_ref_x_m", "dcm_ref_y_m", "step", "status",
    ];

    private readonly KinematicTree _tree;
    private readonly StandingBalanceOptions _legs;
    private readonly GaitOptions _gait;
    private readonly ZmpPreviewGains _gains;
    private readonly int _leftFirst, _rightFirst, _leftFoot, _rightFoot, _ticksPerPreview;
    private readonly double[] _pose, _kp, _kd, _min, _max;
    private readonly double[] _legTargets = new double[6];
    private readonly double[] _feedForward;
    private readonly double[] _previewX, _previewY;
    private readonly double _omega;

    private FootstepPlan _plan;
    private FootstepPlan? _pending;
    private volatile bool _stopRequested;
    private bool _initialized;
    private double _yaw0, _pelvisHeight, _time, _velocityFilter;
    private bool _stopping;
    private long _ticks;
    private ZmpPreviewAxis _axisX, _axisY;
    private Vec3 _com, _comVelocity;
    private double _comRefX, _comRefY, _comRefVx, _comRefVy, _zmpRefX, _zmpRefY, _dcmX, _dcmY, _dcmRefX, _dcmRefY;
    private double _divergedSeconds;
    private int _step;

    /// <param name="tree">Whole-body kinematics of the robot.</param>
    /// <param name="comHeight">LIPM CoM height above the soles, m.</param>
    /// <param name="defaultPose">Pose of every joint, rad; the legs' entries are replaced by IK.</param>
    /// <param name="kp">Joint stiffness per joint.</param>
    /// <param name="kd">Joint damping per joint.</param>
    /// <param name="minPosition">Joint lower limits.</param>
    /// <param name="maxPosition">Joint upper limits.</param>
    /// <param name="legs">Leg geometry, foot names, sole size and the DCM feedback gains (shared with standing balance).</param>
    /// <param name="gait">Step timing and limits.</param>
    /// <param name="dt">Control period, s.</param>
    /// <param name="previewPeriod">Period of the preview controller, s (a multiple of <paramref name="dt"/>).</param>
    public WalkingController(KinematicTree tree, double comHeight, double[] defaultPose, double[] kp, double[] kd,
        double[] minPosition, double[] maxPosition, StandingBalanceOptions legs, GaitOptions gait, double dt = 0.001, double previewPeriod = 0.005)
    {
        var errors = new List<string>(legs.Validate());
        errors.AddRange(gait.Validate());
        int n = defaultPose.Length;
        if (kp.Length != n || kd.Length != n || minPosition.Length != n || maxPosition.Length != n)
        {
            errors.Add($"pose ({n}), kp ({kp.Length}), kd ({kd.Length}) and limits must have one entry per joint");
        }
        int ratio = (int)Math.Round(previewPeriod / dt);
        if (!(dt > 0) || ratio < 1 || Math.Abs(ratio * dt - previewPeriod) > 1e-9)
        {
            errors.Add($"the preview period {previewPeriod} s must be a whole multiple of the control period {dt} s");
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid walking controller options: " + string.Join("; ", errors));
        }
        _tree = tree;
        _legs = legs;
        _gait = gait;
        _leftFirst = legs.LeftLegFirstJoint;
        _rightFirst = legs.RightLegFirstJoint;
        _leftFoot = tree.BodyIndex(legs.LeftFootBody);
        _rightFoot = tree.BodyIndex(legs.RightFootBody);
        (_pose, _kp, _kd, _min, _max) = ((double[])defaultPose.Clone(), (double[])kp.Clone(), (double[])kd.Clone(), (double[])minPosition.Clone(), (double[])maxPosition.Clone());
        _omega = new LipmModel(comHeight).Omega;
        _gains = ZmpPreviewGains.Compute(previewPeriod, comHeight - gait.WalkingHeightDrop);
        _ticksPerPreview = ratio;
        _feedForward = new double[n];
        _previewX = new double[_gains.PreviewSteps];
        _previewY = new double[_gains.PreviewSteps];
        var (left, right) = FootstepPlanner.Stance(new Pose2(0, 0, 0), gait);
        _plan = new FootstepPlan(left, right, [], gait);
    }

    /// <summary>The latest state or fault.</summary>
    public WalkingStatus Status { get; private set; }

    /// <summary>The plan being followed (or the last one).</summary>
    public FootstepPlan Plan => _plan;

    /// <summary>Seconds into the current plan.</summary>
    public double PlanTime => _time;

    /// <summary>The body pose (midpoint between the soles, heading) the current plan ends at, ground frame: plan the next walk from here.</summary>
    public Pose2 FinalStance => Middle(_plan.FinalLeft, _plan.FinalRight);

    /// <summary>Measured CoM, ground frame, m.</summary>
    public Vec3 Com => _com;

    /// <summary>Measured DCM (x, y), ground frame, m.</summary>
    public (double X, double Y) Dcm => (_dcmX, _dcmY);

    /// <summary>CoM reference of the pattern (x, y), ground frame, m.</summary>
    public (double X, double Y) ComReference => (_comRefX, _comRefY);

    /// <summary>ZMP reference (x, y), ground frame, m.</summary>
    public (double X, double Y) ZmpReference => (_zmpRefX, _zmpRefY);

    /// <summary>True while a plan is under way (or waiting to start).</summary>
    public bool IsWalking => _pending is not null || _time < _plan.Duration;

    public IReadOnlyList<string> SignalNames => s_signals;

    /// <summary>
    /// Hands over a plan that starts from <see cref="FinalStance"/>'s feet; it starts at the next
    /// tick if standing. Called off the control thread; the plan must not be changed afterwards.
    /// </summary>
    /// <exception cref="InvalidOperationException">A walk is under way.</exception>
    public void Start(FootstepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (IsWalking)
        {
            throw new InvalidOperationException("a walk is under way; request a stop and wait for it to end before starting another");
        }
        _stopRequested = false;
        Volatile.Write(ref _pending, plan);
    }

    /// <summary>
    /// The payload both hands hold (kg, 0 for none), split between <paramref name="leftHand"/> and
    /// <paramref name="rightHand"/>: the whole-body CoM model, the gravity feed-forward and the
    /// estimate include it from the next tick. Call while standing.
    /// </summary>
    /// <param name="kilograms">Payload mass, 0–10 kg.</param>
    /// <param name="leftHand">Body the left half of the payload hangs on.</param>
    /// <param name="rightHand">Body the right half hangs on.</param>
    public void SetPayload(double kilograms, string leftHand = "left_hand", string rightHand = "right_hand")
    {
        if (!(kilograms >= 0 && kilograms <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(kilograms), kilograms, "the payload must be 0–10 kg");
        }
        double change = kilograms - Payload;
        _tree.AddMass(_tree.BodyIndex(leftHand), change / 2);
        _tree.AddMass(_tree.BodyIndex(rightHand), change / 2);
        Payload = kilograms;
    }

    /// <summary>The payload the CoM model includes, kg.</summary>
    public double Payload { get; private set; }

    /// <summary>Ends the walk in a double-support stance within two steps (the safety stop categories rely on it). Thread-safe.</summary>
    public void RequestStop() => _stopRequested = true;

    public LoopFault Update(in TickContext tick, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
    {
        double dt = tick.Dt;
        Quat orientation = estimate.Orientation;
        _tree.Update(measured.JointPosition, Vec3.Zero, orientation);
        // The CoM's offset from the pelvis as it will be once the pelvis is upright as commanded:
        // measured tilt must not feed back into where the pelvis is sent. The tree's CoM turns
        // with the base orientation, so undo the tilt instead of a second pass over the tree.
        Vec3 uprightComOffset = Quat.FromYaw(orientation.Yaw - _yaw0).Rotate(orientation.Conjugate.Rotate(_tree.Com));
        Vec3 leftSole = _tree.PointOn(_leftFoot, _legs.LeftLeg.AnkleToSole);
        Vec3 rightSole = _tree.PointOn(_rightFoot, _legs.RightLeg.AnkleToSole);
        if (!_initialized)
        {
            Initialize(leftSole, rightSole);
        }
        if (_time >= _plan.Duration && Volatile.Read(ref _pending) is { } next)
        {
            _plan = next;
            _pending = null;
            _time = 0;
        }
        if (_stopRequested)
        {
            _stopRequested = false;
            _plan.TruncateForStop(_time);
            _stopping = _time < _plan.Duration;
        }

        // Support weights: the planned stance foot carries the estimate; both in double support.
        _step = _plan.StepAt(_time);
        var (leftPlan, leftHeight, leftSwinging) = _plan.Foot(FootSide.Left, _time);
        var (rightPlan, rightHeight, rightSwinging) = _plan.Foot(FootSide.Right, _time);
        double wLeft = leftSwinging ? 0 : rightSwinging ? 1 : SupportShare(leftPlan, rightPlan), wRight = 1 - wLeft;
        // Gravity feed-forward: without it the stance hip sags by several degrees under the body's weight (kp 400 N·m/rad).
        _tree.SupportTorques(_leftFoot, leftSole, wLeft, Gravity, _feedForward);
        _tree.SupportTorques(_rightFoot, rightSole, wRight, Gravity, _feedForward);
        Quat toGround = Quat.FromYaw(-_yaw0);
        var leftG = new Vec3(leftPlan.X, leftPlan.Y, 0);
        var rightG = new Vec3(rightPlan.X, rightPlan.Y, 0);
        Vec3 pelvis = wLeft * (leftG - toGround.Rotate(leftSole)) + wRight * (rightG - toGround.Rotate(rightSole));
        Vec3 comOffset = toGround.Rotate(_tree.Com);
        Vec3 com = pelvis + comOffset;
        const double epsilon = 1e-3;
        _tree.UpdateAhead(measured.JointPosition, measured.JointVelocity, Vec3.Zero, orientation, orientation.Rotate(Vec3.From(measured.ImuGyro)), epsilon);
        Vec3 leftAhead = _tree.PointOn(_leftFoot, _legs.LeftLeg.AnkleToSole), rightAhead = _tree.PointOn(_rightFoot, _legs.RightLeg.AnkleToSole);
        Vec3 pelvisAhead = wLeft * (leftG - toGround.Rotate(leftAhead)) + wRight * (rightG - toGround.Rotate(rightAhead));
        Vec3 rawVelocity = (pelvisAhead + toGround.Rotate(_tree.Com) - com) / epsilon;
        _comVelocity += dt / (_velocityFilter + dt) * (rawVelocity - _comVelocity);
        _com = com;
        _dcmX = com.X + _comVelocity.X / _omega;
        _dcmY = com.Y + _comVelocity.Y / _omega;

        // Pattern: the preview controller every preview period; in between, the CoM reference is extrapolated.
        if (_ticks % _ticksPerPreview == 0)
        {
            int cursor = 0;
            double period = _gains.Period;
            for (int j = 0; j < _previewX.Length; j++)
            {
                (_previewX[j], _previewY[j]) = _plan.Zmp(_time + j * period, ref cursor);
            }
            (_zmpRefX, _zmpRefY) = (_previewX[0], _previewY[0]);
            _axisX.Step(_gains, _previewX);
            _axisY.Step(_gains, _previewY);
        }
        double tau = (_ticks % _ticksPerPreview + 1) * dt;
        _comRefX = _axisX.Position + _axisX.Velocity * tau + 0.5 * _axisX.Acceleration * tau * tau;
        _comRefY = _axisY.Position + _axisY.Velocity * tau + 0.5 * _axisY.Acceleration * tau * tau;
        _comRefVx = _axisX.Velocity + _axisX.Acceleration * tau;
        _comRefVy = _axisY.Velocity + _axisY.Acceleration * tau;
        _dcmRefX = _comRefX + _comRefVx / _omega;
        _dcmRefY = _comRefY + _comRefVy / _omega;

        // Stabilise: shift the pelvis against the DCM error.
        double errorX = _dcmX - _dcmRefX, errorY = _dcmY - _dcmRefY;
        double shiftX = Math.Clamp(-_legs.PelvisGain * errorX, -_legs.MaxPelvisShift, _legs.MaxPelvisShift);
        double shiftY = Math.Clamp(-_legs.PelvisGain * errorY, -_legs.MaxPelvisShift, _legs.MaxPelvisShift);
        bool diverged = errorX * errorX + errorY * errorY > DcmDivergence * DcmDivergence;
        _divergedSeconds = diverged ? _divergedSeconds + dt : 0;

        // Map: pelvis upright at stance height, heading between the feet; legs by IK.
        double heading = Pose2.WrapAngle(leftPlan.Yaw + 0.5 * Pose2.WrapAngle(rightPlan.Yaw - leftPlan.Yaw));
        var pelvisTarget = new Vec3(_comRefX - uprightComOffset.X + shiftX, _comRefY - uprightComOffset.Y + shiftY, _pelvisHeight - _gait.WalkingHeightDrop * Crouch());
        // A swinging foot is aimed from the pelvis heading as measured, not as commanded: the stance
        // foot twists a little under the swing's reaction torque and the pelvis turns with it; a foot
        // aimed from the command would land turned, an error that adds up step after step (a 180°
        // turn on the spot overturned by 40° before this). Its position is aimed from a blend of the
        // measured and commanded pelvis (see SwingPelvisBlend).
        Quat pelvisInG = Quat.FromYaw(Pose2.WrapAngle(orientation.Yaw - _yaw0));
        Quat upright = Quat.FromYaw(-heading);
        Vec3 swingFrom = SwingPelvisBlend * pelvis + (1 - SwingPelvisBlend) * pelvisTarget;
        LegIkResult left = leftSwinging
            ? SolveLeg(_legs.LeftLeg, pelvisInG.Conjugate.Rotate(leftG with { Z = leftHeight } - swingFrom), pelvisInG.Conjugate * Quat.FromYaw(leftPlan.Yaw), _leftFirst, commands)
            : SolveLeg(_legs.LeftLeg, upright.Rotate(leftG - pelvisTarget), Quat.FromYaw(Pose2.WrapAngle(leftPlan.Yaw - heading)), _leftFirst, commands);
        LegIkResult right = rightSwinging
            ? SolveLeg(_legs.RightLeg, pelvisInG.Conjugate.Rotate(rightG with { Z = rightHeight } - swingFrom), pelvisInG.Conjugate * Quat.FromYaw(rightPlan.Yaw), _rightFirst, commands)
            : SolveLeg(_legs.RightLeg, upright.Rotate(rightG - pelvisTarget), Quat.FromYaw(Pose2.WrapAngle(rightPlan.Yaw - heading)), _rightFirst, commands);
        for (int i = 0; i < commands.Length; i++)
        {
            if (!IsLeg(i))
            {
                commands[i] = new JointCommand(_pose[i], 0, _kp[i], _kd[i], 0);
            }
        }

        _time += dt;
        _ticks++;
        if (!com.IsFinite || left is LegIkResult.InvalidInput || right is LegIkResult.InvalidInput)
        {
            Status = WalkingStatus.InvalidInput;
        }
        else if (left is LegIkResult.TooFar or LegIkResult.TooNear || right is LegIkResult.TooFar or LegIkResult.TooNear)
        {
            Status = WalkingStatus.LegUnreachable;
        }
        else if (_divergedSeconds > _legs.UncapturableTimeout)
        {
            Status = WalkingStatus.DcmDiverged;
        }
        else
        {
            _stopping &= _time < _plan.Duration;
            Status = _time >= _plan.Duration ? WalkingStatus.Standing : _stopping ? WalkingStatus.Stopping : WalkingStatus.Walking;
        }
        return Status is WalkingStatus.Standing or WalkingStatus.Walking or WalkingStatus.Stopping ? LoopFault.None : LoopFault.ControllerFault;
    }

    public void WriteSignals(Span<double> destination)
    {
        ReadOnlySpan<double> values =
        [
            _com.X, _com.Y, _comRefX, _comRefY, _zmpRefX, _zmpRefY, _dcmX, _dcmY, _dcmRefX, _dcmRefY, _step, (double)Status,
        ];
        values[..Math.Min(values.Length, destination.Length)].CopyTo(destination);
    }

    private static Pose2 Middle(Pose2 a, Pose2 b) => Pose2.Lerp(a, b, 0.5);

    /// <summary>
    /// Where a swing is aimed from: this share of the measured pelvis position, the rest the
    /// commanded one. Measured over 5 m walks in simulation: aimed from the command alone, the
    /// walk ends 6.6 % short (the pelvis lags its command); from the measurement alone, 13 % long
    /// (the loaded stance sole rolls, which flat-foot kinematics misread); 0.25 ends within 2 %.
    /// A calibration, not a law: a better stance-foot estimate should replace it.
    /// </summary>
    private const double SwingPelvisBlend = 0.25;

    /// <summary>DCM error beyond which (for longer than the uncapturable timeout) the pattern cannot be followed, m.</summary>
    private const double DcmDivergence = 0.12;

    /// <summary>Standard gravity, m/s².</summary>
    private const double Gravity = 9.81;

    /// <summary>The left foot's share of the weight in double support: where the ZMP reference lies between the soles.</summary>
    private double SupportShare(Pose2 left, Pose2 right) => Lipm.SupportShare.Left(_zmpRefX, _zmpRefY, left.X, left.Y, right.X, right.Y);

    /// <summary>0 standing, 1 walking: a smooth ramp through the initial and the final double support.</summary>
    private double Crouch()
    {
        if (_plan.Count == 0)
        {
            return 0;
        }
        double rise = Math.Clamp(_time / _gait.InitialDoubleSupportTime, 0, 1), fall = Math.Clamp((_plan.Duration - _time) / _gait.FinalDoubleSupportTime, 0, 1);
        double s = Math.Min(rise, fall);
        return s * s * (3 - 2 * s);
    }

    private bool IsLeg(int joint) =>
        (joint >= _leftFirst && joint < _leftFirst + 6) || (joint >= _rightFirst && joint < _rightFirst + 6);

    private LegIkResult SolveLeg(LegGeometry leg, Vec3 soleInPelvis, Quat soleInPelvisOrientation, int first, Span<JointCommand> commands)
    {
        LegIkResult result = LegKinematics.Inverse(leg, soleInPelvis, soleInPelvisOrientation, _legTargets,
            _min.AsSpan(first, 6), _max.AsSpan(first, 6));
        for (int j = 0; j < 6; j++)
        {
            int i = first + j;
            double target = result == LegIkResult.InvalidInput ? _pose[i] : Math.Clamp(_legTargets[j], _min[i], _max[i]);
            commands[i] = new JointCommand(target, 0, _kp[i], _kd[i], _feedForward[i]);
        }
        return result;
    }

    private void Initialize(Vec3 leftSole, Vec3 rightSole)
    {
        double leftYaw = _tree.Orientation(_leftFoot).Yaw, rightYaw = _tree.Orientation(_rightFoot).Yaw;
        _yaw0 = Math.Atan2(Math.Sin(leftYaw) + Math.Sin(rightYaw), Math.Cos(leftYaw) + Math.Cos(rightYaw));
        Quat toGround = Quat.FromYaw(-_yaw0);
        Vec3 middle = 0.5 * (leftSole + rightSole);
        Vec3 pelvis = toGround.Rotate(-middle);
        _pelvisHeight = pelvis.Z;
        Vec3 com = pelvis + toGround.Rotate(_tree.Com);
        // The first stance: the measured soles, half the measured width either side of G's origin.
        double width = toGround.Rotate(leftSole - rightSole).Y;
        var left = new Pose2(toGround.Rotate(leftSole - middle).X, width / 2, leftYaw - _yaw0);
        var right = new Pose2(toGround.Rotate(rightSole - middle).X, -width / 2, rightYaw - _yaw0);
        _plan = new FootstepPlan(left, right, [], _gait);
        _axisX.Reset(com.X);
        _axisY.Reset(com.Y);
        _com = com;
        _comVelocity = Vec3.Zero;
        _velocityFilter = _legs.VelocityFilterTimeConstant;
        _time = 0;
        _initialized = true;
    }
}
