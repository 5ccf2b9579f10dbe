using System.Diagnostics;
using Robot.Control.Locomotion;
using Robot.Core.Control;
using Robot.Runtime.Hosting;
using Robot.Runtime.Loop;
using Robot.Sim;

namespace Robot.Runtime.Scenarios;

/// <summary>One sample of a walk for plots: ground frame, m.</summary>
/// <param name="Time">Seconds since the walk started.</param>
/// <param name="ComX">Measured CoM x.</param>
/// <param name="ComY">Measured CoM y.</param>
/// <param name="DcmX">Measured DCM x.</param>
/// <param name="DcmY">Measured DCM y.</param>
/// <param name="ZmpRefX">ZMP reference x.</param>
/// <param name="ZmpRefY">ZMP reference y.</param>
/// <param name="ComRefX">CoM reference x.</param>
/// <param name="ComRefY">CoM reference y.</param>
/// <param name="TrueComX">Ground-truth CoM x from the simulation, in the start's frame.</param>
/// <param name="TrueComY">Ground-truth CoM y.</param>
/// <param name="TrueYaw">Ground-truth pelvis heading relative to the start, rad.</param>
public readonly record struct WalkSample(double Time, double ComX, double ComY, double DcmX, double DcmY, double ZmpRefX, double ZmpRefY,
    double ComRefX, double ComRefY, double TrueComX, double TrueComY, double TrueYaw);

/// <summary>
/// Outcome of <see cref="WalkScenario"/>. Poses are in the ground frame of the start (x ahead, y
/// left), ground truth from the simulation. <see cref="MeanSpeedMps"/> is the planned path's length
/// over the planned walk's duration, start to standing (initial and final double support
/// included); <see cref="WalkSeconds"/> and <see cref="Steps"/> also count the corrective walks.
/// </summary>
public sealed record WalkResult(double GoalX, double GoalY, double GoalYawDeg, bool Planned, string? NoPathReason, bool Reached, bool Fell, double? FellAtSeconds,
    double FinalX, double FinalY, double FinalYawDeg, double FinalErrorM, double FinalErrorDeg, double MeanSpeedMps, int Steps, double WalkSeconds,
    double PayloadKg, string Fault, string Status, double WallSeconds)
{
    /// <summary>Position tolerance for <see cref="Reached"/>, m.</summary>
    public const double PositionTolerance = 0.10;

    /// <summary>Heading tolerance for <see cref="Reached"/>, degrees.</summary>
    public const double YawToleranceDeg = 10;

    /// <summary>Corrective walks after the first (re-planned from the measured pose).</summary>
    public int Corrections { get; init; }
}

/// <summary>
/// The humanoid walks in MuJoCo (flat ground) from its start stance to a goal pose with the
/// walking controller, in simulated time. Falls count when the pelvis drops below 0.5 m or tilts
/// beyond 30°. The final pose is the sole midpoint and mean sole heading once the robot stands.
/// When the first walk ends more than 4 cm or 3° from the goal (turning on the spot drifts a few
/// centimetres), up to two corrective walks are re-planned from the measured pose, the way the
/// task executor re-plans from site localization.
/// </summary>
public static class WalkScenario
{
    /// <summary>Walks to <paramref name="goal"/> (ground frame of the start).</summary>
    /// <param name="goal">Goal body pose.</param>
    /// <param name="gait">Gait; defaults when null.</param>
    /// <param name="keepOut">Zones the footsteps avoid.</param>
    /// <param name="samples">Receives samples every 10 ms for plots, when given.</param>
    /// <param name="stopAfterSeconds">Requests a stop this long after the walk starts (stop-walking tests), when given.</param>
    /// <param name="plannedSteps">Receives the planned footsteps, when given.</param>
    /// <param name="payloadKg">Payload held in both hands (simulation and the controller's CoM model), kg.</param>
    public static WalkResult Run(Pose2 goal, GaitOptions? gait = null, IReadOnlyList<KeepOutZone>? keepOut = null,
        List<WalkSample>? samples = null, double? stopAfterSeconds = null, List<Footstep>? plannedSteps = null, double payloadKg = 0)
    {
        gait ??= new GaitOptions();
        var hardware = SimHardware.FlatGround();
        // The controller's model is built from the nominal robot and told about the payload, as on
        // hardware; only then does the simulated robot pick the box up.
        WalkingController controller = WalkingFactory.Create(hardware, gait);
        controller.SetPayload(payloadKg);
        hardware.SetPayload(payloadKg);
        using var robot = SimulatedRobot.Create(controller, hardware: hardware);
        var driver = new SimulatedTimeDriver(robot.Pipeline);
        var clock = Stopwatch.StartNew();
        driver.Run(200); // settle into the controller's stance
        Pose2 origin = MeasuredStance(hardware);
        FootstepPlanResult planned = FootstepPlanner.Plan(controller.FinalStance, goal, gait, keepOut);
        if (!planned.Found)
        {
            return new WalkResult(goal.X, goal.Y, Deg(goal.Yaw), false, planned.Reason, false, false, null, 0, 0, 0, goal.DistanceTo(default), Math.Abs(Deg(goal.Yaw)),
                0, 0, 0, 0, robot.Pipeline.Fault.ToString(), controller.Status.ToString(), clock.Elapsed.TotalSeconds);
        }
        plannedSteps?.AddRange(planned.Steps);
        double? fellAt = null;
        double t0 = hardware.Simulation.Time, walkSeconds = 0, firstWalkSeconds = 0, pathLength = PathLength(controller.FinalStance, planned.Waypoints);
        int steps = 0, corrections = 0;
        Span<double> pelvis = stackalloc double[3];
        Span<double> quat = stackalloc double[4];
        Span<double> com = stackalloc double[3];
        bool stopSent = false;
        Pose2 final;
        while (true)
        {
            var (left, right) = FootstepPlanner.Stance(controller.FinalStance, gait);
            var plan = new FootstepPlan(left, right, planned.Steps, gait);
            controller.Start(plan);
            long limit = (long)((plan.Duration + 0.5) / hardware.Timestep);
            for (long k = 0; k < limit; k++)
            {
                driver.Run(1);
                double t = hardware.Simulation.Time - t0;
                if (stopAfterSeconds is { } s && !stopSent && t >= s)
                {
                    controller.RequestStop();
                    stopSent = true;
                    limit = k + (long)((controller.Plan.Duration - controller.PlanTime + 3.0) / hardware.Timestep);
                }
                hardware.GetPelvisPose(pelvis, quat);
                if (pelvis[2] < 0.5 || hardware.PelvisTilt > 0.52)
                {
                    fellAt = t;
                    break;
                }
                if (robot.Pipeline.Fault != LoopFault.None)
                {
                    break;
                }
                if (samples is not null && k % 10 == 0)
                {
                    var (zx, zy) = controller.ZmpReference;
                    var (dx, dy) = controller.Dcm;
                    var (rx, ry) = controller.ComReference;
                    hardware.GetCenterOfMass(com);
                    var (tx, ty) = origin.Local(new Pose2(com[0], com[1], 0));
                    samples.Add(new WalkSample(t, controller.Com.X, controller.Com.Y, dx, dy, zx, zy, rx, ry, tx, ty,
                        Pose2.WrapAngle(new Robot.Core.Geometry.Quat(quat[0], quat[1], quat[2], quat[3]).Yaw - origin.Yaw)));
                }
            }
            steps += controller.Plan.Count;
            walkSeconds += controller.Plan.Duration;
            if (corrections == 0)
            {
                firstWalkSeconds = controller.Plan.Duration;
            }
            Pose2 end = MeasuredStance(hardware);
            var (fx, fy) = origin.Local(end);
            final = new Pose2(fx, fy, origin.TurnTo(end));
            bool close = final.DistanceTo(goal) <= CorrectionTolerance && Math.Abs(final.TurnTo(goal)) <= CorrectionYawTolerance;
            if (fellAt is not null || robot.Pipeline.Fault != LoopFault.None || stopSent || close || corrections == MaxCorrections)
            {
                break;
            }
            // Re-plan from where the robot really stands (what site localization reports; here
            // the simulation's ground truth): the goal as seen from the real pose, applied to
            // where the controller believes it stands.
            var (forward, leftward) = final.Local(goal);
            Pose2 corrected = controller.FinalStance.Offset(forward, leftward, final.TurnTo(goal));
            planned = FootstepPlanner.Plan(controller.FinalStance, corrected, gait, keepOut);
            if (!planned.Found || planned.Steps.Count == 0)
            {
                break;
            }
            corrections++;
        }
        double error = final.DistanceTo(goal), errorDeg = Math.Abs(Deg(final.TurnTo(goal)));
        bool fell = fellAt is not null;
        bool reached = !fell && robot.Pipeline.Fault == LoopFault.None && error <= WalkResult.PositionTolerance && errorDeg <= WalkResult.YawToleranceDeg;
        return new WalkResult(goal.X, goal.Y, Deg(goal.Yaw), true, null, reached, fell, fellAt, final.X, final.Y, Deg(final.Yaw), error, errorDeg,
            firstWalkSeconds > 0 ? pathLength / firstWalkSeconds : 0, steps, walkSeconds, payloadKg, robot.Pipeline.Fault.ToString(), controller.Status.ToString(),
            clock.Elapsed.TotalSeconds)
        {
            Corrections = corrections,
        };
    }

    /// <summary>Corrective re-plans at most, after the first walk.</summary>
    public const int MaxCorrections = 2;

    /// <summary>Position error below which no correction is walked, m.</summary>
    public const double CorrectionTolerance = 0.04;

    /// <summary>Heading error below which no correction is walked, rad.</summary>
    public const double CorrectionYawTolerance = 0.05;

    private static double PathLength(Pose2 from, IReadOnlyList<Pose2> waypoints)
    {
        double length = 0;
        foreach (Pose2 w in waypoints)
        {
            length += from.DistanceTo(w);
            from = w;
        }
        return length;
    }

    /// <summary>Ground truth: the sole midpoint and mean sole heading, world frame.</summary>
    public static Pose2 MeasuredStance(SimHardware hardware)
    {
        Span<double> left = stackalloc double[3], right = stackalloc double[3], leftR = stackalloc double[9], rightR = stackalloc double[9];
        hardware.GetSolePose(true, left, leftR);
        hardware.GetSolePose(false, right, rightR);
        double leftYaw = Math.Atan2(leftR[3], leftR[0]), rightYaw = Math.Atan2(rightR[3], rightR[0]);
        return Pose2.Lerp(new Pose2(left[0], left[1], leftYaw), new Pose2(right[0], right[1], rightYaw), 0.5);
    }

    private static double Deg(double rad) => rad * 180 / Math.PI;
}
