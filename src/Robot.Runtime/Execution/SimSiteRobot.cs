using System.Diagnostics;
using Robot.Control.Locomotion;
using Robot.Core.Control;
using Robot.Core.Geometry;
using Robot.Policies.Inference;
using Robot.Runtime.Concurrency;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Runtime.Policy;
using Robot.Runtime.Safety;
using Robot.Safety.Geofence;
using Robot.Sim;
using Robot.Sim.MuJoCo;
using Robot.Sim.PickTask;

namespace Robot.Runtime.Execution;

/// <summary>
/// One humanoid at the warehouse site in MuJoCo, with the skills a pick task is made of: walk to
/// a pose (footstep plan around the site's keep-out zones and the shelves, ZMP preview walking,
/// re-plans from the measured pose), pick a box off a slot's board (the upper-body policy, or
/// the scripted reach), check the grasp from the finger sensors, carry, place in a tote, check.
/// Every skill obeys the supervisor's verdicts through the loop's <see cref="StopExecutor"/>:
/// a stop ends the walk within two steps and freezes the arm; motion resumes, re-planned, after a
/// fresh permit; a speed limit below the gait's speed shortens the steps.
/// <para>The loop runs in simulated time on the caller's thread (lockstep, deterministic), paced
/// to <see cref="SimSiteRobotOptions.RealTimeFactor"/> when asked. Site frame: the site file's;
/// the scene is built around the robot's start pose.</para>
/// <para>Ground truth stands in for two sensors the simulated robot lacks: site localization
/// (the pelvis pose) and the station's tote check (box inside the tote's walls).</para>
/// Not thread-safe: one task at a time, from one thread.
/// </summary>
public sealed class SimSiteRobot : IDisposable
{
    /// <summary>Pelvis below this height or tilted beyond <see cref="FallTilt"/> counts as a fall, m.</summary>
    public const double FallHeight = 0.5;

    /// <summary>Pelvis tilt that counts as a fall, rad (30°).</summary>
    public const double FallTilt = 0.52;

    /// <summary>
    /// How much the site's keep-out zones are grown before planning, m, on top of the planner's
    /// own clearance: the supervisor checks the footprint rectangle's corners plus
    /// <see cref="Reach"/>, which stick out beyond the planner's footprint circle, so a planned
    /// path must never earn a keep-out stop. (Shelves and tote stands are not grown: the robot
    /// works right next to them.)
    /// </summary>
    public const double KeepOutGrowth = 0.2;

    /// <summary>Reach beyond the footprint the robot reports to the supervisor, m: the hand and a carried box in front.</summary>
    public const double Reach = 0.15;

    /// <summary>Walks end within this of the goal, or are re-planned from the measured pose (m, rad).</summary>
    public const double ArrivalTolerance = 0.04, ArrivalYawTolerance = 0.06;

    private const int ControlTicks = 20; // one 50 Hz upper-body step at 1 kHz
    private const int MaxCorrections = 3;
    private const double NominalBoardTop = PickStationScene.BoardTop;

    /// <summary>
    /// The tote stand height this robot places into, m. Pointing down, the right hand lifts a box
    /// in front of the robot only to about 0.89 m (the elbow folds against its limits above it;
    /// higher points are reachable only out beside the hip), so a carried box hangs with its
    /// bottom near 0.84 m. Over a tote on a 0.80 m stand (rim 0.92 m) the place swept the box
    /// through the tote's wall: the demo site's third task failed that way for seed 2 (the tote
    /// shoved 13 cm). On a 0.70 m stand (rim 0.82 m) the box crosses the wall above the rim.
    /// </summary>
    public const double PlaceStandTop = 0.70;

    private readonly SimSiteRobotOptions _options;
    private readonly StopExecutor? _stops;
    private readonly Pose2 _origin;
    private readonly SimHardware _hardware;
    private readonly WalkingController _walking;
    private readonly ArmOverlayController _arm;
    private readonly SimulatedRobot _robot;
    private readonly SimulatedTimeDriver _driver;
    private readonly ArmKinematics _kinematics = new();
    private readonly ChunkedPolicy? _policy;
    private readonly PolicyRunnerOptions? _runnerOptions; // with a policy only: its limits, from the model
    private readonly LatestValueSlot<PolicyObservation> _observations = new();
    private readonly List<SiteLocation> _slots, _totes;
    private readonly List<SiteSceneSlot> _sceneSlots = [];
    private readonly List<SiteSceneTote> _sceneTotes = [];
    private readonly int[] _boxBodies, _toteBodies;
    private readonly List<KeepOutZone> _siteKeepOut;
    private readonly double[] _home = new double[ArmKinematics.JointCount];
    /// <summary>The arm's walking pose: the joints' standing positions, where the walking controller holds an arm it was not told about.</summary>
    private readonly double[] _stowed = [.. ArmKinematics.JointNames.Select(n => HumanoidModel.Joints.First(j => j.Name == n).StandPosition)];
    private readonly double[] _armTarget = new double[PickTaskEnvironment.StateWidth];
    private readonly double[] _gravity = new double[ArmKinematics.JointCount];
    private readonly int[] _armQpos = new int[ArmKinematics.JointCount], _armDof = new int[ArmKinematics.JointCount];
    private readonly int _gripperQpos;
    private readonly int _graspSite;
    private readonly Stopwatch _wall = new();
    private int _heldBox = -1;
    private (int Slot, int Tote, Pose2 Approach) _station = (-1, -1, default); // the station the robot stands at, if any
    private double _siteAboveBottom;

    /// <summary>Builds the scene from <paramref name="site"/>'s slots and totes and stands the robot at the start.</summary>
    /// <exception cref="ArgumentException">Invalid options; the message lists every problem.</exception>
    public SimSiteRobot(SiteModel site, SimSiteRobotOptions options)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid simulated robot options: " + string.Join("; ", errors), nameof(options));
        }
        _options = options;
        _origin = new Pose2(options.Start.X, options.Start.Y, options.Start.YawDeg * Math.PI / 180);
        _slots = [.. site.Locations.Values.Where(l => l.Kind == SiteLocationKind.Slot).OrderBy(l => l.Id, StringComparer.Ordinal)];
        _totes = [.. site.Locations.Values.Where(l => l.Kind == SiteLocationKind.Tote).OrderBy(l => l.Id, StringComparer.Ordinal)];
        double extent = 4;
        for (int i = 0; i < _slots.Count; i++)
        {
            Pose2 stance = ToScene(PickStance(_slots[i]));
            PickTaskEpisode box = PickTaskEpisode.Draw(unchecked(options.Seed * 1009 + i), new PickTaskOptions());
            _sceneSlots.Add(new SiteSceneSlot(_slots[i].Id, stance.X, stance.Y, stance.Yaw, _slots[i].Z, box));
            extent = Math.Max(extent, Math.Max(Math.Abs(stance.X), Math.Abs(stance.Y)) + 2);
        }
        foreach (SiteLocation tote in _totes)
        {
            Pose2 at = ToScene(new Pose2(tote.X, tote.Y, tote.ApproachYawDeg * Math.PI / 180));
            _sceneTotes.Add(new SiteSceneTote(tote.Id, at.X, at.Y, at.Yaw, tote.Z));
            extent = Math.Max(extent, Math.Max(Math.Abs(at.X), Math.Abs(at.Y)) + 2);
        }
        string xml = SiteScene.Xml(File.ReadAllText(SimModels.Humanoid), _sceneSlots, _sceneTotes, extent);
        _hardware = new SimHardware(MjSimulation.LoadXmlString(xml, $"site-{site.Name}.xml"));
        MjSimulation sim = _hardware.Simulation;
        _boxBodies = [.. Enumerable.Range(0, _slots.Count).Select(i => sim.RequireId(MjObject.Body, SiteScene.BoxName(i)))];
        _toteBodies = [.. Enumerable.Range(0, _totes.Count).Select(j => sim.RequireId(MjObject.Body, SiteScene.ToteName(j)))];
        _siteKeepOut = [.. site.Zones.Where(z => z.Kind == ZoneKind.KeepOut)
            .Select(z => (z.Id, Ring: z.Polygon.Buffer(KeepOutGrowth, 2).Coordinates))
            .Select(z => new KeepOutZone(z.Id, [.. z.Ring.Take(z.Ring.Length - 1).Select(c => { var (f, l) = _origin.Local(new Pose2(c.X, c.Y, 0)); return (f, l); })]))];

        _walking = WalkingFactory.Create(_hardware, _options.Gait);
        var names = _hardware.Description.Joints.Select(j => j.Name).ToList();
        _arm = new ArmOverlayController(_walking, names);
        _stops = options.Safety is { } link ? new StopExecutor(link.CreateGate(), SimulatedRobot.StopOptions(), names.Count) : null;
        _robot = SimulatedRobot.Create(_arm, telemetry: options.Telemetry, hardware: _hardware, stops: _stops);
        _driver = new SimulatedTimeDriver(_robot.Pipeline);
        for (int i = 0; i < ArmKinematics.JointCount; i++)
        {
            int joint = names.IndexOf(ArmKinematics.JointNames[i]);
            _armQpos[i] = _hardware.Binding.QposAdr[joint];
            _armDof[i] = _hardware.Binding.DofAdr[joint];
        }
        _gripperQpos = _hardware.Binding.QposAdr[names.IndexOf("right_gripper")];
        _graspSite = sim.RequireId(MjObject.Site, ArmKinematics.GraspSite);
        using (var station = new PickTaskEnvironment())
        {
            station.HomeJoints.CopyTo(_home);
        }
        _policy = options.PolicyDirectory is null ? null : ChunkedPolicy.Load(options.PolicyDirectory);
        string[] armJoints = [.. ArmKinematics.JointNames, "right_gripper"];
        _runnerOptions = _policy is null ? null : new PolicyRunnerOptions
        {
            LowerLimits = [.. Enumerable.Range(0, ArmKinematics.JointCount).Select(_kinematics.LowerLimit), 0],
            UpperLimits = [.. Enumerable.Range(0, ArmKinematics.JointCount).Select(_kinematics.UpperLimit), PickTaskEnvironment.GripperClosed],
            MaxVelocities = [.. armJoints.Select(n => _hardware.Description.Joints[names.IndexOf(n)].MaxVelocity)],
        };
        _wall.Start();
        Ticks(200); // settle into the controller's stance
    }

    /// <summary>The simulated robot (hardware, pipeline, telemetry ring).</summary>
    public SimulatedRobot Robot => _robot;

    /// <summary>The walking controller (lower body).</summary>
    public WalkingController Walking => _walking;

    /// <summary>Simulated seconds since the robot was built.</summary>
    public double Time => _hardware.Simulation.Time;

    /// <summary>Whether the robot has fallen (latched).</summary>
    public bool Fell { get; private set; }

    /// <summary>Which upper body picks: "policy:&lt;folder&gt;" or "scripted".</summary>
    public string Picker => _policy is null ? "scripted" : "policy:" + Path.GetFileName(Path.TrimEndingDirectorySeparator(_options.PolicyDirectory!));

    /// <summary>The slots (shelf locations) of the scene, ordered by id.</summary>
    public IReadOnlyList<SiteLocation> Slots => _slots;

    /// <summary>The totes of the scene, ordered by id.</summary>
    public IReadOnlyList<SiteLocation> Totes => _totes;

    /// <summary>Trace of the run for reports: one sample every 100 ms of simulated time.</summary>
    public List<SiteTraceSample> Trace { get; } = [];

    /// <summary>What the robot is doing now (for the trace).</summary>
    public string Activity { get; set; } = "idle";

    /// <summary>Called whenever motion is held by the supervisor (true, with the reason) and when it is allowed again (false).</summary>
    public Action<bool, string>? BlockedChanged { get; set; }

    /// <summary>Where the right hand's grasp point (between the fingers) is now, site frame, m (height above the floor).</summary>
    public Vec3 Hand => ToSite(GraspSite());

    /// <summary>Where the box that started on <paramref name="slot"/> is now, site frame, m (its centre; ground truth).</summary>
    public Vec3 BoxAt(SiteLocation slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        int index = _slots.IndexOf(slot);
        ArgumentOutOfRangeException.ThrowIfNegative(index, nameof(slot));
        return ToSite(BoxPosition(index));
    }

    /// <summary>The robot's pose now, site frame: sole midpoint and heading (ground truth: site localization).</summary>
    public Pose2 Pose => ToSite(MeasuredStance());

    /// <summary>Where the robot stands to pick from <paramref name="slot"/> (site frame): the slot's object lies where the policy learned to find a box.</summary>
    public static Pose2 PickStance(SiteLocation slot) => StanceFor(slot, PickStationScene.BoxNominalX, PickStationScene.BoxNominalY);

    /// <summary>Where the robot stands to place into <paramref name="tote"/> (site frame).</summary>
    public static Pose2 PlaceStance(SiteLocation tote) => StanceFor(tote, PickStationScene.ToteNominalX, PickStationScene.ToteNominalY);

    /// <summary>Where navigation to <paramref name="location"/> ends (the site file's <c>approach</c>), site frame.</summary>
    public static Pose2 Approach(SiteLocation location) =>
        new(location.ApproachX, location.ApproachY, location.ApproachYawDeg * Math.PI / 180);

    private static Pose2 StanceFor(SiteLocation location, double ahead, double left)
    {
        double yaw = location.ApproachYawDeg * Math.PI / 180, c = Math.Cos(yaw), s = Math.Sin(yaw);
        return new Pose2(location.X - c * ahead + s * left, location.Y - s * ahead - c * left, yaw);
    }

    /// <summary>
    /// Why this robot cannot serve a pick from <paramref name="source"/> into
    /// <paramref name="destination"/> from where it stands, or null when it can: heights the arm
    /// was not trained for, and stances no footstep plan reaches.
    /// </summary>
    public string? CheckFeasible(SiteLocation source, SiteLocation destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (Math.Abs(source.Z - NominalBoardTop) > 0.03)
        {
            return $"slot {source.Id} is at {source.Z:0.00} m; this robot's arm picks from boards at {NominalBoardTop:0.00} ± 0.03 m";
        }
        if (Math.Abs(destination.Z - PlaceStandTop) > 0.03)
        {
            return $"tote {destination.Id} stands at {destination.Z:0.00} m; this robot places into totes on stands at {PlaceStandTop:0.00} ± 0.03 m (its carried box clears their rim)";
        }
        if (!_slots.Contains(source) || !_totes.Contains(destination))
        {
            return $"{(!_slots.Contains(source) ? source.Id : destination.Id)} is not part of the simulated site (restart the robot after changing the site file)";
        }
        Pose2 here = MeasuredStance();
        foreach (SiteLocation stop in new[] { source, destination })
        {
            Pose2 approach = ToScene(Approach(stop));
            FootstepPlanResult plan = FootstepPlanner.Plan(here, approach, _options.Gait, Obstacles(-1, -1));
            if (!plan.Found)
            {
                return $"no path to {stop.Id}: {plan.Reason}";
            }
            here = approach;
        }
        return null;
    }

    /// <summary>Outcome of a skill.</summary>
    public enum SkillResult
    {
        /// <summary>Done.</summary>
        Done,
        /// <summary>The skill could not be done (see the reason).</summary>
        Failed,
        /// <summary>A graceful cancel was honoured: the robot stands.</summary>
        Canceled,
        /// <summary>A kill was honoured: motion stopped at once.</summary>
        Killed,
        /// <summary>The robot fell.</summary>
        Fell,
    }

    /// <summary>
    /// Walks toward <paramref name="location"/>: navigation to its approach pose (the site file's)
    /// around every obstacle, or (<paramref name="final"/>) the last steps from there up to the stance
    /// from which it is worked (pick stance of a slot, place stance of a tote).
    /// </summary>
    public (SkillResult Result, string Reason) WalkTo(SiteLocation location, bool final, CancellationToken cancel, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(location);
        bool slot = location.Kind == SiteLocationKind.Slot;
        Pose2 stance = ToScene(slot ? PickStance(location) : PlaceStance(location));
        int index = slot ? _slots.IndexOf(location) : _totes.IndexOf(location);
        if (final)
        {
            List<KeepOutZone> around = Obstacles(slot ? index : -1, slot ? -1 : index);
            (SkillResult Result, string Reason) up = Walk(stance, around, cancel, kill, StationGait);
            if (up.Result == SkillResult.Done)
            {
                up = slot
                    ? Align(stance.Yaw, PickStationScene.BoxNominalX, PickStationScene.BoxNominalY, () => ToTraining(BoxPosition(index)), around, cancel, kill,
                        () => Math.IEEERemainder(Quat.From(_hardware.Simulation.Xquat.Slice(4 * _boxBodies[index], 4)).Yaw - PelvisYaw(), Math.PI))
                    : Align(stance.Yaw, PickStationScene.ToteNominalX, PickStationScene.ToteNominalY,
                        () => ToTraining(Vec3.From(_hardware.Simulation.Xpos.Slice(3 * _toteBodies[index], 3))), around, cancel, kill);
            }
            _station = up.Result == SkillResult.Done ? (slot ? index : -1, slot ? -1 : index, Approach(location)) : _station;
            return up;
        }
        if (_station is var (atSlot, atTote, retreat) && (atSlot >= 0 || atTote >= 0))
        {
            // Standing at a shelf or tote: step straight back to its approach pose first, the only
            // way out that does not cross it; then plan around everything.
            (SkillResult Result, string Reason) back = Walk(ToScene(retreat), Obstacles(atSlot, atTote), cancel, kill, StationGait);
            if (back.Result != SkillResult.Done)
            {
                return back;
            }
            _station = (-1, -1, default);
            if (_heldBox < 0 && _arm.Engaged)
            {
                // Clear of the station now: the empty arm is stowed down by the side, where the
                // walking controller holds it, before the walk (walking with it raised over where
                // the tote was topples the robot). Not to the reach's home: that holds the hand
                // at board height 15 cm ahead of the pelvis, and stepping up to the next shelf it
                // struck the board and toppled the robot (demo site, seed 4, second task).
                (SkillResult, string)? homed = MoveArm(_stowed, 0, 1.2, cancel, kill);
                if (homed is { } stop)
                {
                    return stop;
                }
            }
        }
        return Walk(ToScene(Approach(location)), Obstacles(-1, -1), cancel, kill);
    }

    /// <summary>Keep-out polygons for the planner, scene frame: the site's keep-out zones, every shelf and tote stand except the ones named.</summary>
    private List<KeepOutZone> Obstacles(int exceptSlot, int exceptTote)
    {
        var zones = new List<KeepOutZone>(_siteKeepOut);
        for (int i = 0; i < _sceneSlots.Count; i++)
        {
            if (i != exceptSlot)
            {
                SiteSceneSlot s = _sceneSlots[i];
                var frame = new Pose2(s.StanceX, s.StanceY, s.StanceYaw);
                zones.Add(Rectangle($"shelf {s.Id}", frame, PickStationScene.BoardFrontX, PickStationScene.BoardBackX, PickStationScene.BoardRightY, PickStationScene.BoardLeftY));
            }
        }
        for (int j = 0; j < _sceneTotes.Count; j++)
        {
            if (j != exceptTote)
            {
                SiteSceneTote t = _sceneTotes[j];
                const double hx = PickStationScene.ToteHalfX + 0.03, hy = PickStationScene.ToteHalfY + 0.03;
                zones.Add(Rectangle($"tote stand {t.Id}", new Pose2(t.X, t.Y, t.Yaw), -hx, hx, -hy, hy));
            }
        }
        return zones;
    }

    private static KeepOutZone Rectangle(string name, Pose2 frame, double x0, double x1, double y0, double y1)
    {
        Pose2 P(double x, double y) => frame.Offset(x, y);
        Pose2[] corners = [P(x0, y0), P(x1, y0), P(x1, y1), P(x0, y1)];
        return new KeepOutZone(name, [.. corners.Select(c => (c.X, c.Y))]);
    }

    /// <summary>
    /// Fine alignment at a station: small steps until the object (box or tote) lies where the
    /// pick station had it relative to the pelvis (within 1.5 cm) and the pelvis faces the
    /// station's heading (within 1.7°). The upper body learned its reach there; the pelvis of a
    /// balancing robot stands a few centimetres from where the soles put it, so this is measured
    /// on the object as perceived, not on the feet. Best effort: after 3 corrections it reports
    /// Done with the residual error in the reason, within the tolerances or not (the pick that
    /// follows is retried from a fresh approach if it fails).
    /// </summary>
    private (SkillResult, string) Align(double heading, double aheadNominal, double leftNominal, Func<Vec3> observe, IReadOnlyList<KeepOutZone> obstacles,
        CancellationToken cancel, CancellationToken kill, Func<double>? squareTo = null)
    {
        if (squareTo is not null)
        {
            // Face the box square (its yaw relative to the pelvis near 0, the middle of what the
            // policy saw), as far as the station's heading allows (±0.1 rad): turning 0.2 rad and
            // side-stepping this close to the shelf toppled the robot into it (demo site, seeds 1
            // and 2, the third task), and the reach takes the rest of the box's yaw.
            heading += Math.Clamp(Pose2.WrapAngle(PelvisYaw() + squareTo() - heading), -0.1, 0.1);
        }
        for (int attempt = 0; ; attempt++)
        {
            Vec3 seen = observe();
            double dx = seen.X - aheadNominal, dy = seen.Y - leftNominal, turn = Pose2.WrapAngle(heading - PelvisYaw());
            if ((Math.Sqrt(dx * dx + dy * dy) <= AlignTolerance && Math.Abs(turn) <= AlignYawTolerance) || attempt == 3)
            {
                return (SkillResult.Done, $"aligned to {Math.Sqrt(dx * dx + dy * dy) * 1000:0} mm and {Math.Abs(turn) * 180 / Math.PI:0.0}° after {attempt} corrections");
            }
            Pose2 stance = MeasuredStance();
            double yaw = PelvisYaw(), c = Math.Cos(yaw), s = Math.Sin(yaw);
            var goal = new Pose2(stance.X + c * dx - s * dy, stance.Y + s * dx + c * dy, stance.Yaw + turn);
            (SkillResult Result, string Reason) step = Walk(goal, obstacles, cancel, kill, StationGait with { GoalTolerance = 0.005, GoalYawTolerance = 0.005 }, 0.008, 0.01, bestEffort: true);
            if (step.Result != SkillResult.Done)
            {
                return step;
            }
        }
    }

    /// <summary>Alignment tolerance of the object relative to the pelvis, m, and of the heading, rad.</summary>
    private const double AlignTolerance = 0.015, AlignYawTolerance = 0.03;

    /// <summary>
    /// Gait for the short walks between an approach pose and a station: never turn away to face
    /// the goal (step sideways and backwards instead), so the robot keeps facing the shelf or tote.
    /// </summary>
    private GaitOptions StationGait => _options.Gait with { FaceWaypointDistance = 2.0 };

    private (SkillResult, string) Walk(Pose2 goal, IReadOnlyList<KeepOutZone> obstacles, CancellationToken cancel, CancellationToken kill, GaitOptions? station = null,
        double tolerance = ArrivalTolerance, double yawTolerance = ArrivalYawTolerance, bool bestEffort = false)
    {
        int corrections = 0;
        while (true)
        {
            (SkillResult, string)? held = WaitForPermit(cancel, kill);
            if (held is { } stop)
            {
                return stop;
            }
            Pose2 measured = MeasuredStance();
            if (measured.DistanceTo(goal) <= tolerance && Math.Abs(measured.TurnTo(goal)) <= yawTolerance)
            {
                return (SkillResult.Done, $"at ({ToSite(measured).X:0.00}, {ToSite(measured).Y:0.00})");
            }
            if (corrections > MaxCorrections)
            {
                return (bestEffort ? SkillResult.Done : SkillResult.Failed, $"ended {measured.DistanceTo(goal):0.000} m and {Math.Abs(measured.TurnTo(goal)) * 180 / Math.PI:0.0}° from the goal after {MaxCorrections} corrections");
            }
            GaitOptions gait = GaitForSpeedLimit(station ?? _options.Gait);
            if (_heldBox >= 0)
            {
                gait = gait with { MaxTurnPerStep = _options.CarryTurnPerStep };
            }
            // Plan in the controller's odometry frame: the goal and the obstacles as seen from where the
            // robot really stands (site localization), applied to where the controller believes it stands.
            Pose2 believed = _walking.FinalStance;
            Pose2 Map(Pose2 p)
            {
                var (f, l) = measured.Local(p);
                return believed.Offset(f, l, measured.TurnTo(p));
            }
            List<KeepOutZone> mapped = [.. obstacles.Select(z => new KeepOutZone(z.Name, [.. z.Vertices.Select(v => { Pose2 m = Map(new Pose2(v.X, v.Y, 0)); return (m.X, m.Y); })]))];
            FootstepPlanResult plan = FootstepPlanner.Plan(believed, Map(goal), gait, mapped);
            if (!plan.Found)
            {
                return (SkillResult.Failed, "no path: " + plan.Reason);
            }
            if (plan.Steps.Count == 0)
            {
                return (SkillResult.Done, "within a step of the goal");
            }
            var (left, right) = FootstepPlanner.Stance(believed, gait);
            _walking.Start(new FootstepPlan(left, right, plan.Steps, gait));
            bool interrupted = false;
            double limitScale = _robot.Pipeline.Safety.SpeedScale;
            Ticks(1);
            while (_walking.IsWalking)
            {
                if (kill.IsCancellationRequested)
                {
                    _walking.RequestStop();
                    return (SkillResult.Killed, "killed while walking: stopped within two steps");
                }
                if (!interrupted && (cancel.IsCancellationRequested || !MayMove || SlowerLimit(limitScale)))
                {
                    _walking.RequestStop();
                    interrupted = true;
                }
                Ticks(1);
                if (Fell)
                {
                    return (SkillResult.Fell, $"fell while walking at t = {Time:0.0} s");
                }
            }
            if (cancel.IsCancellationRequested)
            {
                return (SkillResult.Canceled, "canceled while walking: standing");
            }
            if (!interrupted)
            {
                corrections++;
            }
        }
    }

    /// <summary>True when the permitted speed fell below what the current plan walks at.</summary>
    private bool SlowerLimit(double scaleAtStart)
    {
        if (_options.Safety is null)
        {
            return false;
        }
        double scale = _robot.Pipeline.Safety.SpeedScale;
        return scale < scaleAtStart - 1e-9 && scale * _options.Safety.Options.MaxSpeed < _options.Gait.NominalSpeed;
    }

    /// <summary>The gait for the speed the supervisor allows: shorter steps, same timing (the balance is tuned for it).</summary>
    private GaitOptions GaitForSpeedLimit(GaitOptions gait)
    {
        if (_options.Safety is null)
        {
            return gait;
        }
        double allowed = _robot.Pipeline.Safety.SpeedScale * _options.Safety.Options.MaxSpeed;
        if (allowed >= _options.Gait.NominalSpeed)
        {
            return gait;
        }
        double scale = Math.Clamp(allowed / _options.Gait.NominalSpeed, 0.25, 1);
        return gait with { MaxStepLength = gait.MaxStepLength * scale, MaxSideStep = gait.MaxSideStep * scale, MaxBackwardStep = gait.MaxBackwardStep * scale };
    }

    private bool MayMove => _options.Safety is null || _robot.Pipeline.Safety.MayMove;

    /// <summary>Ticks of the latest stop from its trigger to a still stance on both feet, and to torque off (-1: not reached); none without a supervisor.</summary>
    public (long ToStable, long ToTorqueOff)? StopTicks => _stops is null ? null : (_stops.TicksToStable, _stops.TicksToTorqueOff);

    /// <summary>True while the drives are unpowered after an emergency stop (the leg and waist brakes hold the stance).</summary>
    public bool TorqueOff => _robot.Pipeline.Safety.Phase == StopPhase.TorqueOff;

    /// <summary>
    /// Re-powers the drives after an emergency stop, at the next tick the supervisor permits
    /// motion (its latch reset and resumed by the safety role). The operator's deliberate act at
    /// the robot: power never comes back by itself. Any thread.
    /// </summary>
    public void Rearm() => _stops?.Rearm();

    /// <summary>Ticks until the supervisor permits motion (reporting the hold), or a cancel/kill/fall ends the wait.</summary>
    private (SkillResult, string)? WaitForPermit(CancellationToken cancel, CancellationToken kill)
    {
        if (MayMove)
        {
            return null;
        }
        string reason = $"held by the supervisor: {_robot.Pipeline.Safety.Stop} ({_robot.Pipeline.Safety.Reason})";
        BlockedChanged?.Invoke(true, reason);
        while (!MayMove || _walking.IsWalking)
        {
            if (kill.IsCancellationRequested)
            {
                return (SkillResult.Killed, "killed while held by the supervisor");
            }
            if (cancel.IsCancellationRequested)
            {
                return (SkillResult.Canceled, "canceled while held by the supervisor");
            }
            Ticks(ControlTicks);
            if (Fell)
            {
                return (SkillResult.Fell, $"fell while held at t = {Time:0.0} s");
            }
        }
        BlockedChanged?.Invoke(false, "fresh permit from the supervisor");
        return null;
    }

    /// <summary>
    /// Picks the box of <paramref name="slot"/> (the robot stands at its pick stance): the arm
    /// starts from home, the policy (or the scripted reach) runs at 50 Hz until the finger sensors
    /// report a held box lifted clear of the board, then the arm draws into the carry pose.
    /// </summary>
    public (SkillResult Result, string Reason) Pick(SiteLocation slot, CancellationToken cancel, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(slot);
        int index = _slots.IndexOf(slot);
        (SkillResult, string)? moved = MoveArm(_home, 0, 1.0, cancel, kill);
        if (moved is { } early)
        {
            return early;
        }
        _policy?.Reset();
        ScriptedReach? script = _policy is null ? new ScriptedReach(this, index) : null;
        // The policy runs as on the robot: a PolicyRunner (limits, NaN and range checks) stepped at
        // 50 Hz on the simulation's clock, its targets interpolated by the arm overlay every 1 kHz tick.
        using PolicyRunner? runner = _policy is null ? null : new PolicyRunner(_policy, _runnerOptions!, _observations);
        _arm.Follow(runner?.Targets);
        try
        {
            (SkillResult Result, string Reason) picked = PickLoop(slot, index, script, runner, cancel, kill);
            if (picked.Result != SkillResult.Done)
            {
                // The box is taken on before the lift: a box that slipped or was pulled out then must not
                // ride along in the CoM model, the carry gait or the stowing decision of the walks that follow.
                ForgetBoxNotInHand();
            }
            return picked;
        }
        finally
        {
            _arm.Follow(null);
        }
    }

    /// <summary>
    /// Forgets the carried box when the finger sensors no longer report it held: the walking controller's payload
    /// goes back to 0, walks turn at the normal rate and the empty arm is stowed again. A box still in the hand
    /// (a pick canceled or killed during the lift) stays the payload: it is really there.
    /// </summary>
    private void ForgetBoxNotInHand()
    {
        if (_heldBox >= 0 && !GraspHeld())
        {
            ReleaseBox();
        }
    }

    /// <summary>The hand carries no box any more: the walking controller's payload goes back to 0.</summary>
    private void ReleaseBox()
    {
        _heldBox = -1;
        _walking.SetPayload(0, "right_hand", "right_hand"); // taken off where it was put on
    }

    private (SkillResult Result, string Reason) PickLoop(SiteLocation slot, int index, ScriptedReach? script, PolicyRunner? runner, CancellationToken cancel, CancellationToken kill)
    {
        Span<double> state = stackalloc double[PickTaskEnvironment.StateWidth];
        Span<double> environment = stackalloc double[PickTaskEnvironment.EnvironmentWidth];
        Span<double> action = stackalloc double[PickTaskEnvironment.StateWidth];
        int steps = (int)(_options.PickTimeoutSeconds * PickTaskEnvironment.ControlHz);
        double boardTop = slot.Z;
        for (int k = 0; k < steps; k++)
        {
            (SkillResult, string)? held = WaitForPermit(cancel, kill);
            if (held is { } stop)
            {
                return stop;
            }
            if (kill.IsCancellationRequested)
            {
                return (SkillResult.Killed, "killed while picking");
            }
            ObserveArm(state);
            ObserveScene(index, environment);
            if (runner is not null)
            {
                var observation = default(PolicyObservation);
                state.CopyTo(observation.State);
                environment.CopyTo(observation.Environment);
                _observations.Publish(observation);
                if (!runner.Step(Time))
                {
                    return (SkillResult.Failed, $"the policy runner stopped the arm: {runner.Fault}");
                }
                _arm.SetFeedForward(ArmGravity());
            }
            else
            {
                script!.Next(action);
                for (int i = 0; i < ArmKinematics.JointCount; i++)
                {
                    action[i] = Math.Clamp(action[i], _kinematics.LowerLimit(i), _kinematics.UpperLimit(i));
                }
                action[^1] = Math.Clamp(action[^1], 0, PickTaskEnvironment.GripperClosed);
                CommandArm(action);
            }
            Ticks(ControlTicks);
            if (Fell)
            {
                return (SkillResult.Fell, $"fell while picking at t = {Time:0.0} s");
            }
            if (GraspHeld() && GraspSite().Z > boardTop + 0.10)
            {
                _arm.Follow(null); // the policy's part ends here; the carry moves below set the arm
                _heldBox = index;
                Vec3 box = BoxPosition(index);
                _siteAboveBottom = GraspSite().Z - (box.Z - _sceneSlots[index].Box.BoxHeight / 2);
                // The box hangs on the right hand only (the controller otherwise assumes both hands).
                _walking.SetPayload(_sceneSlots[index].Box.BoxMass, "right_hand", "right_hand");
                // Carry pose: straight up, as the demonstrator lifts, until the box's bottom clears a
                // tote's rim by 4 cm while walking (the walk lowers the pelvis, and the box with it,
                // by GaitOptions.WalkingHeightDrop), so it never crosses a wall low. Best effort: the
                // arm reaches what it can.
                Vec3 site = ToTraining(GraspSite());
                double clear = PickStationScene.ToteRim + 0.04 + _options.Gait.WalkingHeightDrop + _siteAboveBottom;
                (SkillResult, string)? lifted = MoveHand(site with { Z = ReachableHeight(site, Math.Max(site.Z, clear)) }, HandYaw(), PickTaskEnvironment.GripperClosed, 0.8, cancel, kill);
                if (lifted is { Item1: not SkillResult.Failed } interrupted)
                {
                    return interrupted;
                }
                return GraspHeld()
                    ? (SkillResult.Done, $"holding the box after {(k + 1) * PickTaskEnvironment.StepPeriod:0.0} s")
                    : (SkillResult.Failed, "the box slipped out of the hand while drawing in");
            }
        }
        Vec3 left = BoxPosition(index);
        string where = left.Z < boardTop - 0.03 ? "the box fell off the board" : "the box is still on the board";
        return (SkillResult.Failed, $"no grasp within {_options.PickTimeoutSeconds:0} s ({where})");
    }

    /// <summary>How far short of a place waypoint the hand may stop (the box still drops into the tote from there), m.</summary>
    private const double ReachTolerance = 0.03;

    /// <summary>True when the finger sensors report a held object: both touch pads pressed and the jaw stalled open on it.</summary>
    public bool GraspHeld()
    {
        Span<double> touch = stackalloc double[4];
        _hardware.GetFingerTouch(touch);
        double opening = _hardware.Simulation.Qpos()[_gripperQpos];
        return touch[2] > 0.3 && touch[3] > 0.3 && opening < PickTaskEnvironment.GripperClosed - 0.004;
    }

    /// <summary>
    /// Where successive boxes go in a tote, m from its centre along the robot's heading (x) and to its
    /// left (y): two side by side on the half nearer the robot, then behind the second. Pointing down, the
    /// hand reaches the tote's near back quarter exactly; towards the far corner it falls short by up to
    /// 11 cm (8.5 cm ahead of the centre, 5 cm). Spots 8.5 cm apart with 3 cm to spare from the walls hold
    /// boxes up to 7 cm across; a spot out of reach is skipped. (A spot 7.5 cm beside the centre put a box
    /// on the tote's wall, seed 5.)
    /// </summary>
    private static readonly (double X, double Y)[] ToteFill = [(0, 0.02), (-0.085, 0.02), (-0.085, -0.06)];

    /// <summary>
    /// Where the hand goes over the tote to drop the held box (station frame): the first free
    /// <see cref="ToteFill"/> spot the hand reaches, over it and then down to <paramref name="releaseZ"/>,
    /// at the carry height (<paramref name="centre"/>'s) or, when the hand does not reach that high so
    /// close to the body, at <paramref name="rimClearZ"/> (the box's bottom 4 cm above the rim); the
    /// centre when none. Dropped on one spot, a third box lands on the first two and stands above the rim.
    /// </summary>
    private Vec3 FillSpot(int tote, Vec3 centre, double rimClearZ, double releaseZ, double yaw)
    {
        for (int k = BoxesIn(tote); k < ToteFill.Length; k++)
        {
            foreach (double z in (ReadOnlySpan<double>)[centre.Z, rimClearZ])
            {
                var spot = new Vec3(centre.X + ToteFill[k].X, centre.Y + ToteFill[k].Y, z);
                if (Reaches(spot, spot with { Z = releaseZ }, yaw))
                {
                    return spot;
                }
            }
        }
        return centre;
    }

    /// <summary>Boxes of the scene resting inside the tote at <paramref name="tote"/> (the robot's view of what it already put there).</summary>
    private int BoxesIn(int tote)
    {
        MjSimulation sim = _hardware.Simulation;
        Vec3 at = Vec3.From(sim.Xpos.Slice(3 * _toteBodies[tote], 3));
        Quat orientation = Quat.From(sim.Xquat.Slice(4 * _toteBodies[tote], 4));
        int count = 0;
        for (int i = 0; i < _boxBodies.Length; i++)
        {
            if (i != _heldBox && PickStationScene.InsideTote(BoxPosition(i), at, orientation))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// Places the held box into <paramref name="tote"/> (the robot stands at its place stance):
    /// over the tote, down, open, up, home. Then checks the box rests inside the tote.
    /// </summary>
    public (SkillResult Result, string Reason) Place(SiteLocation tote, CancellationToken cancel, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(tote);
        if (_heldBox < 0 || !GraspHeld())
        {
            ForgetBoxNotInHand(); // dropped on the way: the next walks carry nothing
            return (SkillResult.Failed, "no box in the hand");
        }
        int index = _totes.IndexOf(tote);
        Vec3 at = ToTraining(Vec3.From(_hardware.Simulation.Xpos.Slice(3 * _toteBodies[index], 3)));
        // Heights from the tote as seen (its centre), not from the station's nominal stand: the
        // pelvis of a balancing robot does not stand exactly at the station's welded height.
        // The box may have slid in the jaw on the way: measure how far it hangs below the hand now.
        _siteAboveBottom = GraspSite().Z - (BoxPosition(_heldBox).Z - _sceneSlots[_heldBox].Box.BoxHeight / 2);
        double releaseZ = at.Z - PickStationScene.ToteHalfZ + 2 * PickStationScene.ToteWall + 0.015 + _siteAboveBottom;
        // As the demonstrator places: over the tote with the box's bottom 4 cm above the rim (or as
        // high as it hangs now), down to 1.5 cm above the floor, release, up.
        Vec3 site = ToTraining(GraspSite()), boxNow = ToTraining(BoxPosition(_heldBox));
        double hangX = site.X - boxNow.X, hangY = site.Y - boxNow.Y;
        double rimClearZ = at.Z + PickStationScene.ToteHalfZ + 0.04 + _siteAboveBottom;
        double carryZ = Math.Max(site.Z, rimClearZ);
        double yaw = HandYaw();
        Vec3 over = FillSpot(index, new Vec3(at.X + hangX, at.Y + hangY, carryZ), rimClearZ, releaseZ, yaw);
        (Vec3 Target, double Gripper, double Seconds)[] waypoints =
        [
            (over, PickTaskEnvironment.GripperClosed, 1.3),
            (over with { Z = releaseZ }, PickTaskEnvironment.GripperClosed, 0.9),
            (over with { Z = releaseZ }, 0, 0.5),
        ];
        foreach (var (target, gripper, seconds) in waypoints)
        {
            (SkillResult Result, string Reason)? stop = MoveHand(target, yaw, gripper, seconds, cancel, kill);
            if (stop is { } s)
            {
                return s;
            }
        }
        // Up 5 cm past where the box came in, as far as the hand reaches (never lower than where it came
        // in): the robot steps back with the arm over the tote, and a hand held low catches the rim.
        Vec3 released = ToTraining(GraspSite());
        double retreatZ = Math.Max(over.Z, ReachableHeight(released, over.Z + 0.05));
        if (MoveHand(over with { Z = retreatZ }, yaw, 0, 0.8, cancel, kill) is { Item1: not SkillResult.Failed } interrupted)
        {
            return interrupted;
        }
        int box = _heldBox;
        ReleaseBox();
        // The arm stays raised above the tote: bringing it home here sweeps the forearm through
        // the tote. It goes home once the robot has stepped back (the next reach starts from home).
        Ticks(300); // let the box settle
        MjSimulation sim = _hardware.Simulation;
        Vec3 boxAt = BoxPosition(box), toteAt = Vec3.From(sim.Xpos.Slice(3 * _toteBodies[index], 3));
        bool inside = PickStationScene.InsideTote(boxAt, toteAt, Quat.From(sim.Xquat.Slice(4 * _toteBodies[index], 4)));
        Vec3 off = boxAt - toteAt;
        return inside ? (SkillResult.Done, $"the box rests in {tote.Id}")
            : (SkillResult.Failed, $"the box missed {tote.Id}: its centre is ({off.X:+0.000;-0.000}, {off.Y:+0.000;-0.000}, {off.Z:+0.000;-0.000}) m from the tote's");
    }

    /// <summary>
    /// Moves the hand (pointing down) along a straight minimum-jerk line to <paramref name="target"/>
    /// (pick-station frame), turning it to <paramref name="yaw"/>, and the jaw to
    /// <paramref name="gripper"/>: the arm is solved every 50 Hz step from the previous solution,
    /// as the scripted demonstrator does, so it stays on one configuration branch.
    /// </summary>
    private (SkillResult, string)? MoveHand(Vec3 target, double yaw, double gripper, double seconds, CancellationToken cancel, CancellationToken kill)
    {
        Span<double> q = stackalloc double[ArmKinematics.JointCount];
        Span<double> command = stackalloc double[PickTaskEnvironment.StateWidth];
        Span<double> rotation = stackalloc double[9];
        _arm.Target[..ArmKinematics.JointCount].CopyTo(q);
        double fromGripper = _arm.Target[ArmKinematics.JointCount];
        Vec3 from = _kinematics.Forward(q, rotation);
        double fromYaw = Math.Atan2(rotation[3], rotation[0]), error = 0;
        int steps = Math.Max(1, (int)Math.Round(seconds * PickTaskEnvironment.ControlHz));
        for (int k = 1; k <= steps; k++)
        {
            double tau = (double)k / steps, s = MinimumJerk.Blend(tau);
            error = _kinematics.Solve(from + s * (target - from), fromYaw + s * Pose2.WrapAngle(yaw - fromYaw), q, out _);
            q.CopyTo(command);
            command[^1] = fromGripper + Math.Min(1, 2 * tau) * (gripper - fromGripper);
            if (ArmStep(command, "hand", cancel, kill) is { } stop)
            {
                return stop;
            }
        }
        return error > ReachTolerance
            ? (SkillResult.Failed, $"({target.X:0.00}, {target.Y:0.00}, {target.Z:0.00}) is out of the arm's reach by {error:0.000} m")
            : null;
    }

    /// <summary>
    /// The highest height up to <paramref name="wanted"/> the hand reaches straight above
    /// <paramref name="site"/> while still pointing down (5 mm, 0.05 rad). Beyond it the solver
    /// trades the hand's orientation for height, and the next move snaps the wrist back level and
    /// flings the box out of the jaw.
    /// </summary>
    private double ReachableHeight(Vec3 site, double wanted)
    {
        Span<double> q = stackalloc double[ArmKinematics.JointCount];
        double yaw = HandYaw();
        for (double z = wanted; z > site.Z; z -= 0.01)
        {
            _arm.Target[..ArmKinematics.JointCount].CopyTo(q);
            double error = _kinematics.SolveAlong(_kinematics.Forward(q), site with { Z = z }, yaw, q, 10, out double tilt, maxIterations: 100);
            if (error < 0.005 && tilt < 0.05)
            {
                return z;
            }
        }
        return site.Z;
    }

    /// <summary>
    /// True when the hand, moved straight from its commanded pose to <paramref name="first"/> and on to
    /// <paramref name="second"/> (station frame), reaches both within <see cref="ReachTolerance"/>.
    /// </summary>
    private bool Reaches(Vec3 first, Vec3 second, double yaw)
    {
        Span<double> q = stackalloc double[ArmKinematics.JointCount];
        _arm.Target[..ArmKinematics.JointCount].CopyTo(q);
        Vec3 from = _kinematics.Forward(q);
        foreach (Vec3 target in (ReadOnlySpan<Vec3>)[first, second])
        {
            if (_kinematics.SolveAlong(from, target, yaw, q, 20, out _) > ReachTolerance)
            {
                return false;
            }
            from = target;
        }
        return true;
    }

    /// <summary>Heading of the hand (pointing down) the arm is commanded to, pick-station frame, rad.</summary>
    private double HandYaw()
    {
        Span<double> rotation = stackalloc double[9];
        _kinematics.Forward(_arm.Target[..ArmKinematics.JointCount], rotation);
        return Math.Atan2(rotation[3], rotation[0]);
    }

    /// <summary>Moves the arm to <paramref name="joints"/> and the jaw to <paramref name="gripper"/> along a minimum-jerk path.</summary>
    private (SkillResult, string)? MoveArm(ReadOnlySpan<double> joints, double gripper, double seconds, CancellationToken cancel, CancellationToken kill)
    {
        Span<double> from = stackalloc double[PickTaskEnvironment.StateWidth];
        if (_arm.Engaged)
        {
            _arm.Target.CopyTo(from);
        }
        else
        {
            ObserveArm(from);
        }
        Span<double> target = stackalloc double[PickTaskEnvironment.StateWidth];
        int steps = Math.Max(1, (int)Math.Round(seconds * PickTaskEnvironment.ControlHz));
        for (int k = 1; k <= steps; k++)
        {
            double tau = (double)k / steps, s = MinimumJerk.Blend(tau);
            for (int i = 0; i < ArmKinematics.JointCount; i++)
            {
                target[i] = from[i] + s * (joints[i] - from[i]);
            }
            target[^1] = from[^1] + Math.Min(1, 2 * tau) * (gripper - from[^1]);
            if (ArmStep(target, "arm", cancel, kill) is { } stop)
            {
                return stop;
            }
        }
        return null;
    }

    /// <summary>
    /// One 50 Hz step of an arm motion: waits while the supervisor holds the robot, commands the
    /// arm, runs the step's ticks. Null to go on; how the motion ended otherwise.
    /// </summary>
    private (SkillResult, string)? ArmStep(ReadOnlySpan<double> command, string moving, CancellationToken cancel, CancellationToken kill)
    {
        (SkillResult, string)? held = WaitForPermit(cancel, kill);
        if (held is not null)
        {
            return held;
        }
        CommandArm(command);
        Ticks(ControlTicks);
        return Fell ? (SkillResult.Fell, $"fell while moving the {moving} at t = {Time:0.0} s") : null;
    }

    /// <summary>Commands the arm with gravity feed-forward from the model (MuJoCo's bias forces, as a driver's feed-forward torque).</summary>
    private void CommandArm(ReadOnlySpan<double> target)
    {
        target.CopyTo(_armTarget);
        _arm.SetArm(_armTarget, ArmGravity());
    }

    /// <summary>The arm's gravity torques now (MuJoCo's bias forces, as a driver's feed-forward torque).</summary>
    private ReadOnlySpan<double> ArmGravity()
    {
        ReadOnlySpan<double> bias = _hardware.Simulation.QfrcBias;
        for (int i = 0; i < ArmKinematics.JointCount; i++)
        {
            _gravity[i] = bias[_armDof[i]];
        }
        return _gravity;
    }

    private void ObserveArm(Span<double> state)
    {
        ReadOnlySpan<double> qpos = _hardware.Simulation.Qpos();
        for (int i = 0; i < ArmKinematics.JointCount; i++)
        {
            state[i] = qpos[_armQpos[i]];
        }
        state[^1] = qpos[_gripperQpos];
    }

    /// <summary>
    /// The policy's environment observation in the pick station's frame (pelvis at the origin at
    /// standing height, facing +x): the slot's box as perceived, and the tote where the station has it
    /// (the policy is stopped once the box is lifted, before it would carry it there).
    /// </summary>
    private void ObserveScene(int slot, Span<double> environment)
    {
        MjSimulation sim = _hardware.Simulation;
        Vec3 box = ToTraining(Vec3.From(sim.Xpos.Slice(3 * _boxBodies[slot], 3)));
        Quat boxQ = Quat.FromYaw(-PelvisYaw()) * Quat.From(sim.Xquat.Slice(4 * _boxBodies[slot], 4));
        environment[0] = box.X;
        environment[1] = box.Y;
        environment[2] = box.Z;
        environment[3] = boxQ.W;
        environment[4] = boxQ.X;
        environment[5] = boxQ.Y;
        environment[6] = boxQ.Z;
        environment[7] = PickStationScene.ToteNominalX;
        environment[8] = PickStationScene.ToteNominalY;
        environment[9] = PickStationScene.StandTop + PickStationScene.ToteHalfZ + 0.001;
        environment[10] = 1;
        environment[11] = 0;
        environment[12] = 0;
        environment[13] = 0;
    }

    private double PelvisYaw() => Quat.From(_hardware.Simulation.Xquat.Slice(4 * _hardware.Binding.PelvisBody, 4)).Yaw;

    /// <summary>A scene point in the pick station's frame: relative to the pelvis, turned by its heading, at the station's pelvis height.</summary>
    private Vec3 ToTraining(Vec3 point)
    {
        MjSimulation sim = _hardware.Simulation;
        Vec3 pelvis = Vec3.From(sim.Xpos.Slice(3 * _hardware.Binding.PelvisBody, 3));
        Vec3 local = Quat.FromYaw(-PelvisYaw()).Rotate(point - pelvis);
        return new Vec3(local.X, local.Y, local.Z + _kinematics.PelvisHeight);
    }

    /// <summary>The grasp site (between the fingers), world frame: the arm's forward kinematics.</summary>
    private Vec3 GraspSite() => Vec3.From(_hardware.Simulation.SiteXpos.Slice(3 * _graspSite, 3));

    private Vec3 BoxPosition(int slot) => Vec3.From(_hardware.Simulation.Xpos.Slice(3 * _boxBodies[slot], 3));

    /// <summary>Runs <paramref name="count"/> ticks of the loop, reporting to the supervisor every 10 ms, tracing every 100 ms, pacing to wall time when asked.</summary>
    public void Ticks(int count)
    {
        for (int k = 0; k < count; k++)
        {
            _driver.Run(1);
            long tick = _robot.Pipeline.TickCount;
            if (tick % 10 == 0)
            {
                ReportToSupervisor();
            }
            if (tick % 100 == 0)
            {
                RecordTrace();
            }
            if (!Fell && (PelvisHeightNow() < FallHeight || _hardware.PelvisTilt > FallTilt))
            {
                Fell = true;
            }
        }
        if (_options.RealTimeFactor > 0)
        {
            double ahead = Time / _options.RealTimeFactor - _wall.Elapsed.TotalSeconds;
            if (ahead > 0.002)
            {
                Thread.Sleep(TimeSpan.FromSeconds(ahead));
            }
        }
    }

    private double PelvisHeightNow() => _hardware.Simulation.Xpos[3 * _hardware.Binding.PelvisBody + 2];

    private void ReportToSupervisor() => _options.Safety?.Report(SafetyState());

    /// <summary>What the supervisor is told: the pelvis pose and velocity in the site frame, and the arms' reach.</summary>
    public RobotSafetyState SafetyState()
    {
        Pose2 pose = ToSite(PelvisPose());
        ReadOnlySpan<double> qvel = _hardware.Simulation.Qvel;
        int b = _hardware.Binding.BaseDofAdr;
        return new RobotSafetyState(pose.X, pose.Y, pose.Yaw, Math.Cos(_origin.Yaw) * qvel[b] - Math.Sin(_origin.Yaw) * qvel[b + 1],
            Math.Sin(_origin.Yaw) * qvel[b] + Math.Cos(_origin.Yaw) * qvel[b + 1], _options.Safety?.Options.Reach ?? Reach);
    }

    private void RecordTrace()
    {
        Pose2 pose = ToSite(PelvisPose());
        SafetyStatus safety = _robot.Pipeline.Safety;
        Trace.Add(new SiteTraceSample(Time, pose.X, pose.Y, pose.Yaw, Activity, _options.Safety is null ? "none" : safety.Stop.ToString(),
            _options.Safety is null ? 1 : safety.SpeedScale, GraspHeld()));
    }

    private Pose2 PelvisPose()
    {
        MjSimulation sim = _hardware.Simulation;
        int p = _hardware.Binding.PelvisBody;
        return new Pose2(sim.Xpos[3 * p], sim.Xpos[3 * p + 1], PelvisYaw());
    }

    private Pose2 MeasuredStance() => Scenarios.WalkScenario.MeasuredStance(_hardware);

    private Pose2 ToScene(Pose2 site)
    {
        var (f, l) = _origin.Local(site);
        return new Pose2(f, l, Pose2.WrapAngle(site.Yaw - _origin.Yaw));
    }

    private Pose2 ToSite(Pose2 scene) => _origin.Offset(scene.X, scene.Y, scene.Yaw);

    /// <summary>A scene point in the site frame (the height is the same in both).</summary>
    private Vec3 ToSite(Vec3 scene)
    {
        Pose2 site = ToSite(new Pose2(scene.X, scene.Y, 0));
        return new Vec3(site.X, site.Y, scene.Z);
    }

    public void Dispose()
    {
        _policy?.Dispose();
        _kinematics.Dispose();
        _robot.Dispose();
    }

    /// <summary>The scripted demonstrator's reach in this scene: pre-grasp, down, close, lift (the policy's teacher).</summary>
    private sealed class ScriptedReach
    {
        private readonly List<(Vec3 Target, double Yaw, double Gripper, int Steps)> _plan = [];
        private readonly SimSiteRobot _robot;
        private readonly double[] _q = new double[ArmKinematics.JointCount];
        private int _segment, _step;
        private Vec3 _from;
        private double _fromYaw, _fromGripper;

        public ScriptedReach(SimSiteRobot robot, int slot)
        {
            _robot = robot;
            MjSimulation sim = robot._hardware.Simulation;
            PickTaskEpisode e = robot._sceneSlots[slot].Box;
            Vec3 box = robot.ToTraining(robot.BoxPosition(slot));
            double yaw = Math.IEEERemainder((Quat.FromYaw(-robot.PelvisYaw()) * Quat.From(sim.Xquat.Slice(4 * robot._boxBodies[slot], 4))).Yaw, Math.PI);
            double graspZ = Math.Max(box.Z + e.BoxHeight / 2 - 0.035, PickStationScene.BoardTop + 0.04);
            var grasp = new Vec3(box.X, box.Y, graspZ);
            const double closed = PickTaskEnvironment.GripperClosed;
            _plan.Add((grasp with { Z = graspZ + 0.07 }, yaw, 0, 70));
            _plan.Add((grasp, yaw, 0, 45));
            _plan.Add((grasp, yaw, closed, 25));
            _plan.Add((grasp with { Z = graspZ + 0.15 }, yaw, closed, 50));
            robot._arm.Target[..ArmKinematics.JointCount].CopyTo(_q);
            _from = robot._kinematics.Forward(_q);
        }

        public void Next(Span<double> action)
        {
            double gripper = _fromGripper;
            if (_segment < _plan.Count)
            {
                var (target, yaw, grip, steps) = _plan[_segment];
                _step++;
                double tau = (double)_step / steps, k = MinimumJerk.Blend(tau);
                _robot._kinematics.Solve(_from + k * (target - _from), _fromYaw + k * (yaw - _fromYaw), _q, out _);
                gripper = _fromGripper + Math.Min(1, 2 * tau) * (grip - _fromGripper);
                if (_step >= steps)
                {
                    (_from, _fromYaw, _fromGripper, _segment, _step) = (target, yaw, grip, _segment + 1, 0);
                }
            }
            _q.CopyTo(action);
            action[^1] = gripper;
        }
    }
}
