using Robot.Control.Kinematics;
using Robot.Control.Lipm;
using Robot.Core.Control;
using Robot.Core.Geometry;
using Robot.Core.Hardware;

namespace Robot.Control.Balance;

/// <summary>
/// Balance with stepping: the standing law (<see cref="StandingBalanceController"/>: ankle and hip
/// strategies) until they are not enough, then a capture step and a closing step, then the
/// standing law again in the new stance. Ground frame G as the standing law's.
///
/// <list type="number">
/// <item>Trigger: the standing law raises <see cref="BalanceStatus.DcmNotCapturable"/> (the DCM
///   outside the soles for its timeout), the DCM is <see cref="CaptureStepOptions.TriggerPast"/>
///   past their front or back, or a sole rolls onto its edge (<see cref="CaptureStepOptions.RollTilt"/>)
///   with the DCM at their front or back. The DCM here is this controller's own, contact-aware
///   estimate, run beside the standing law's. The fault is not passed on: this controller owns it.</item>
/// <item>Capture step: the foot on the side the DCM leans to lifts at once (a weight shift first
///   takes longer than the DCM allows). During the swing the CoP is held at the stance sole's
///   point nearest the DCM; the pelvis follows the LIPM about that CoP (shifted against the DCM
///   error) and drops within the legs' reach; the foot lands at the DCM predicted for touchdown
///   from the stance CoP the ankle sensor measures, re-aimed until late in the swing.</item>
/// <item>Double support: the DCM reference converges to the middle of the two soles, the CoP the
///   LIPM asks for is kept inside their hull, the weight is shared at it with gravity
///   feed-forward, and Kajita's stabiliser (ankle damping and foot force difference control from
///   the ankle force/torque sensors) makes the soles carry it.</item>
/// <item>Closing step: the rear foot is brought beside the landed one (a split stance leaves the
///   DCM in the hull's narrow diagonal, where no CoP pushes it back in), wide enough to have the
///   DCM inside; after <see cref="CaptureStepOptions.SettleTime"/> the standing law captures the
///   new stance.</item>
/// <item>Squaring step (<see cref="CaptureStepOptions.SquareUp"/>): once the robot stands still,
///   soles that slid narrower than the first stance (or far wider, staggered or turned) are put
///   back: the standing law shifts the weight onto one foot, the other steps to the first
///   stance's place with the CoP chosen to carry the DCM to the new stance's middle, and the
///   standing law takes over 0.1 s after touchdown. A push meanwhile ends the shift (the
///   standing law is in charge throughout it) or turns the step into a capture step.</item>
/// </list>
/// The estimate locates the pelvis from the loaded soles through the leg kinematics, each sole
/// pivoting on the edge it rolls on once it tilts. Real-time: <see cref="Update"/> allocates
/// nothing and takes no lock.
/// </summary>
public sealed class CaptureStepController : IJointController, IControllerTelemetry
{
    /// <summary>This controller's own signals; the standing law's follow them (its values as of its last tick).</summary>
    private static readonly string[] s_signals =
    [
        "step_phase", "steps_taken", "step_status", "step_dcm_x_m", "step_dcm_y_m", "step_dcm_ref_x_m", "step_dcm_ref_y_m",
        "step_cop_cmd_x_m", "step_cop_cmd_y_m", "step_landing_x_m", "step_landing_y_m", "step_pelvis_z_cmd_m", "squaring_steps",
    ];

    /// <summary>A sole's CoP counts for the landing prediction once it carries this share of the weight.</summary>
    private const double CopLoadShare = 0.3;

    /// <summary>How far ahead the swing leg's joint rates look, s.</summary>
    private const double RateLookahead = 0.005;

    /// <summary>Filter on the stance legs' command rates (the joint velocity targets), s.</summary>
    private const double RateFilter = 0.003;

    /// <summary>The own estimate runs while the standing law's DCM is less than this inside the soles' bounding box, m.</summary>
    private const double OwnEstimateInside = 0.03;

    /// <summary>The own estimate runs while a sole is tilted more than this, rad (flat: under 0.01 standing).</summary>
    private const double OwnEstimateTilt = 0.02;

    /// <summary>Largest pelvis shift against the DCM error, m.</summary>
    private const double MaxShift = 0.06;

    /// <summary>The soles' relative yaw may differ this much from the first stance's before a squaring step, rad.</summary>
    private const double SquareYawTolerance = 0.1;

    /// <summary>Quiet, for the squaring check: the CoM slower than this, m/s.</summary>
    private const double QuietSpeed = 0.03;

    /// <summary>A weight shift ends when the DCM is this far off the standing law's target (a push), m.</summary>
    private const double ShiftPushed = 0.03;

    /// <summary>A squaring step's foot lifts once it carries less than this share of the weight.</summary>
    private const double LiftLoadShare = 0.4;

    /// <summary>
    /// After a squaring step's touchdown the standing law takes over after this long, s: the
    /// step has carried the DCM to the middle, the landing is soft, and the double support here
    /// is weaker against a push than the standing law (a sideways 12 N·s push in it fell).
    /// </summary>
    private const double SquaringSettle = 0.1;

    /// <summary>A squaring step becomes a recovery step once the DCM it predicts for touchdown is less than this far inside the stance it lands in, m.</summary>
    private const double SquaringInside = 0.03;

    /// <summary>A weight shift that has not unloaded the foot by then gives the robot back to the standing law, s.</summary>
    private const double ShiftTimeout = 2;

    /// <summary>At most this many squaring steps in a row, without a disturbance in between (a landing that misses the tolerance is not chased forever).</summary>
    private const int MaxSquaringInRow = 2;

    /// <summary>Below this share of the weight a closing step's stance sole is taken to carry nothing (<see cref="Estimate"/>; a squaring step is a closing step too).</summary>
    private const double UnloadedShare = 0.1;

    private readonly StandingBalanceController _standing;
    private readonly CaptureStepOptions _o;
    private readonly StandingBalanceOptions _legs;
    private readonly KinematicTree _tree;
    private readonly LegGeometry _leftLeg, _rightLeg;
    private readonly int _leftFirst, _rightFirst, _leftFoot, _rightFoot;
    private readonly JointTargets _targets;
    private readonly double[] _ff, _lastCommand, _rate, _swingRate;
    private readonly double[] _qAhead = new double[6];
    private readonly double _omega, _halfLength, _halfWidth;
    private readonly FootHull _hull = new(), _squareHull = new();
    private readonly FootStabiliser _stabiliser;
    private readonly string[] _signalNames;

    private TickContext _tick;
    private bool _initialized;
    private double _yaw0, _dropFrom;
    private Vec3 _leftSoleG, _rightSoleG;
    private double _leftYaw, _rightYaw;

    private double _t, _touchSeconds, _outsideSeconds;
    private bool _leftSwings, _closing, _swingRatesValid, _ownEstimate;
    private Vec3 _swingStart, _landing;
    private double _swingStartYaw, _landingYaw;

    // Squaring: the first stance's placement of the left sole from the right (in the right
    // sole's heading), the time stood quiet, whether this quiet spell has been checked.
    private Vec3 _restOffset;
    private double _restYawOffset, _quietSeconds, _pushedSeconds;
    private bool _restKnown, _squareChecked, _squaring;
    private int _squaringInRow;
    // A weight shift ended without its step: the robot sways back, which is not a push.
    private bool _shiftGaveUp;
    // The last check found the soles staggered along the feet: the weight shifts slower.
    private bool _staggered;
    private Vec3 _com, _velocity, _comRef, _velocityRef, _pelvisMeasured;
    private double _dcmX, _dcmY, _dcmRefX, _dcmRefY, _copX, _copY, _measuredCopX, _measuredCopY;
    private double _pelvisZ, _heightCommand, _landedPelvisZ, _estimateShare = 0.5, _loadLeft, _loadRight;

    /// <param name="tree">Whole-body kinematics of the robot (shared with the standing law it wraps).</param>
    /// <param name="comHeight">LIPM CoM height above the soles, m.</param>
    /// <param name="defaultPose">Pose of every joint, rad.</param>
    /// <param name="kp">Joint stiffness, N·m/rad.</param>
    /// <param name="kd">Joint damping, N·m·s/rad.</param>
    /// <param name="minPosition">Joint lower limits, rad.</param>
    /// <param name="maxPosition">Joint upper limits, rad.</param>
    /// <param name="maxTorque">Joint torque limits, N·m.</param>
    /// <param name="options">The standing law's gains and geometry.</param>
    /// <param name="step">The capture step's tunables.</param>
    /// <exception cref="ArgumentException">Invalid options, listing every problem.</exception>
    public CaptureStepController(KinematicTree tree, double comHeight, double[] defaultPose, double[] kp, double[] kd,
        double[] minPosition, double[] maxPosition, double[] maxTorque, StandingBalanceOptions options, CaptureStepOptions step)
    {
        IReadOnlyList<string> errors = step.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid capture step options: " + string.Join("; ", errors));
        }
        _standing = new StandingBalanceController(tree, comHeight, defaultPose, kp, kd, minPosition, maxPosition, maxTorque, options);
        _o = step;
        _legs = options;
        _tree = tree;
        _leftLeg = options.LeftLeg;
        _rightLeg = options.RightLeg;
        _leftFirst = options.LeftLegFirstJoint;
        _rightFirst = options.RightLegFirstJoint;
        _leftFoot = tree.BodyIndex(options.LeftFootBody);
        _rightFoot = tree.BodyIndex(options.RightFootBody);
        _targets = new JointTargets(defaultPose, kp, kd, minPosition, maxPosition, options);
        int n = defaultPose.Length;
        (_ff, _lastCommand, _rate, _swingRate) = (new double[n], new double[n], new double[n], new double[n]);
        _omega = new LipmModel(comHeight).Omega;
        _halfLength = options.SoleHalfLength;
        _halfWidth = options.SoleHalfWidth;
        _signalNames = [.. s_signals, .. _standing.SignalNames];
        _stabiliser = new FootStabiliser(step.AnkleDampingGain, step.AnkleDampingTime, step.FootForceGain, step.FootForceTime);
    }

    /// <summary>The standing law this controller hands the robot back to between steps.</summary>
    public StandingBalanceController Standing => _standing;

    /// <summary>What the controller is doing now.</summary>
    public StepPhase Phase { get; private set; }

    /// <summary>Steps taken to recover since start-up (capture and closing steps both count; squaring steps do not).</summary>
    public int StepsTaken { get; private set; }

    /// <summary>Steps taken since start-up to square the stance up again (<see cref="CaptureStepOptions.SquareUp"/>).</summary>
    public int SquaringSteps { get; private set; }

    /// <summary>The latest status (a fault code when not Ok).</summary>
    public BalanceStatus Status { get; private set; }

    /// <summary>Measured DCM (x, y), ground frame, m.</summary>
    public (double X, double Y) Dcm => (_dcmX, _dcmY);

    /// <summary>Where the swing foot is sent, or was last sent, m, in the ground frame of the stance the step started from.</summary>
    public (double X, double Y) Landing => (_landing.X, _landing.Y);

    public IReadOnlyList<string> SignalNames => _signalNames;

    public void WriteSignals(Span<double> destination)
    {
        ReadOnlySpan<double> values =
        [
            (double)Phase, StepsTaken, (double)Status, _dcmX, _dcmY, _dcmRefX, _dcmRefY, _copX, _copY, _landing.X, _landing.Y, _pelvisZ, SquaringSteps,
        ];
        int own = Math.Min(values.Length, destination.Length);
        values[..own].CopyTo(destination);
        _standing.WriteSignals(destination[own..]);
    }

    public LoopFault Update(in TickContext tick, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
    {
        double dt = tick.Dt;
        _tick = tick;
        (_loadLeft, _loadRight) = (SoleLoad(measured.LeftFootWrench), SoleLoad(measured.RightFootWrench));
        if (estimate.Orientation.Tilt > _legs.FallenTilt)
        {
            // Down, or past any recovery, whatever the phase: no more steps (34 N·s at 45° took a
            // fourth one on the way down, and faulted 0.8 s after the robot was down).
            _targets.HoldPose(commands);
            Status = BalanceStatus.Fallen;
            return LoopFault.ControllerFault;
        }
        if (Phase is StepPhase.Standing or StepPhase.WeightShift)
        {
            LoopFault fault = _standing.Update(tick, measured, estimate, commands);
            if (!_initialized)
            {
                // The standing law has just captured its stance: step in the same frame.
                TakeStance(_standing.Stance);
            }
            RememberCommands(commands, dt, moving: false);
            bool uncapturable = _standing.Status == BalanceStatus.DcmNotCapturable;
            double minX = Math.Min(_leftSoleG.X, _rightSoleG.X) - _halfLength, maxX = Math.Max(_leftSoleG.X, _rightSoleG.X) + _halfLength;
            double tilt = StandingEstimate(measured, estimate.Orientation, minX, maxX, dt);
            bool atEnd = _dcmX > maxX - _o.RollZone || _dcmX < minX + _o.RollZone;
            bool rolling = atEnd && tilt > _o.RollTilt;
            bool escapes = uncapturable || rolling || _dcmX > maxX + _o.TriggerPast || _dcmX < minX - _o.TriggerPast;
            if (!escapes || (fault != LoopFault.None && !uncapturable))
            {
                Status = _standing.Status;
                if (fault != LoopFault.None)
                {
                    EndWeightShift();
                }
                else if (Phase == StepPhase.WeightShift)
                {
                    // From the next tick: this one's commands are the standing law's.
                    ShiftWeight(dt);
                }
                else if (_o.SquareUp && Drifted(dt))
                {
                    StartWeightShift();
                }
                return fault;
            }
            // A push: whatever the standing law was doing, the step is a capture step.
            EndWeightShift();
            (_squaringInRow, _shiftGaveUp) = (0, false);
            StartCaptureStep(_standing.Stance.PelvisHeight);
        }
        _t += dt;
        return Phase == StepPhase.Swing ? Swing(dt, measured, estimate, commands) : DoubleSupport(dt, measured, estimate, commands);
    }

    /// <summary>
    /// The DCM while standing, and how far the more tilted sole is tilted (the trigger reads
    /// both). Near the soles' edge the step's own estimate takes over from the standing law's,
    /// whose soles are flat: a sole rolling on its edge carries the CoM past where flat soles put
    /// it (forward, the standing law's DCM made the step late enough to lose pushes from 17.5
    /// N·s). Well inside, with flat soles, the two agree, and the standing law's costs nothing
    /// extra (the own estimate is two more passes over the tree, 3 µs).
    /// </summary>
    private double StandingEstimate(RobotState measured, Quat orientation, double minX, double maxX, double dt)
    {
        (double standingX, double standingY) = _standing.Dcm;
        double minY = _rightSoleG.Y - _halfWidth, maxY = _leftSoleG.Y + _halfWidth;
        double inside = Math.Min(Math.Min(standingX - minX, maxX - standingX), Math.Min(standingY - minY, maxY - standingY));
        // The tree holds this tick's pose 1 ms ahead, as the own estimate leaves it too.
        double tilt = Math.Max(SoleTilt(_leftFoot), SoleTilt(_rightFoot));
        if (inside < OwnEstimateInside || tilt > OwnEstimateTilt)
        {
            if (!_ownEstimate)
            {
                // Its velocity filter starts from the standing law's estimate.
                _velocity = _standing.ComVelocity;
                _ownEstimate = true;
            }
            double left = Math.Max(_loadLeft, 1), right = Math.Max(_loadRight, 1);
            Estimate(measured, orientation, Quat.FromYaw(-_yaw0), left / (left + right), dt);
        }
        else
        {
            _ownEstimate = false;
            (_dcmX, _dcmY) = (standingX, standingY);
            (_com, _velocity) = (_standing.Com, _standing.ComVelocity);
        }
        return tilt;
    }

    /// <summary>
    /// Whether the soles have drifted off the first stance's placement, checked once per quiet
    /// spell: the robot stood still (status Ok, CoM slower than 3 cm/s, back at the first
    /// stance's height) for <see cref="CaptureStepOptions.SquareQuietTime"/>. The standing law
    /// keeps its soles where it captured them; the leg kinematics say where they are.
    /// </summary>
    private bool Drifted(double dt)
    {
        Vec3 v = _standing.ComVelocity;
        double speed2 = v.X * v.X + v.Y * v.Y;
        bool quiet = _standing.Status == BalanceStatus.Ok && speed2 < QuietSpeed * QuietSpeed
            && _standing.Stance.PelvisHeight >= _standing.RestPelvisHeight - 0.005;
        if (speed2 > 0.01 && !_shiftGaveUp)
        {
            // Moving at 10 cm/s: a disturbance, after which squaring may start again. (Not the
            // sway back from a weight shift given up: counted as one, a staggered stance whose
            // shift always overshot was retried every 3.5 s, each time tilting the pelvis 0.16 rad.)
            _squaringInRow = 0;
        }
        _quietSeconds = quiet ? _quietSeconds + dt : 0;
        _shiftGaveUp &= _quietSeconds < _o.SquareQuietTime;
        _squareChecked &= quiet;
        if (_quietSeconds < _o.SquareQuietTime || _squareChecked || _squaringInRow >= MaxSquaringInRow)
        {
            return false;
        }
        _squareChecked = true;
        // The tree holds this tick's pose 1 ms ahead: standing still, the same pose.
        (Vec3 offset, double yawOffset) = SoleOffset();
        Vec3 off = offset - _restOffset;
        // Narrower costs sideways margin; wider or staggered only once it is far off.
        _staggered = Math.Abs(off.X) > _o.SquareWideTolerance;
        return off.Y < -_o.SquareTolerance || off.Y > _o.SquareWideTolerance || _staggered
            || Math.Abs(Math.IEEERemainder(yawOffset - _restYawOffset, 2 * Math.PI)) > SquareYawTolerance;
    }

    /// <summary>The left sole's place and yaw from the right one, in the right sole's heading, as the tree's pose puts them.</summary>
    private (Vec3 Offset, double Yaw) SoleOffset()
    {
        double rightYaw = _tree.Orientation(_rightFoot).Yaw;
        Vec3 between = _tree.PointOn(_leftFoot, _leftLeg.AnkleToSole) - _tree.PointOn(_rightFoot, _rightLeg.AnkleToSole);
        return (Quat.FromYaw(-rightYaw).Rotate(between) with { Z = 0 }, _tree.Orientation(_leftFoot).Yaw - rightYaw);
    }

    /// <summary>
    /// A squaring step begins: the less loaded foot will step, the other stays. The standing
    /// law moves the weight onto the staying sole, to just inside its centre
    /// (<see cref="CaptureStepOptions.ShiftInside"/>), slower from a staggered stance
    /// (<see cref="CaptureStepOptions.StaggeredShiftRate"/>); a push meanwhile is the standing
    /// law's, and steps as any other.
    /// </summary>
    private void StartWeightShift()
    {
        _leftSwings = _loadLeft < _loadRight;
        Vec3 stanceG = _leftSwings ? _rightSoleG : _leftSoleG, swingG = _leftSwings ? _leftSoleG : _rightSoleG;
        Vec3 towards = swingG - stanceG;
        double n = Math.Max(1e-6, Math.Sqrt(towards.X * towards.X + towards.Y * towards.Y));
        _standing.ShiftWeight(stanceG.X + _o.ShiftInside * towards.X / n, stanceG.Y + _o.ShiftInside * towards.Y / n,
            _staggered ? _o.StaggeredShiftRate : _o.ShiftRate);
        Phase = StepPhase.WeightShift;
        _t = 0;
        _squaringInRow++;
    }

    /// <summary>
    /// During the weight shift: the squaring step lifts once the standing law's DCM target has
    /// reached the goal, its DCM is within 1 cm of it and the stepping foot carries under 40 % of
    /// the weight. A push (the DCM 3 cm off its target) or a shift that has not got there in 2 s
    /// ends it (the stance is checked again in the next quiet spell). The standing law's own DCM
    /// is the one it regulates: the contact-aware estimate differs from it by up to 1 cm here.
    /// </summary>
    private void ShiftWeight(double dt)
    {
        _t += dt;
        double swingLoad = _leftSwings ? _loadLeft : _loadRight;
        (double goalX, double goalY) = _standing.WeightShiftGoal;
        (double targetX, double targetY) = _standing.DcmTarget;
        (double dcmX, double dcmY) = _standing.Dcm;
        double ex = dcmX - targetX, ey = dcmY - targetY;
        bool arrived = Math.Abs(targetX - goalX) + Math.Abs(targetY - goalY) < 1e-6 && ex * ex + ey * ey < 0.01 * 0.01;
        if (arrived && swingLoad < LiftLoadShare * _tree.TotalMass * LipmModel.Gravity)
        {
            StartSquaringStep();
        }
        else if (_t > ShiftTimeout || ex * ex + ey * ey > ShiftPushed * ShiftPushed)
        {
            _shiftGaveUp = true;
            EndWeightShift();
        }
    }

    /// <summary>The standing law stops shifting the weight and the robot stands on it again.</summary>
    private void EndWeightShift()
    {
        if (Phase == StepPhase.WeightShift)
        {
            _standing.EndWeightShift();
            Phase = StepPhase.Standing;
        }
    }

    /// <summary>
    /// The squaring step lifts: its sole is put where the kinematics say it lies from the staying
    /// one (it slid away from where the standing law keeps it), and it lands where the first
    /// stance had it, at the standing height.
    /// </summary>
    private void StartSquaringStep()
    {
        _standing.EndWeightShift();
        // The tree holds this tick's pose 1 ms ahead: standing still, the same pose.
        PlaceSwingSole(Quat.FromYaw(-_yaw0), _leftSwings ? _rightFoot : _leftFoot, _leftSwings ? _rightLeg : _leftLeg,
            _leftSwings ? _leftFoot : _rightFoot, _leftSwings ? _leftLeg : _rightLeg, _leftSwings ? _rightSoleG : _leftSoleG);
        _squaring = true;
        _closing = true;
        _dropFrom = _standing.Stance.PelvisHeight;
        _heightCommand = _dropFrom;
        StartSwing();
        AimSquaringStep();
        _pushedSeconds = 0;
        Vec3 stance = _leftSwings ? _rightSoleG : _leftSoleG;
        _squareHull.Set(_landing.X, _landing.Y, stance.X, stance.Y, _halfLength, _halfWidth);
    }

    /// <param name="standingHeight">Pelvis height the step starts from, m.</param>
    private void StartCaptureStep(double standingHeight)
    {
        _leftSwings = _dcmY >= 0;
        _closing = false;
        // The drop starts from where the pelvis stands, never above the first stance: soon after
        // an earlier step, while the stance rises back, that is up to 6 cm under it. (From the
        // first stance's height the pelvis rose 5 cm as the foot lifted, and a second push after a
        // step fell: 17 then 14 N·s forward.)
        _dropFrom = Math.Min(_standing.RestPelvisHeight, standingHeight);
        _heightCommand = _dropFrom;
        StartSwing();
    }

    private void StartSwing()
    {
        Phase = StepPhase.Swing;
        if (_squaring)
        {
            SquaringSteps++;
        }
        else
        {
            StepsTaken++;
        }
        Status = BalanceStatus.Ok;
        _t = 0;
        _swingRatesValid = false;
        _swingStart = _leftSwings ? _leftSoleG : _rightSoleG;
        _landing = _swingStart;
        _swingStartYaw = _landingYaw = _leftSwings ? _leftYaw : _rightYaw;
        Vec3 stance = _leftSwings ? _rightSoleG : _leftSoleG;
        (_measuredCopX, _measuredCopY) = (stance.X, stance.Y);
        (_comRef, _velocityRef) = (_com, _velocity);
    }

    private LoopFault Swing(double dt, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
    {
        Quat orientation = estimate.Orientation;
        Quat toGround = Quat.FromYaw(-_yaw0);
        int stanceFoot = _leftSwings ? _rightFoot : _leftFoot, swingFoot = _leftSwings ? _leftFoot : _rightFoot;
        LegGeometry stanceLeg = _leftSwings ? _rightLeg : _leftLeg, swingLeg = _leftSwings ? _leftLeg : _rightLeg;
        int stanceFirst = _leftSwings ? _rightFirst : _leftFirst, swingFirst = _leftSwings ? _leftFirst : _rightFirst;
        Vec3 stanceG = _leftSwings ? _rightSoleG : _leftSoleG;
        double stanceYaw = _leftSwings ? _rightYaw : _leftYaw;

        // The stance sole alone locates the pelvis.
        Estimate(measured, orientation, toGround, _leftSwings ? 0 : 1, dt);
        if (BrokenEstimate(commands) is { } broken)
        {
            return broken;
        }

        // The CoP is held at the stance sole's point nearest the DCM (a squaring step's, nearest
        // the CoP that carries it to the middle of the stance it lands in); the reference falls
        // as the LIPM about it.
        double margin = _o.StanceCopMargin;
        (double aimX, double aimY) = _squaring ? SquaringCop() : (_dcmX, _dcmY);
        _copX = Math.Clamp(aimX, stanceG.X - _halfLength + margin, stanceG.X + _halfLength - margin);
        _copY = Math.Clamp(aimY, stanceG.Y - _halfWidth + margin / 2, stanceG.Y + _halfWidth - margin / 2);
        double w2 = _omega * _omega;
        _velocityRef = new Vec3(_velocityRef.X + w2 * (_comRef.X - _copX) * dt, _velocityRef.Y + w2 * (_comRef.Y - _copY) * dt, 0);
        _comRef = new Vec3(_comRef.X + _velocityRef.X * dt, _comRef.Y + _velocityRef.Y * dt, _comRef.Z);
        _dcmRefX = _comRef.X + _velocityRef.X / _omega;
        _dcmRefY = _comRef.Y + _velocityRef.Y / _omega;

        double swingTime = _o.SwingTime;
        // The squaring step carries the DCM to the middle of the stance it lands in. Pushed, so
        // that the DCM it predicts for touchdown lies outside that stance (for 10 ms: the
        // estimate jumps for single samples on one foot), the step becomes a capture step,
        // re-aimed at the DCM with a closing step after it. (The DCM itself leaves that stance
        // too late: a 12 N·s push sideways at lift-off got there after the re-aiming had ended.)
        // Only a DCM predicted on the landing's side of the stance sole: the lifted foot cannot
        // reach one pushed the other way; turned, the step only landed narrower and 6 N·s that
        // way fell, while landing as planned the standing law holds it.
        if (_squaring)
        {
            (double predictedX, double predictedY) = DcmAtTouchdown(_copX, _copY, swingTime);
            bool landingSide = (predictedX - stanceG.X) * (_landing.X - stanceG.X) + (predictedY - stanceG.Y) * (_landing.Y - stanceG.Y) > 0;
            _pushedSeconds = landingSide && _squareHull.Inside(predictedX, predictedY) < SquaringInside ? _pushedSeconds + dt : 0;
            if (_pushedSeconds > 0.01 && _t <= _o.AimShare * swingTime)
            {
                (_squaring, _closing) = (false, false);
                SquaringSteps--;
                StepsTaken++;
            }
        }
        // (A squaring step's landing was set at lift-off and stays.)
        if (!_squaring && _t <= _o.AimShare * swingTime)
        {
            if (_closing)
            {
                AimClosingStep(stanceG);
            }
            else
            {
                AimCaptureStep(measured, toGround, stanceFoot, stanceLeg, stanceG, swingTime);
            }
        }
        Vec3 swingTarget = SwingTarget(_t, swingTime);
        double swingYaw = SwingYaw(_t, swingTime);

        // Pelvis: the LIPM reference shifted against the DCM error, dropping (minimum jerk, so the
        // stance foot is never unloaded) but never higher than both legs reach.
        Vec3 comOffset = _com - _pelvisMeasured;
        double pelvisX = _comRef.X - comOffset.X + Math.Clamp(-_o.PelvisGain * (_dcmX - _dcmRefX), -MaxShift, MaxShift);
        double pelvisY = _comRef.Y - comOffset.Y + Math.Clamp(-_o.PelvisGain * (_dcmY - _dcmRefY), -MaxShift, MaxShift);
        // A squaring step is short: it stays at its height. A capture step landing near its
        // limits drops further, to reach the long step.
        double drop = _squaring ? 0 : _closing ? _o.PelvisDrop : _o.PelvisDrop + ReachDrop(stanceG);
        double scheduled = _dropFrom - drop * MinimumJerk(Math.Clamp(_t / swingTime, 0, 1));
        double reach = Math.Min(_leftLeg.HighestPelvis(_leftSwings ? swingTarget : _leftSoleG, pelvisX, pelvisY, _o.ReachShare),
            _rightLeg.HighestPelvis(_leftSwings ? _rightSoleG : swingTarget, pelvisX, pelvisY, _o.ReachShare));
        _pelvisZ = LimitHeight(scheduled, reach, dt);
        var pelvisTarget = new Vec3(pelvisX, pelvisY, _pelvisZ);

        _targets.HoldPose(commands);
        // Feed-forward: the stance foot carries the whole weight at the CoP; the swing leg holds itself up.
        Vec3 contact = toGround.Conjugate.Rotate(new Vec3(_copX, _copY, 0) - _pelvisMeasured);
        _tree.SupportTorques(stanceFoot, contact, 1, LipmModel.Gravity, _ff);
        _tree.SupportTorques(swingFoot, contact, 0, LipmModel.Gravity, _ff);
        _targets.SolveLeg(stanceLeg, stanceG - pelvisTarget, Quat.FromYaw(stanceYaw), stanceFirst, _ff, commands);
        // The swing foot is aimed from the pelvis as measured (position and tilt), with stiffer
        // gains: with the stance gains it lags its path by 8 cm and overshoots the landing by 7.
        Quat pelvisInG = toGround * orientation;
        _targets.SolveLeg(swingLeg, pelvisInG.Conjugate.Rotate(swingTarget - _pelvisMeasured), pelvisInG.Conjugate * Quat.FromYaw(swingYaw), swingFirst,
            _ff, commands, _o.SwingStiffness, _o.SwingDamping);
        SwingRates(measured, orientation, toGround, pelvisInG, swingLeg, swingFirst, swingTime, commands);
        RememberCommands(commands, dt, moving: true);

        // Touchdown: the swing sole down and loaded for a few ticks, or the swing long over.
        double soleHeight = _pelvisMeasured.Z + _tree.PointOn(swingFoot, swingLeg.AnkleToSole).Z;
        double load = _leftSwings ? _loadLeft : _loadRight;
        bool down = _t > 0.5 * swingTime && load > 0.2 * _tree.TotalMass * LipmModel.Gravity && soleHeight < 0.015;
        _touchSeconds = down ? _touchSeconds + dt : 0;
        if (_touchSeconds > 0.004 || _t > swingTime + 0.15)
        {
            Touchdown(measured, orientation, toGround, stanceFoot, stanceLeg, swingFoot, swingLeg, stanceG);
        }
        Status = BalanceStatus.Ok;
        return LoopFault.None;
    }

    /// <summary>
    /// The capture step's drop beyond <see cref="CaptureStepOptions.PelvisDrop"/>: none until the
    /// landing passes <see cref="CaptureStepOptions.ReachDropFrom"/> of the way to a landing limit
    /// (forward, backward or sideways), the whole <see cref="CaptureStepOptions.ReachDrop"/> at it.
    /// </summary>
    private double ReachDrop(Vec3 stanceG)
    {
        double dx = _landing.X - stanceG.X, dy = Math.Abs(_landing.Y - stanceG.Y);
        double share = Math.Max(Math.Max(dx / _o.MaxForward, -dx / _o.MaxBackward), dy / _o.MaxWidth);
        return _o.ReachDrop * Math.Clamp((share - _o.ReachDropFrom) / (1 - _o.ReachDropFrom), 0, 1);
    }

    /// <summary>The DCM the LIPM predicts for touchdown from the CoP (<paramref name="copX"/>, <paramref name="copY"/>): ξ(T) = p + (ξ − p)·e^(ω(T − t)).</summary>
    private (double X, double Y) DcmAtTouchdown(double copX, double copY, double swingTime)
    {
        double grow = Math.Exp(_omega * Math.Max(0, swingTime - _t));
        return (copX + (_dcmX - copX) * grow, copY + (_dcmY - copY) * grow);
    }

    /// <summary>
    /// A squaring step's CoP (before it is kept inside the stance sole): the one that carries the
    /// DCM to the middle of the stance it lands in by touchdown, ξ(T) = p + (ξ − p)·e^(ωT). Held
    /// at the DCM instead, as a capture step's is, the DCM stayed over the stance sole, the
    /// landed foot took no load, and a push after the handback fell over the stance foot.
    /// </summary>
    private (double X, double Y) SquaringCop()
    {
        Vec3 stance = _leftSwings ? _rightSoleG : _leftSoleG;
        double midX = 0.5 * (stance.X + _landing.X), midY = 0.5 * (stance.Y + _landing.Y);
        double grow = Math.Exp(_omega * Math.Max(_o.SwingTime - _t, 0.05));
        return ((midX - _dcmX * grow) / (1 - grow), (midY - _dcmY * grow) / (1 - grow));
    }

    /// <summary>
    /// The capture step's landing: the DCM predicted for touchdown from the stance CoP the ankle
    /// sensor measures (the sole tips onto its edge: the commanded CoP is not where the ground
    /// pushes), short by the touchdown impact's share, a little outwards, within the legs' reach
    /// and never crossing over.
    /// </summary>
    private void AimCaptureStep(RobotState measured, Quat toGround, int stanceFoot, LegGeometry stanceLeg, Vec3 stanceG, double swingTime)
    {
        double px = _copX, py = _copY;
        ReadOnlySpan<double> wrench = _leftSwings ? measured.RightFootWrench : measured.LeftFootWrench;
        if (SoleCop(wrench, stanceFoot, stanceLeg, toGround, CopLoadShare * _tree.TotalMass * LipmModel.Gravity) is { } cop)
        {
            _measuredCopX += 0.2 * (cop.X - _measuredCopX);
            _measuredCopY += 0.2 * (cop.Y - _measuredCopY);
            (px, py) = (_measuredCopX, _measuredCopY);
        }
        (double lx, double ly) = DcmAtTouchdown(px, py, swingTime);
        double ex = lx - stanceG.X, ey = ly - stanceG.Y;
        double norm = Math.Max(1e-6, Math.Sqrt(ex * ex + ey * ey));
        lx -= _o.LandingShortfall * ex / norm;
        double side = _leftSwings ? 1 : -1;
        ly += side * _o.LandingOutward;
        double dx = Math.Clamp(lx - stanceG.X, -_o.MaxBackward, _o.MaxForward);
        double dy = Math.Clamp(side * (ly - stanceG.Y), _o.MinWidth, _o.MaxWidth);
        _landing = new Vec3(stanceG.X + dx, stanceG.Y + side * dy, 0);
    }

    /// <summary>
    /// The closing step's landing, re-aimed from the DCM until late in the swing: beside the
    /// landed sole, <see cref="CaptureStepOptions.ClosingWidth"/> from it, or wider (within
    /// <see cref="CaptureStepOptions.MaxWidth"/>) when the DCM lies out on the closing foot's
    /// side, so that the DCM ends <see cref="CaptureStepOptions.ClosingInside"/> inside the
    /// closing sole's centre. (Once the closing foot is down no CoP pushes a DCM at its outer
    /// edge back between the soles.) A DCM out ahead of the landed sole (behind it, after a step
    /// back) staggers the closing foot that way, up to <see cref="CaptureStepOptions.ClosingStagger"/>:
    /// beside the landed sole the DCM would be past both toes. Never against the capture step's
    /// direction: the estimate jumps while the closing step's stance sole unloads, and a 25 N·s
    /// push at 135° sent the closing foot 0.15 m forward and fell.
    /// </summary>
    private void AimClosingStep(Vec3 landed)
    {
        double side = _leftSwings ? 1 : -1;
        double width = Math.Clamp(side * (_dcmY - landed.Y) + _o.ClosingInside, _o.ClosingWidth, _o.MaxWidth);
        double ahead = _dcmX - landed.X;
        // By as much as the DCM lies past the threshold, within the limit.
        double stagger = Math.Clamp(ahead - Math.Clamp(ahead, -_o.ClosingStaggerFrom, _o.ClosingStaggerFrom), -_o.ClosingStagger, _o.ClosingStagger);
        if (stagger * (landed.X - _swingStart.X) <= 0)
        {
            stagger = 0;
        }
        _landing = new Vec3(landed.X + stagger, landed.Y + side * width, 0);
    }

    /// <summary>
    /// The squaring step's landing: where the first stance put this sole from the staying one,
    /// turned with the staying sole (the first stance's relative yaw).
    /// </summary>
    private void AimSquaringStep()
    {
        // The first stance's offset is the left sole's from the right one, in the right sole's heading.
        (_landingYaw, Vec3 landing) = _leftSwings
            ? (_rightYaw + _restYawOffset, _rightSoleG + Quat.FromYaw(_rightYaw).Rotate(_restOffset))
            : (_leftYaw - _restYawOffset, _leftSoleG - Quat.FromYaw(_leftYaw - _restYawOffset).Rotate(_restOffset));
        _landing = landing with { Z = 0 };
    }

    /// <summary>
    /// The swing leg's joint velocity targets: the IK a moment ahead, the foot further along its
    /// path and the pelvis moved by its estimated velocity and turned by the gyro. (Differencing
    /// successive commands instead carries the estimate's noise into the rates: the hip motors
    /// then alternate between their limits.)
    /// </summary>
    private void SwingRates(RobotState measured, Quat orientation, Quat toGround, Quat pelvisInG, LegGeometry swingLeg,
        int swingFirst, double swingTime, Span<JointCommand> commands)
    {
        Vec3 gyro = toGround.Rotate(orientation.Rotate(Vec3.From(measured.ImuGyro)));
        double rate = gyro.Norm;
        Quat turned = rate > 1e-9 ? (Quat.FromAxisAngle(gyro / rate, rate * RateLookahead) * pelvisInG).Normalized() : pelvisInG;
        Vec3 pelvisAhead = _pelvisMeasured + RateLookahead * new Vec3(_velocity.X, _velocity.Y, 0);
        LegKinematics.Inverse(swingLeg, turned.Conjugate.Rotate(SwingTarget(_t + RateLookahead, swingTime) - pelvisAhead),
            turned.Conjugate * Quat.FromYaw(SwingYaw(_t + RateLookahead, swingTime)), _qAhead);
        Array.Clear(_swingRate);
        for (int j = 0; j < 6; j++)
        {
            _swingRate[swingFirst + j] = (_qAhead[j] - commands[swingFirst + j].Position) / RateLookahead;
        }
        _swingRatesValid = true;
    }

    /// <summary>The swing (or stepping) sole in G where the tree's pose puts it from the stance sole, flat on the floor.</summary>
    private void PlaceSwingSole(Quat toGround, int stanceFoot, LegGeometry stanceLeg, int swingFoot, LegGeometry swingLeg, Vec3 stanceG)
    {
        Vec3 sole = stanceG + toGround.Rotate(_tree.PointOn(swingFoot, swingLeg.AnkleToSole) - _tree.PointOn(stanceFoot, stanceLeg.AnkleToSole));
        double yaw = _tree.Orientation(swingFoot).Yaw - _yaw0;
        if (_leftSwings)
        {
            (_leftSoleG, _leftYaw) = (sole with { Z = 0 }, yaw);
        }
        else
        {
            (_rightSoleG, _rightYaw) = (sole with { Z = 0 }, yaw);
        }
    }

    /// <summary>The swing foot is down: its sole joins the stance where the kinematics put it.</summary>
    private void Touchdown(RobotState measured, Quat orientation, Quat toGround, int stanceFoot, LegGeometry stanceLeg, int swingFoot, LegGeometry swingLeg, Vec3 stanceG)
    {
        // The tree holds the pose 1 ms ahead (the velocity estimate): take the pose itself.
        _tree.Update(measured.JointPosition, Vec3.Zero, orientation);
        PlaceSwingSole(toGround, stanceFoot, stanceLeg, swingFoot, swingLeg, stanceG);
        Phase = StepPhase.DoubleSupport;
        _t = 0;
        _outsideSeconds = 0;
        _stabiliser.Reset();
        // At first the stance sole locates the pelvis; the landed one as it takes the load.
        _estimateShare = _leftSwings ? 0 : 1;
        _landedPelvisZ = _pelvisZ;
        _hull.Set(_leftSoleG.X, _leftSoleG.Y, _rightSoleG.X, _rightSoleG.Y, _halfLength, _halfWidth);
        (_dcmRefX, _dcmRefY) = _hull.Nearest(_dcmX, _dcmY, 0.02);
        (_comRef, _velocityRef) = (_com, _velocity);
    }

    private LoopFault DoubleSupport(double dt, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
    {
        if (!_closing && _t >= _o.ClosingDelay)
        {
            // The closing step: the rear foot (the capture step's stance) beside the landed one.
            _closing = true;
            _leftSwings = !_leftSwings;
            Vec3 landed = _leftSwings ? _rightSoleG : _leftSoleG;
            StartSwing();
            AimClosingStep(landed);
            return Swing(dt, measured, estimate, commands);
        }
        if (_closing && _t >= (_squaring ? SquaringSettle : _o.SettleTime))
        {
            // Settled: the standing law captures the new stance (and G moves with it, for both).
            _standing.Reset();
            _initialized = false;
            // The own estimate's velocity filter holds the settling's velocity, in the old G: when
            // it is next needed it starts again from the standing law's. (Carried over, a
            // glitch in it stepped the robot again at once: 45° at 20 N·s took four steps.)
            _ownEstimate = false;
            _squaring = false;
            Phase = StepPhase.Standing;
            _t = 0;
            return Update(_tick, measured, estimate, commands);
        }
        Quat orientation = estimate.Orientation;
        Quat toGround = Quat.FromYaw(-_yaw0);
        // The loaded sole is the one that does not slide: trust each in proportion to its load.
        double left = Math.Max(_loadLeft, 1), right = Math.Max(_loadRight, 1);
        _estimateShare += dt / (0.01 + dt) * (left / (left + right) - _estimateShare);
        Estimate(measured, orientation, toGround, _estimateShare, dt);
        if (BrokenEstimate(commands) is { } broken)
        {
            return broken;
        }

        // The DCM reference converges to the middle of the soles; the CoM reference follows it.
        double midX = 0.5 * (_leftSoleG.X + _rightSoleG.X), midY = 0.5 * (_leftSoleG.Y + _rightSoleG.Y);
        _dcmRefX -= _omega * _o.SettleGain * (_dcmRefX - midX) * dt;
        _dcmRefY -= _omega * _o.SettleGain * (_dcmRefY - midY) * dt;
        _velocityRef = new Vec3(_omega * (_dcmRefX - _comRef.X), _omega * (_dcmRefY - _comRef.Y), 0);
        _comRef = new Vec3(_comRef.X + _velocityRef.X * dt, _comRef.Y + _velocityRef.Y * dt, _comRef.Z);

        // The CoP the LIPM asks for, moved the least distance into the soles' hull.
        double k = _legs.DcmGain / _omega;
        (_copX, _copY) = _hull.Nearest(_dcmX + k * (_dcmX - _dcmRefX), _dcmY + k * (_dcmY - _dcmRefY), _legs.ZmpMargin);

        Vec3 comOffset = _com - _pelvisMeasured;
        double pelvisX = _comRef.X - comOffset.X + Math.Clamp(-_o.PelvisGain * (_dcmX - _dcmRefX), -MaxShift, MaxShift);
        double pelvisY = _comRef.Y - comOffset.Y + Math.Clamp(-_o.PelvisGain * (_dcmY - _dcmRefY), -MaxShift, MaxShift);
        double reach = Math.Min(_leftLeg.HighestPelvis(_leftSoleG, pelvisX, pelvisY, _o.ReachShare), _rightLeg.HighestPelvis(_rightSoleG, pelvisX, pelvisY, _o.ReachShare));
        _pelvisZ = LimitHeight(_landedPelvisZ, reach, dt);
        var pelvisTarget = new Vec3(pelvisX, pelvisY, _pelvisZ);

        _targets.HoldPose(commands);
        double leftShare = SupportShare.Left(_copX, _copY, _leftSoleG.X, _leftSoleG.Y, _rightSoleG.X, _rightSoleG.Y);
        Quat toTree = toGround.Conjugate;
        _tree.SupportTorques(_leftFoot, toTree.Rotate(InSole(_leftSoleG, _copX, _copY) - _pelvisMeasured), leftShare, LipmModel.Gravity, _ff);
        _tree.SupportTorques(_rightFoot, toTree.Rotate(InSole(_rightSoleG, _copX, _copY) - _pelvisMeasured), 1 - leftShare, LipmModel.Gravity, _ff);
        double weight = _tree.TotalMass * LipmModel.Gravity;
        _stabiliser.Update(SoleCop(measured.LeftFootWrench, _leftFoot, _leftLeg, toGround, 0.05 * weight), InSole(_leftSoleG, _copX, _copY),
            SoleCop(measured.RightFootWrench, _rightFoot, _rightLeg, toGround, 0.05 * weight), InSole(_rightSoleG, _copX, _copY),
            leftShare, weight, _loadLeft, _loadRight, dt);
        var lift = new Vec3(0, 0, 0.5 * _stabiliser.HeightDifference);
        _targets.SolveLeg(_leftLeg, _leftSoleG + lift - pelvisTarget, Quat.FromYaw(_leftYaw) * _stabiliser.LeftTilt, _leftFirst, _ff, commands);
        _targets.SolveLeg(_rightLeg, _rightSoleG - lift - pelvisTarget, Quat.FromYaw(_rightYaw) * _stabiliser.RightTilt, _rightFirst, _ff, commands);
        HipStrategy(commands);
        RememberCommands(commands, dt, moving: true);

        // After the closing step there is no step left: a DCM that stays outside the soles means a fall.
        _outsideSeconds = _closing && _hull.Inside(_dcmX, _dcmY) < -0.02 ? _outsideSeconds + dt : 0;
        Status = _outsideSeconds > 4 * _legs.UncapturableTimeout ? BalanceStatus.DcmNotCapturable : BalanceStatus.Ok;
        return Status == BalanceStatus.Ok ? LoopFault.None : LoopFault.ControllerFault;
    }

    /// <summary>A non-finite or implausibly fast estimate: hold the pose and fault, as the standing law does.</summary>
    private LoopFault? BrokenEstimate(Span<JointCommand> commands)
    {
        bool finite = _com.IsFinite && _velocity.IsFinite && double.IsFinite(_dcmX) && double.IsFinite(_dcmY);
        if (finite && _velocity.Norm <= _legs.MaxPlausibleComSpeed)
        {
            return null;
        }
        _targets.HoldPose(commands);
        Status = finite ? BalanceStatus.EstimateImplausible : BalanceStatus.InvalidInput;
        return LoopFault.ControllerFault;
    }

    /// <summary>A sole's CoP from its ankle sensor, in G; null when it carries less than <paramref name="minLoad"/> N.</summary>
    private Vec3? SoleCop(ReadOnlySpan<double> wrench, int foot, LegGeometry leg, Quat toGround, double minLoad)
    {
        if (!FootCop.TryCompute(wrench, -leg.AnkleToSole.Z, minLoad, out double x, out double y, out _))
        {
            return null;
        }
        return _pelvisMeasured + toGround.Rotate(_tree.PointOn(foot, new Vec3(x, y, leg.AnkleToSole.Z)));
    }

    /// <summary>Torso lean and arm swing towards where the DCM leaves the hull, past the standing law's deadband.</summary>
    private void HipStrategy(Span<JointCommand> commands)
    {
        double past = _legs.HipStrategyDeadband - _hull.Inside(_dcmX, _dcmY);
        double ex = _dcmX - 0.5 * (_leftSoleG.X + _rightSoleG.X), ey = _dcmY - 0.5 * (_leftSoleG.Y + _rightSoleG.Y);
        double n = Math.Sqrt(ex * ex + ey * ey);
        if (past <= 0 || n < 1e-6)
        {
            return;
        }
        _targets.Lean(past * ex / n, past * ey / n, commands);
    }

    /// <summary>The pelvis height command: the schedule, never above the legs' reach, through a 50 ms filter.</summary>
    private double LimitHeight(double scheduled, double reach, double dt)
    {
        _heightCommand += dt / (0.05 + dt) * (Math.Min(scheduled, reach) - _heightCommand);
        return _heightCommand;
    }

    /// <summary>Where the swing sole is sent <paramref name="t"/> into the swing (G): minimum jerk across, a parabola up and down, pressed 5 mm into the floor once the swing is over.</summary>
    private Vec3 SwingTarget(double t, double swingTime)
    {
        double s = MinimumJerk(Math.Clamp(t / (_o.TravelShare * swingTime), 0, 1));
        double u = Math.Clamp(t / swingTime, 0, 1);
        double z = t < swingTime ? _o.Clearance * 4 * u * (1 - u) : -0.005;
        return new Vec3(_swingStart.X + (_landing.X - _swingStart.X) * s, _swingStart.Y + (_landing.Y - _swingStart.Y) * s, z);
    }

    /// <summary>The swing sole's yaw <paramref name="t"/> into the swing (G): turned to the landing's on the same minimum-jerk schedule (only a squaring step turns it).</summary>
    private double SwingYaw(double t, double swingTime) =>
        _swingStartYaw + (_landingYaw - _swingStartYaw) * MinimumJerk(Math.Clamp(t / (_o.TravelShare * swingTime), 0, 1));

    private Vec3 InSole(Vec3 sole, double x, double y) => new(
        Math.Clamp(x, sole.X - _halfLength + _legs.FeedForwardHeelToeMargin, sole.X + _halfLength - _legs.FeedForwardHeelToeMargin),
        Math.Clamp(y, sole.Y - _halfWidth + _legs.FeedForwardSideMargin, sole.Y + _halfWidth - _legs.FeedForwardSideMargin), 0);

    /// <summary>
    /// Pelvis, CoM, CoM velocity and DCM in G from both soles, the left weighted by
    /// <paramref name="leftWeight"/> (1 or 0 while one swings: the stance sole alone). Each sole is taken to pivot on the
    /// edge it rolls on (<see cref="ContactPoint"/>).
    /// </summary>
    private void Estimate(RobotState measured, Quat orientation, Quat toGround, double leftWeight, double dt)
    {
        _tree.Update(measured.JointPosition, Vec3.Zero, orientation);
        Vec3 leftLocal = ContactPoint(_leftFoot, _leftLeg), rightLocal = ContactPoint(_rightFoot, _rightLeg);
        Vec3 leftGround = OnGround(_leftSoleG, _leftYaw, leftLocal - _leftLeg.AnkleToSole);
        Vec3 rightGround = OnGround(_rightSoleG, _rightYaw, rightLocal - _rightLeg.AnkleToSole);
        Vec3 pelvis = PelvisOnSoles(leftGround, leftLocal, rightGround, rightLocal, toGround, leftWeight);
        Vec3 com = pelvis + toGround.Rotate(_tree.Com);
        const double epsilon = 1e-3;
        _tree.UpdateAhead(measured.JointPosition, measured.JointVelocity, Vec3.Zero, orientation, orientation.Rotate(Vec3.From(measured.ImuGyro)), epsilon);
        Vec3 pelvisAhead = PelvisOnSoles(leftGround, leftLocal, rightGround, rightLocal, toGround, leftWeight);
        Vec3 raw = (pelvisAhead + toGround.Rotate(_tree.Com) - com) / epsilon;
        // The closing step's stance leg lifts the pelvis back up, and braking that rise unloads
        // its sole, which then rocks on its corners and slides: its odometry read ±0.5 m/s and
        // sent a closing step 0.3 m the wrong way. A sole that carries nothing takes no
        // horizontal force either: the velocity stays as it was. (Held in every phase, the
        // diagonal pushes were lost whose capture step rolls its stance sole onto a corner.)
        double load = leftWeight * _loadLeft + (1 - leftWeight) * _loadRight;
        bool unloaded = _closing && Phase == StepPhase.Swing && load < UnloadedShare * _tree.TotalMass * LipmModel.Gravity;
        if (!unloaded)
        {
            _velocity += dt / (_legs.VelocityFilterTimeConstant + dt) * (raw - _velocity);
        }
        _com = com;
        _pelvisMeasured = pelvis;
        // Right after lift-off and touchdown the joint rates jump (the stance sole settles, the
        // impact): the DCM takes the LIPM reference's velocity first, the measured one after.
        double blend = _o.VelocityBlend > 0 && Phase != StepPhase.Standing ? Math.Clamp(_t / _o.VelocityBlend, 0, 1) : 1;
        Vec3 velocity = blend * _velocity + (1 - blend) * _velocityRef;
        _dcmX = _com.X + velocity.X / _omega;
        _dcmY = _com.Y + velocity.Y / _omega;
    }

    /// <summary>
    /// The pelvis in G as the tree's current pose puts it: each sole's contact point
    /// (<paramref name="leftLocal"/>, foot frame) held where it lies on the ground, the two
    /// weighted by <paramref name="leftWeight"/>.
    /// </summary>
    private Vec3 PelvisOnSoles(Vec3 leftGround, Vec3 leftLocal, Vec3 rightGround, Vec3 rightLocal, Quat toGround, double leftWeight) =>
        leftWeight * (leftGround - toGround.Rotate(_tree.PointOn(_leftFoot, leftLocal)))
        + (1 - leftWeight) * (rightGround - toGround.Rotate(_tree.PointOn(_rightFoot, rightLocal)));

    /// <summary>
    /// The point of the sole (foot frame) that stays on the ground: the centre while the foot is
    /// flat, the edge it rolls on once it tilts past about 1°. A sole tipped onto its toe pivots
    /// about the toe: taking the centre as fixed put the DCM at 0.50 m where it was 0.15 m.
    /// </summary>
    private Vec3 ContactPoint(int foot, LegGeometry leg)
    {
        (double gx, double gy) = SoleSlopes(foot);
        const double slope = 0.02;
        return leg.AnkleToSole + new Vec3(-_halfLength * Math.Clamp(gx / slope, -1, 1), -_halfWidth * Math.Clamp(gy / slope, -1, 1), 0);
    }

    /// <summary>How far a sole is tilted: the larger of its long and cross axes' slopes (the tree as last updated).</summary>
    private double SoleTilt(int foot)
    {
        (double gx, double gy) = SoleSlopes(foot);
        return Math.Max(Math.Abs(gx), Math.Abs(gy));
    }

    /// <summary>The rise of a sole's long (x) and cross (y) axes per unit length (the tree as last updated).</summary>
    private (double X, double Y) SoleSlopes(int foot)
    {
        Quat o = _tree.Orientation(foot);
        return (o.Rotate(new Vec3(1, 0, 0)).Z, o.Rotate(new Vec3(0, 1, 0)).Z);
    }

    /// <summary>Where the sole point <paramref name="offset"/> from the sole centre lies in G when the sole is flat.</summary>
    private static Vec3 OnGround(Vec3 sole, double yaw, Vec3 offset)
    {
        Vec3 turned = Quat.FromYaw(yaw).Rotate(offset);
        return new Vec3(sole.X + turned.X, sole.Y + turned.Y, 0);
    }

    /// <summary>The vertical load on a sole, N (the sensor's wrench is the shank's force on the foot: negative z under load).</summary>
    private static double SoleLoad(ReadOnlySpan<double> wrench) => -wrench[2];

    /// <summary>
    /// Joint velocity targets for the legs: the swing leg's from <see cref="SwingRates"/>, the
    /// others the difference of successive commands filtered at 3 ms (zero targets let the joint
    /// damping brake every motion the controller asks for). While standing, only remembered.
    /// </summary>
    private void RememberCommands(Span<JointCommand> commands, double dt, bool moving)
    {
        double a = dt / (RateFilter + dt);
        int swingFirst = _leftSwings ? _leftFirst : _rightFirst;
        bool swinging = moving && Phase == StepPhase.Swing && _swingRatesValid;
        for (int i = 0; i < commands.Length; i++)
        {
            if (!_targets.IsLeg(i))
            {
                continue;
            }
            double raw = (commands[i].Position - _lastCommand[i]) / dt;
            _rate[i] = moving ? _rate[i] + a * (raw - _rate[i]) : 0;
            _lastCommand[i] = commands[i].Position;
            if (moving)
            {
                bool swingJoint = swinging && i >= swingFirst && i < swingFirst + 6;
                commands[i] = commands[i] with { Velocity = swingJoint ? _swingRate[i] : _rate[i] };
            }
        }
    }

    private static double MinimumJerk(double s) => s * s * s * (10 - 15 * s + 6 * s * s);

    private void TakeStance(StanceFrame stance)
    {
        if (!_restKnown)
        {
            // The first stance is the placement squaring steps come back to (the tree holds the
            // standing law's pose of this tick).
            (_restOffset, _restYawOffset) = SoleOffset();
            _restKnown = true;
        }
        (_leftSoleG, _rightSoleG, _leftYaw, _rightYaw, _yaw0) = (stance.LeftSole, stance.RightSole, stance.LeftYaw, stance.RightYaw, stance.Yaw);
        _initialized = true;
    }
}
