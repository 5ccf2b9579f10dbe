using Robot.Core.Geometry;

namespace Robot.Sim.PickTask;

/// <summary>
/// The scripted demonstrator of the pick task: a waypoint plan for the grasp site (hand pointing down)
/// made from the episode's ground truth, followed at constant speed per segment and solved into arm
/// joint targets by <see cref="ArmKinematics"/> every control step:
/// home → pre-grasp 7 cm above the box → down to the grasp height → close the jaw → lift above the tote's
/// rim → over the tote → lower → open → retreat upwards.
/// Each episode varies its segment durations (±20 %) and its waypoints (±4 mm, ±0.04 rad of yaw) from
/// the seed, so demonstrations differ the way a human's would, and are reproducible.
/// The box is held by friction alone (1500 N/m jaw PD squeezing past the box's width).
/// <para>Why constant speed and no pauses (as ALOHA's scripted demonstrators): a policy sees only the
/// state, so a demonstrated pause, or a minimum-jerk start that barely moves for its first tenth, is a
/// stretch of identical observations after which the demonstrator sometimes waits and sometimes moves
/// on. Behaviour cloning averages the two into "wait", and the rolled-out policy stalls there for good:
/// the shipped ACT policy of 2026-11-29 held a gripped box on the board until the time limit in 19 of
/// 100 evaluation episodes. So each segment moves at once, and the jaw closes (or opens) over its whole
/// segment, the lift starting the step it has shut.</para>
/// </summary>
public sealed class ScriptedPickExpert
{
    private readonly PickTaskEnvironment _environment;
    private readonly List<Segment> _plan = [];
    private readonly double[] _q = new double[ArmKinematics.JointCount];
    private int _segment;
    private int _stepInSegment;
    private Vec3 _from;
    private double _fromYaw;
    private double _fromGripper;

    private readonly record struct Segment(Vec3 Target, double Yaw, double Gripper, int Steps, string Phase);

    public ScriptedPickExpert(PickTaskEnvironment environment)
    {
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
    }

    /// <summary>True when every waypoint has been reached (the last action repeats from then on).</summary>
    public bool Finished => _segment >= _plan.Count;

    /// <summary>Name of the current phase ("pre-grasp", "approach", "close", "lift", "carry", "lower", "open", "retreat", "done").</summary>
    public string Phase => Finished ? "done" : _plan[_segment].Phase;

    /// <summary>Largest IK position error of any step so far this episode, m (a plan out of reach shows here).</summary>
    public double WorstIkError { get; private set; }

    /// <summary>
    /// Plans the episode the environment was just reset to. <paramref name="seed"/> drives the timing and
    /// waypoint variation (use the episode's seed for reproducible demonstrations).
    /// </summary>
    public void Begin(int seed)
    {
        var random = new Random(unchecked(seed * 7919 + 17));
        double Jitter(double amplitude) => amplitude * (2 * random.NextDouble() - 1);
        int Steps(double seconds) => Math.Max(2, (int)Math.Round(seconds * (1 + Jitter(0.2)) * PickTaskEnvironment.ControlHz));
        PickTaskEpisode e = _environment.Episode;
        var (box, boxYaw) = _environment.BoxPose;
        var (tote, toteYaw) = _environment.TotePose;
        // The jaw closes along the hand's y: turn the hand to the box's yaw, folded into ±90° (a box is symmetric).
        double graspYaw = Math.IEEERemainder(boxYaw, Math.PI) + Jitter(0.04);
        double boxTop = box.Z + e.BoxHeight / 2;
        // Finger tips are 3 cm below the grasp site: keep them 1 cm above the board, and the palm (5 cm above the site) off the box.
        double graspZ = Math.Max(boxTop - 0.035, PickStationScene.BoardTop + 0.04) + Jitter(0.003);
        double siteAboveBottom = graspZ - (box.Z - e.BoxHeight / 2);
        double carryZ = PickStationScene.ToteRim + 0.04 + siteAboveBottom;
        double releaseZ = PickStationScene.ToteFloor + 0.015 + siteAboveBottom;
        var grasp = new Vec3(box.X + Jitter(0.004), box.Y + Jitter(0.004), graspZ);
        var overTote = new Vec3(tote.X + Jitter(0.004), tote.Y + Jitter(0.004), carryZ);
        double placeYaw = graspYaw + Math.IEEERemainder(toteYaw - boxYaw, Math.PI / 2) * 0.5;
        const double closed = PickTaskEnvironment.GripperClosed;

        _plan.Clear();
        _plan.Add(new Segment(grasp with { Z = graspZ + 0.07 }, graspYaw, 0, Steps(1.4), "pre-grasp"));
        _plan.Add(new Segment(grasp, graspYaw, 0, Steps(0.9), "approach"));
        _plan.Add(new Segment(grasp, graspYaw, closed, Steps(0.4), "close"));
        _plan.Add(new Segment(grasp with { Z = carryZ }, graspYaw, closed, Steps(1.0), "lift"));
        _plan.Add(new Segment(overTote, placeYaw, closed, Steps(1.3), "carry"));
        _plan.Add(new Segment(overTote with { Z = releaseZ }, placeYaw, closed, Steps(0.9), "lower"));
        _plan.Add(new Segment(overTote with { Z = releaseZ }, placeYaw, 0, Steps(0.4), "open"));
        _plan.Add(new Segment(overTote with { Z = carryZ + 0.05 }, placeYaw, 0, Steps(0.8), "retreat"));

        _environment.HomeJoints.CopyTo(_q);
        _from = _environment.Kinematics.Forward(_q);
        _fromYaw = 0;
        _fromGripper = 0;
        _segment = 0;
        _stepInSegment = 0;
        WorstIkError = 0;
    }

    /// <summary>Fills the next action (length 8: arm joint targets, rad, then the gripper target, m) and advances the plan.</summary>
    public void NextAction(Span<double> action)
    {
        if (action.Length != PickTaskEnvironment.StateWidth)
        {
            throw new ArgumentException($"an action has {PickTaskEnvironment.StateWidth} entries", nameof(action));
        }
        double gripper = _fromGripper;
        if (!Finished)
        {
            Segment s = _plan[_segment];
            _stepInSegment++;
            double tau = (double)_stepInSegment / s.Steps;
            double k = tau;
            Vec3 target = _from + k * (s.Target - _from);
            double yaw = _fromYaw + k * (s.Yaw - _fromYaw);
            gripper = _fromGripper + tau * (s.Gripper - _fromGripper);
            double error = _environment.Kinematics.Solve(target, yaw, _q, out _);
            WorstIkError = Math.Max(WorstIkError, error);
            if (_stepInSegment >= s.Steps)
            {
                _from = s.Target;
                _fromYaw = s.Yaw;
                _fromGripper = s.Gripper;
                gripper = s.Gripper;
                _segment++;
                _stepInSegment = 0;
            }
        }
        _q.CopyTo(action);
        action[PickTaskEnvironment.StateWidth - 1] = gripper;
    }
}
