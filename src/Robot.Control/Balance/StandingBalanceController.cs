using Robot.Control.Kinematics;
using Robot.Control.Lipm;
using Robot.Core.Control;
using Robot.Core.Geometry;
using Robot.Core.Hardware;

namespace Robot.Control.Balance;

/// <summary>
/// Double-support balance for a position-controlled humanoid (stiff joint PD on driver boards):
/// a LIPM/DCM stabiliser that moves the pelvis so that the CoM follows a reference decelerated
/// by the ZMP the feet provide (ankle strategy), with the legs solved by closed-form IK.
///
/// Each tick, in the ground frame G (origin between the soles at start-up, x along the feet's
/// heading, z up):
/// <list type="number">
/// <item>whole-body kinematics from the joint angles and the IMU orientation give the soles and
///   the CoM relative to the pelvis; the soles are fixed in G, so they locate the pelvis and the
///   CoM in G; the CoM velocity comes from the joint velocities and the gyro;</item>
/// <item>the DCM ξ = c + ċ/ω is compared with its stance target; the pelvis is shifted against
///   the error (the ankles then move the ZMP to stop the CoM), upright, at stance height, and leg
///   IK turns pelvis and sole poses into joint targets; every other joint holds its default pose;</item>
/// <item>the feedback ZMP p = ξ + (k/ω)(ξ − ξ_ref) the LIPM asks for, clamped into the support
///   polygon shrunk by a margin, is distributed between the feet: each carries the share of the
///   weight given by where p lies between the soles (<see cref="SupportShare"/>), at p moved into
///   its sole, and the legs get the gravity torques of that support as feed-forward;</item>
/// <item>CoM height regulation: the pelvis height corrects, slowly and within a bound, the CoM's
///   height error (a torso lean lowers it, the joint PD sags);</item>
/// <item>hip strategy: once the DCM comes within a deadband of the support polygon's edge, the
///   torso leans (waist pitch and roll) and both arms swing (shoulder pitch) towards where it
///   escapes, in proportion to how far past the deadband it is: turning the upper body that way
///   pushes the feet the other way and so stops the CoM beyond what the ankles alone can
///   (the centroidal moment pivot leaves the sole); it eases back as the DCM returns.</item>
/// </list>
/// A DCM outside the support polygon for longer than the timeout means no ankle strategy can
/// recover: the controller reports <see cref="BalanceStatus.DcmNotCapturable"/> (a step is
/// needed) and returns <see cref="LoopFault.ControllerFault"/>; so do a CoM estimate that is not
/// a number (<see cref="BalanceStatus.InvalidInput"/>) or implausibly fast
/// (<see cref="BalanceStatus.EstimateImplausible"/>), a leg joint held at its torque limit
/// (<see cref="BalanceStatus.TorqueSaturated"/>), and soles found crossed when the stance is
/// captured (<see cref="BalanceStatus.StanceInvalid"/>).
/// Real-time: <see cref="Update"/> allocates nothing and takes no lock.
/// </summary>
public sealed class StandingBalanceController : IJointController, IControllerTelemetry
{
    private static readonly string[] s_signals =
    [
        "com_x_m", "com_y_m", "com_z_m", "com_vx_mps", "com_vy_mps",
        "dcm_x_m", "dcm_y_m", "zmp_cmd_x_m", "zmp_cmd_y_m", "pelvis_shift_x_m", "pelvis_shift_y_m", "status",
        "torso_lean_pitch_rad", "torso_lean_roll_rad", "left_support_share", "height_correction_m", "saturated_joint",
        "zmp_meas_x_m", "zmp_meas_y_m",
    ];

    /// <summary>
    /// The pelvis stays low enough for both legs' hip–ankle distance to keep within this share of
    /// their length: short of the straight knee, where the inverse kinematics has no answer. At
    /// rest they stand at 0.97.
    /// </summary>
    private const double ReachShare = 0.99;

    private readonly KinematicTree _tree;
    private readonly LegGeometry _leftLeg, _rightLeg;
    private readonly int _leftFirst, _rightFirst, _leftFoot, _rightFoot;
    private readonly JointTargets _targets;
    private readonly double[] _maxTorque;
    private readonly double[] _feedForward, _saturatedSeconds;
    private readonly bool _gravityFeedForward;
    private readonly double _heightTau, _maxHeightCorrection, _returnRate, _maxComSpeed, _fallenTilt, _saturationShare, _saturationTimeout, _ffHeelToeMargin, _ffSideMargin;
    private double _comHeightRef, _heightCorrection, _leftShare = 0.5;
    private readonly double _omega, _dcmGain, _velocityTau, _halfLength, _halfWidth, _margin, _timeout;

    private bool _initialized, _crossed;
    private double _restHeight = double.NaN, _restComHeight, _restX, _restY;
    private double _yaw0;
    private Vec3 _leftSoleG, _rightSoleG;
    private double _leftYaw, _rightYaw;
    private double _pelvisHeight, _pelvisX0, _pelvisY0, _dcmTargetX, _dcmTargetY;
    private readonly double _pelvisGain, _maxShift;
    private Vec3 _com, _comVelocity;
    private double _shiftX, _shiftY;
    private double _zmpX, _zmpY, _dcmX, _dcmY, _zmpMeasuredX = double.NaN, _zmpMeasuredY = double.NaN;
    private double _outsideSeconds;

    // Weight shift (before a squaring step): the DCM target's goal and how fast it moves there.
    private bool _shifting, _returningFrom;
    private double _shiftGoalX, _shiftGoalY, _shiftRate;

    // Hip strategy.
    private readonly double _hipDeadband;
    private double _leanPitch, _leanRoll;

    /// <param name="tree">Whole-body kinematics of the robot.</param>
    /// <param name="comHeight">LIPM CoM height above the soles, m (the default stance's).</param>
    /// <param name="defaultPose">Pose of every joint, rad; the legs' entries are replaced by IK. Length = joint count.</param>
    /// <param name="kp">Joint stiffness, N·m/rad; length = joint count.</param>
    /// <param name="kd">Joint damping, N·m·s/rad; length = joint count.</param>
    /// <param name="minPosition">Joint lower limits, rad; length = joint count.</param>
    /// <param name="maxPosition">Joint upper limits, rad; length = joint count.</param>
    /// <param name="maxTorque">Joint torque limits, N·m; length = joint count.</param>
    /// <param name="options">Gains and geometry.</param>
    public StandingBalanceController(KinematicTree tree, double comHeight, double[] defaultPose, double[] kp, double[] kd,
        double[] minPosition, double[] maxPosition, double[] maxTorque, StandingBalanceOptions options)
    {
        var errors = new List<string>(options.Validate());
        int n = defaultPose.Length;
        if (kp.Length != n || kd.Length != n || minPosition.Length != n || maxPosition.Length != n || maxTorque.Length != n)
        {
            errors.Add($"pose ({n}), kp ({kp.Length}), kd ({kd.Length}), limits ({minPosition.Length}, {maxPosition.Length}) and torque limits ({maxTorque.Length}) must have one entry per joint");
        }
        if (options.LeftLegFirstJoint + 6 > n || options.RightLegFirstJoint + 6 > n)
        {
            errors.Add($"leg joints [{options.LeftLegFirstJoint}, +6) / [{options.RightLegFirstJoint}, +6) exceed the {n} joints");
        }
        foreach (int joint in (int[])[options.WaistRollJoint, options.WaistPitchJoint, .. options.ShoulderPitchJoints ?? []])
        {
            if (joint < 0 || joint >= n || JointTargets.IsLegJoint(joint, options.LeftLegFirstJoint, options.RightLegFirstJoint))
            {
                errors.Add($"hip strategy joint {joint} must be one of the {n} joints and not a leg joint");
            }
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid balance controller options: " + string.Join("; ", errors));
        }
        _tree = tree;
        _leftLeg = options.LeftLeg;
        _rightLeg = options.RightLeg;
        _leftFirst = options.LeftLegFirstJoint;
        _rightFirst = options.RightLegFirstJoint;
        _leftFoot = tree.BodyIndex(options.LeftFootBody);
        _rightFoot = tree.BodyIndex(options.RightFootBody);
        _targets = new JointTargets(defaultPose, kp, kd, minPosition, maxPosition, options);
        _maxTorque = (double[])maxTorque.Clone();
        _feedForward = new double[n];
        _saturatedSeconds = new double[n];
        _gravityFeedForward = options.GravityFeedForward;
        (_ffHeelToeMargin, _ffSideMargin) = (options.FeedForwardHeelToeMargin, options.FeedForwardSideMargin);
        (_heightTau, _maxHeightCorrection, _returnRate) = (options.ComHeightTimeConstant, options.MaxHeightCorrection, options.ReturnRate);
        _maxComSpeed = options.MaxPlausibleComSpeed;
        _fallenTilt = options.FallenTilt;
        (_saturationShare, _saturationTimeout) = (options.SaturationShare, options.SaturationTimeout);
        _omega = new LipmModel(comHeight).Omega;
        _dcmGain = options.DcmGain;
        _velocityTau = options.VelocityFilterTimeConstant;
        _halfLength = options.SoleHalfLength;
        _halfWidth = options.SoleHalfWidth;
        _margin = options.ZmpMargin;
        _timeout = options.UncapturableTimeout;
        _pelvisGain = options.PelvisGain;
        _maxShift = options.MaxPelvisShift;
        _hipDeadband = options.HipStrategyDeadband;
    }

    /// <summary>The latest status (a fault code when not Ok).</summary>
    public BalanceStatus Status { get; private set; }

    /// <summary>The leg joint whose torque saturation raised <see cref="BalanceStatus.TorqueSaturated"/>, or −1: what a safety engineer needs to know next.</summary>
    public int SaturatedJoint { get; private set; } = -1;

    /// <summary>Measured CoM in the ground frame, m.</summary>
    public Vec3 Com => _com;

    /// <summary>Measured CoM velocity in the ground frame, m/s.</summary>
    public Vec3 ComVelocity => _comVelocity;

    /// <summary>Measured DCM (x, y) in the ground frame, m.</summary>
    public (double X, double Y) Dcm => (_dcmX, _dcmY);

    /// <summary>
    /// The ZMP the ankle force/torque sensors measure (x, y) in the ground frame, m: where the
    /// commanded one (telemetry <c>zmp_cmd_*</c>) actually ends up; not a number with both feet in the air.
    /// </summary>
    public (double X, double Y) MeasuredZmp => (_zmpMeasuredX, _zmpMeasuredY);

    /// <summary>Natural frequency of the LIPM, 1/s.</summary>
    public double Omega => _omega;

    /// <summary>
    /// The stance as captured at the first tick after start-up or <see cref="Reset"/> (default
    /// before it), with the pelvis height it holds now (it rises back to <see cref="RestPelvisHeight"/>).
    /// </summary>
    public StanceFrame Stance => new(_leftSoleG, _rightSoleG, _leftYaw, _rightYaw, _yaw0, _pelvisHeight);

    /// <summary>The first stance's pelvis height, which later stances return to, m (NaN before the first tick).</summary>
    public double RestPelvisHeight => _restHeight;

    public IReadOnlyList<string> SignalNames => s_signals;

    /// <summary>Where the pelvis is steered to bring the DCM (x, y), ground frame, m: the rest place over the soles, on its way back there, or a weight shift's.</summary>
    public (double X, double Y) DcmTarget => (_dcmTargetX, _dcmTargetY);

    /// <summary>Where <see cref="ShiftWeight"/> sends the DCM (x, y), ground frame, m; NaN when no shift is under way.</summary>
    public (double X, double Y) WeightShiftGoal => _shifting ? (_shiftGoalX, _shiftGoalY) : (double.NaN, double.NaN);

    /// <summary>
    /// Moves the weight towards (<paramref name="x"/>, <paramref name="y"/>) in the ground frame
    /// (a point over one sole, before the other lifts): the DCM target and the pelvis go there at
    /// <paramref name="rate"/> m/s, and the ZMP the feet are asked for follows the target
    /// instead of the soles' middle, while the DCM is inside the soles. Until
    /// <see cref="EndWeightShift"/> or <see cref="Reset"/>.
    /// </summary>
    public void ShiftWeight(double x, double y, double rate)
    {
        (_shiftGoalX, _shiftGoalY, _shiftRate, _shifting) = (x, y, rate, true);
    }

    /// <summary>Ends a <see cref="ShiftWeight"/>: the DCM target returns to rest at the shift's rate, the ZMP reference to the soles' middle.</summary>
    public void EndWeightShift()
    {
        _returningFrom = _shifting;
        _shifting = false;
    }

    /// <summary>Forgets the stance; the next tick captures the feet where they are.</summary>
    public void Reset()
    {
        _initialized = false;
        (_shifting, _returningFrom) = (false, false);
        _outsideSeconds = 0;
        Array.Clear(_saturatedSeconds);
        SaturatedJoint = -1;
        (_leanPitch, _leanRoll) = (0, 0);
        Status = BalanceStatus.Ok;
    }

    public LoopFault Update(in TickContext tick, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
    {
        Quat orientation = estimate.Orientation;
        if (orientation.Tilt > _fallenTilt)
        {
            _targets.HoldPose(commands);
            Status = BalanceStatus.Fallen;
            return LoopFault.ControllerFault;
        }
        _tree.Update(measured.JointPosition, Vec3.Zero, orientation);
        Vec3 leftSole = _tree.PointOn(_leftFoot, _leftLeg.AnkleToSole);
        Vec3 rightSole = _tree.PointOn(_rightFoot, _rightLeg.AnkleToSole);
        if (!_initialized)
        {
            Initialize(leftSole, rightSole);
        }
        if (_crossed)
        {
            // Legs crossed: the support polygon below is empty and the leg IK would drive the legs
            // through each other. Hold the pose until the stance is captured again (Reset).
            _targets.HoldPose(commands);
            Status = BalanceStatus.StanceInvalid;
            return LoopFault.ControllerFault;
        }
        Quat toGround = Quat.FromYaw(-_yaw0);
        // The soles do not move: each locates the pelvis in G; average the two.
        Vec3 pelvis = 0.5 * (_leftSoleG - toGround.Rotate(leftSole) + (_rightSoleG - toGround.Rotate(rightSole)));
        Vec3 com = pelvis + toGround.Rotate(_tree.Com);
        MeasureZmp(measured, pelvis, toGround);
        double dt = tick.Dt;
        // CoM velocity from joint velocities and the gyro: the chain evaluated ε ahead, differenced.
        const double epsilon = 1e-3;
        _tree.UpdateAhead(measured.JointPosition, measured.JointVelocity, Vec3.Zero, orientation, orientation.Rotate(Vec3.From(measured.ImuGyro)), epsilon);
        Vec3 leftAhead = _tree.PointOn(_leftFoot, _leftLeg.AnkleToSole), rightAhead = _tree.PointOn(_rightFoot, _rightLeg.AnkleToSole);
        Vec3 pelvisAhead = 0.5 * (_leftSoleG - toGround.Rotate(leftAhead) + (_rightSoleG - toGround.Rotate(rightAhead)));
        Vec3 comAhead = pelvisAhead + toGround.Rotate(_tree.Com);
        Vec3 rawVelocity = (comAhead - com) / epsilon;
        _comVelocity += dt / (_velocityTau + dt) * (rawVelocity - _comVelocity);
        _com = com;
        _dcmX = com.X + _comVelocity.X / _omega;
        _dcmY = com.Y + _comVelocity.Y / _omega;

        // Support polygon of double support (the soles' bounding box in G), and the DCM target at its centre.
        double minX = Math.Min(_leftSoleG.X, _rightSoleG.X) - _halfLength, maxX = Math.Max(_leftSoleG.X, _rightSoleG.X) + _halfLength;
        double minY = _rightSoleG.Y - _halfWidth, maxY = _leftSoleG.Y + _halfWidth;
        double refDcmX = 0.5 * (_leftSoleG.X + _rightSoleG.X), refDcmY = 0.5 * (_leftSoleG.Y + _rightSoleG.Y);
        if (_shifting)
        {
            (refDcmX, refDcmY) = (_dcmTargetX, _dcmTargetY);
        }

        // The ZMP the LIPM asks for (p = ξ + (k/ω)(ξ − ξ_ref)), within what the feet can provide: telemetry.
        _zmpX = Math.Clamp(_dcmX + _dcmGain / _omega * (_dcmX - refDcmX), minX + _margin, maxX - _margin);
        _zmpY = Math.Clamp(_dcmY + _dcmGain / _omega * (_dcmY - refDcmY), minY + _margin, maxY - _margin);

        bool outside = _dcmX < minX || _dcmX > maxX || _dcmY < minY || _dcmY > maxY;
        _outsideSeconds = outside ? _outsideSeconds + dt : 0;

        // A broken estimate is a fault before any command is computed from it; the faulted tick holds the pose.
        bool finite = com.IsFinite && _comVelocity.IsFinite;
        if (!finite || _comVelocity.Norm > _maxComSpeed)
        {
            _targets.HoldPose(commands);
            Status = finite ? BalanceStatus.EstimateImplausible : BalanceStatus.InvalidInput;
            return LoopFault.ControllerFault;
        }

        // Distribution of the desired ZMP between the feet, and the gravity torques of that support.
        // The tree holds the pose 1 ms ahead (the velocity estimate above): the torques differ by
        // ε·q̇, far under a percent, and a second update would cost more than it corrects.
        DistributeSupport(pelvis, toGround);

        ReturnToRest(outside, dt);

        // CoM height regulation: the pelvis takes up the CoM's height error, slowly and within a bound.
        _heightCorrection = Math.Clamp(_heightCorrection + dt / _heightTau * (_comHeightRef - com.Z), -_maxHeightCorrection, _maxHeightCorrection);

        // Pelvis target: the stance pose shifted against the DCM error (moving the pelvis back
        // when the DCM is ahead makes the ankles push the ZMP forward), upright, at stance height
        // plus the height regulation's correction.
        _shiftX = Math.Clamp(-_pelvisGain * (_dcmX - _dcmTargetX), -_maxShift, _maxShift);
        _shiftY = Math.Clamp(-_pelvisGain * (_dcmY - _dcmTargetY), -_maxShift, _maxShift);
        // Never higher than both legs reach: after a wide closing step the height regulation
        // lifted the pelvis past full extension, and the stance it could not reach faulted.
        double pelvisX = _pelvisX0 + _shiftX, pelvisY = _pelvisY0 + _shiftY;
        double reach = Math.Min(_leftLeg.HighestPelvis(_leftSoleG, pelvisX, pelvisY, ReachShare), _rightLeg.HighestPelvis(_rightSoleG, pelvisX, pelvisY, ReachShare));
        var pelvisTarget = new Vec3(pelvisX, pelvisY, Math.Min(_pelvisHeight + _heightCorrection, reach));
        // Every joint holds its default pose; the legs' IK and the hip strategy then overwrite theirs.
        _targets.HoldPose(commands);
        LegIkResult left = _targets.SolveLeg(_leftLeg, _leftSoleG - pelvisTarget, Quat.FromYaw(_leftYaw), _leftFirst, _feedForward, commands);
        LegIkResult right = _targets.SolveLeg(_rightLeg, _rightSoleG - pelvisTarget, Quat.FromYaw(_rightYaw), _rightFirst, _feedForward, commands);
        HipStrategy(minX, maxX, minY, maxY, commands);

        // Every tick, whatever else is wrong: the saturation timers must not pause.
        bool saturated = Saturated(measured.JointTorque, tick.Dt);
        if (left is LegIkResult.InvalidInput || right is LegIkResult.InvalidInput)
        {
            Status = BalanceStatus.InvalidInput;
        }
        else if (left is LegIkResult.TooFar or LegIkResult.TooNear || right is LegIkResult.TooFar or LegIkResult.TooNear)
        {
            Status = BalanceStatus.LegUnreachable;
        }
        else if (saturated)
        {
            Status = BalanceStatus.TorqueSaturated;
        }
        else if (_outsideSeconds > _timeout)
        {
            Status = BalanceStatus.DcmNotCapturable;
        }
        else
        {
            Status = BalanceStatus.Ok;
        }
        return Status == BalanceStatus.Ok ? LoopFault.None : LoopFault.ControllerFault;
    }

    public void WriteSignals(Span<double> destination)
    {
        ReadOnlySpan<double> values =
        [
            _com.X, _com.Y, _com.Z, _comVelocity.X, _comVelocity.Y, _dcmX, _dcmY, _zmpX, _zmpY, _shiftX, _shiftY, (double)Status,
            _leanPitch, _leanRoll, _leftShare, _heightCorrection, SaturatedJoint, _zmpMeasuredX, _zmpMeasuredY,
        ];
        values[..Math.Min(values.Length, destination.Length)].CopyTo(destination);
    }

    /// <summary>
    /// The ZMP the feet actually provide (telemetry beside the commanded one): each loaded sole's
    /// CoP from its ankle force/torque sensor, weighted by the load it carries; not a number when
    /// neither sole carries 5 % of the weight. Uses the tree as updated for this tick's pose.
    /// </summary>
    private void MeasureZmp(RobotState measured, Vec3 pelvis, Quat toGround)
    {
        double minLoad = ContactLoadShare * _tree.TotalMass * LipmModel.Gravity;
        FootCop.TryCompute(measured.LeftFootWrench, -_leftLeg.AnkleToSole.Z, minLoad, out double lx, out double ly, out double leftLoad);
        FootCop.TryCompute(measured.RightFootWrench, -_rightLeg.AnkleToSole.Z, minLoad, out double rx, out double ry, out double rightLoad);
        double load = leftLoad + rightLoad;
        if (load <= 0)
        {
            (_zmpMeasuredX, _zmpMeasuredY) = (double.NaN, double.NaN);
            return;
        }
        Vec3 left = leftLoad > 0 ? _tree.PointOn(_leftFoot, new Vec3(lx, ly, _leftLeg.AnkleToSole.Z)) : Vec3.Zero;
        Vec3 right = rightLoad > 0 ? _tree.PointOn(_rightFoot, new Vec3(rx, ry, _rightLeg.AnkleToSole.Z)) : Vec3.Zero;
        Vec3 zmp = pelvis + toGround.Rotate((leftLoad * left + rightLoad * right) / load);
        (_zmpMeasuredX, _zmpMeasuredY) = (zmp.X, zmp.Y);
    }

    /// <summary>Share of the robot's weight a sole must carry for its sensor's CoP to count.</summary>
    private const double ContactLoadShare = 0.05;

    /// <summary>
    /// The hip strategy: how far the DCM is past the deadband at each edge of the support box
    /// turns into a torso lean and an arm swing the same way (<see cref="JointTargets.Lean"/>).
    /// </summary>
    private void HipStrategy(double minX, double maxX, double minY, double maxY, Span<JointCommand> commands)
    {
        double pastX = Math.Max(0, _dcmX - (maxX - _hipDeadband)) - Math.Max(0, minX + _hipDeadband - _dcmX);
        double pastY = Math.Max(0, _dcmY - (maxY - _hipDeadband)) - Math.Max(0, minY + _hipDeadband - _dcmY);
        (_leanPitch, _leanRoll) = _targets.Lean(pastX, pastY, commands);
    }

    /// <summary>
    /// Splits the weight between the feet by where the desired ZMP lies between the soles; each
    /// foot's share acts at the ZMP moved into its sole (the ZMP's offset across the line between
    /// the soles goes to both), and the legs get that support's gravity torques as feed-forward.
    /// </summary>
    private void DistributeSupport(Vec3 pelvis, Quat toGround)
    {
        _leftShare = SupportShare.Left(_zmpX, _zmpY, _leftSoleG.X, _leftSoleG.Y, _rightSoleG.X, _rightSoleG.Y);
        if (!_gravityFeedForward)
        {
            return;
        }
        double alongX = _rightSoleG.X + _leftShare * (_leftSoleG.X - _rightSoleG.X), alongY = _rightSoleG.Y + _leftShare * (_leftSoleG.Y - _rightSoleG.Y);
        double acrossX = _zmpX - alongX, acrossY = _zmpY - alongY;
        Quat toTree = toGround.Conjugate;
        Vec3 leftContact = toTree.Rotate(InSole(_leftSoleG, acrossX, acrossY) - pelvis);
        Vec3 rightContact = toTree.Rotate(InSole(_rightSoleG, acrossX, acrossY) - pelvis);
        _tree.SupportTorques(_leftFoot, leftContact, _leftShare, LipmModel.Gravity, _feedForward);
        _tree.SupportTorques(_rightFoot, rightContact, 1 - _leftShare, LipmModel.Gravity, _feedForward);
    }

    /// <summary>
    /// The sole point moved by (dx, dy), kept inside the sole by the feed-forward margins (G, on
    /// the floor): the PD's own ankle torque comes on top of the feed-forward, and a feed-forward
    /// CoP at the toe tips the sole (measured: 1 N·s less recovered forward and diagonally).
    /// </summary>
    private Vec3 InSole(Vec3 sole, double dx, double dy) => new(
        sole.X + Math.Clamp(dx, -_halfLength + _ffHeelToeMargin, _halfLength - _ffHeelToeMargin),
        sole.Y + Math.Clamp(dy, -_halfWidth + _ffSideMargin, _halfWidth - _ffSideMargin), 0);

    /// <summary>
    /// A stance captured off the rest posture (the first stance's: its pelvis height, and the
    /// CoM where it stood over the soles' middle) returns to it at
    /// <see cref="StandingBalanceOptions.ReturnRate"/> while the DCM is inside the soles: the
    /// pelvis rises to the first stance's height and the CoM height reference to the first CoM
    /// height, and the DCM target and the pelvis move back over the middle. A capture step leaves the robot 5–6 cm lower and the CoM 4 cm
    /// off the middle. Left there, each further step dropped it another 5–6 cm, and a third
    /// push forward fell from a crouch.
    /// </summary>
    private void ReturnToRest(bool outside, double dt)
    {
        if (outside)
        {
            return;
        }
        double step = _returnRate * dt;
        _pelvisHeight += Math.Clamp(_restHeight - _pelvisHeight, 0, step);
        // The CoM's own rest height: a crouch folds the legs' mass up towards the pelvis, so the
        // CoM does not rise by as much as the pelvis (the same rise overshot by 1 cm).
        _comHeightRef += Math.Clamp(_restComHeight - _comHeightRef, 0, step);
        // A weight shift moves the same targets, to its goal and at its own rate.
        double ex = (_shifting ? _shiftGoalX : _restX) - _dcmTargetX, ey = (_shifting ? _shiftGoalY : _restY) - _dcmTargetY;
        double off = Math.Sqrt(ex * ex + ey * ey);
        if (off > 1e-9)
        {
            double share = Math.Min(off, _shifting || _returningFrom ? _shiftRate * dt : step) / off;
            (_dcmTargetX, _dcmTargetY) = (_dcmTargetX + share * ex, _dcmTargetY + share * ey);
            (_pelvisX0, _pelvisY0) = (_pelvisX0 + share * ex, _pelvisY0 + share * ey);
        }
        else
        {
            _returningFrom = false;
        }
    }

    /// <summary>Whether a leg joint has stayed at its torque limit for longer than the timeout.</summary>
    private bool Saturated(ReadOnlySpan<double> torque, double dt)
    {
        SaturatedJoint = -1;
        for (int i = 0; i < torque.Length && i < _saturatedSeconds.Length; i++)
        {
            if (!_targets.IsLeg(i))
            {
                continue;
            }
            _saturatedSeconds[i] = Math.Abs(torque[i]) >= _saturationShare * _maxTorque[i] ? _saturatedSeconds[i] + dt : 0;
            if (_saturatedSeconds[i] > _saturationTimeout && SaturatedJoint < 0)
            {
                SaturatedJoint = i;
            }
        }
        return SaturatedJoint >= 0;
    }


    private void Initialize(Vec3 leftSole, Vec3 rightSole)
    {
        double leftYaw = _tree.Orientation(_leftFoot).Yaw, rightYaw = _tree.Orientation(_rightFoot).Yaw;
        _yaw0 = Math.Atan2(Math.Sin(leftYaw) + Math.Sin(rightYaw), Math.Cos(leftYaw) + Math.Cos(rightYaw));
        Quat toGround = Quat.FromYaw(-_yaw0);
        Vec3 middle = 0.5 * (leftSole + rightSole);
        _leftSoleG = toGround.Rotate(leftSole - middle);
        _rightSoleG = toGround.Rotate(rightSole - middle);
        _leftSoleG = _leftSoleG with { Z = 0 };
        _rightSoleG = _rightSoleG with { Z = 0 };
        _crossed = _leftSoleG.Y - _rightSoleG.Y < 2 * _halfWidth;
        _leftYaw = leftYaw - _yaw0;
        _rightYaw = rightYaw - _yaw0;
        Vec3 pelvis = toGround.Rotate(-middle);
        _pelvisHeight = pelvis.Z;
        (_pelvisX0, _pelvisY0) = (pelvis.X, pelvis.Y);
        _com = pelvis + toGround.Rotate(_tree.Com);
        if (double.IsNaN(_restHeight))
        {
            // The first stance is the rest posture later stances return to.
            (_restHeight, _restComHeight, _restX, _restY) = (_pelvisHeight, _com.Z, _com.X, _com.Y);
        }
        _comHeightRef = _com.Z;
        _heightCorrection = 0;
        _comVelocity = Vec3.Zero;
        (_shiftX, _shiftY) = (0, 0);
        (_dcmTargetX, _dcmTargetY) = (_com.X, _com.Y);
        _outsideSeconds = 0;
        _initialized = true;
    }
}
