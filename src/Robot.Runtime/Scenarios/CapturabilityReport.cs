using Robot.Control.Balance;
using Robot.Control.Kinematics;
using Robot.Control.Lipm;
using Robot.Core.Geometry;
using Robot.Runtime.Hosting;
using Robot.Sim;

namespace Robot.Runtime.Scenarios;

/// <summary>Capturability bounds of the humanoid in one push direction.</summary>
/// <param name="DirectionDeg">Push direction, degrees (0 = forward, 90 = left).</param>
/// <param name="SupportEdgeM">r_max: CoM projection to the double-support edge in that direction, m.</param>
/// <param name="ZeroStepVelocityMps">Largest CoM velocity recoverable without a step (ankle only), m/s.</param>
/// <param name="OneStepVelocityMps">… with one step, m/s.</param>
/// <param name="ThreeStepVelocityMps">… with three steps, m/s.</param>
/// <param name="InfiniteStepVelocityMps">… with any number of steps, m/s.</param>
/// <param name="ZeroStepImpulseNs">The same bounds as impulses on the whole robot, N·s.</param>
/// <param name="OneStepImpulseNs">One-step impulse bound, N·s.</param>
/// <param name="ThreeStepImpulseNs">Three-step impulse bound, N·s.</param>
/// <param name="InfiniteStepImpulseNs">∞-step impulse bound, N·s.</param>
/// <param name="ReachableOneStepVelocityMps">
/// One step as our legs can take it (<see cref="StepCapture"/>): the CoP on the stance sole during
/// the swing, landings the legs reach without crossing, the DCM caught by the two soles' hull, m/s.
/// </param>
/// <param name="ReachableOneStepImpulseNs">The same as an impulse, N·s.</param>
/// <param name="CrossoverOneStepVelocityMps">
/// The reachable bound with crossover steps counted too: landings on the stance foot's far side
/// that both legs reach within their joint limits, the legs' collision ignored, m/s. Koolen's
/// 1-step margin sideways assumes such a step; this is what the joint limits leave of it.
/// </param>
/// <param name="CrossoverOneStepImpulseNs">The same as an impulse, N·s.</param>
public sealed record CapturabilityDirection(double DirectionDeg, double SupportEdgeM,
    double ZeroStepVelocityMps, double OneStepVelocityMps, double ThreeStepVelocityMps, double InfiniteStepVelocityMps,
    double ZeroStepImpulseNs, double OneStepImpulseNs, double ThreeStepImpulseNs, double InfiniteStepImpulseNs,
    double ReachableOneStepVelocityMps, double ReachableOneStepImpulseNs,
    double CrossoverOneStepVelocityMps, double CrossoverOneStepImpulseNs);

/// <summary>The robot facts and limits the bounds come from, and the bounds per direction.</summary>
public sealed record CapturabilityResult(double MassKg, double ComHeightM, double OmegaPerS, double MaxStepLengthM, double MinStepTimeS,
    IReadOnlyList<CapturabilityDirection> Directions);

/// <summary>
/// N-step capturability (Koolen et al. 2012) of our humanoid in its default stance, from the
/// compiled model (mass, CoM, feet) and the configured stepping limits.
/// </summary>
public static class CapturabilityReport
{
    /// <summary>The longest step ℓ_max the bounds assume unless told otherwise (`sim capturability`, `sim push`), m.</summary>
    public const double DefaultMaxStepLength = 0.4;

    /// <summary>The shortest step time Δt_s the bounds assume unless told otherwise, s.</summary>
    public const double DefaultMinStepTime = 0.3;

    /// <summary>
    /// The reachable bound's landings are those both legs reach with the pelvis anywhere from the
    /// standing height down to this much lower, m. A capture step lowers the pelvis to reach
    /// further (<see cref="CaptureStepOptions.PelvisDrop"/>), so a bound taken at the standing
    /// height alone (24.3 N·s forward instead of 26.7) understated what the legs can step. On this
    /// model nothing lower than about 8 cm reaches further: the ankles' limits shorten the step.
    /// </summary>
    public const double LowestPelvisDrop = 0.2;

    public static CapturabilityResult Compute(int directions, double maxStepLength, double minStepTime, StandingBalanceOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(directions, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStepLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minStepTime);
        options ??= new StandingBalanceOptions();
        using var hardware = SimHardware.FlatGround();
        StanceModel stance = StanceModel.Of(hardware, options);
        KinematicTree tree = stance.Tree;
        Vec3 left = tree.PointOn(tree.BodyIndex(options.LeftFootBody), options.LeftLeg.AnkleToSole);
        Vec3 right = tree.PointOn(tree.BodyIndex(options.RightFootBody), options.RightLeg.AnkleToSole);
        Vec3 com = tree.Com;
        var support = new SupportPolygon(
            Math.Min(left.X, right.X) - options.SoleHalfLength, Math.Max(left.X, right.X) + options.SoleHalfLength,
            Math.Min(left.Y, right.Y) - options.SoleHalfWidth, Math.Max(left.Y, right.Y) + options.SoleHalfWidth);
        // The controllers' LIPM height, so that the yardstick and the controllers share one pendulum.
        double height = stance.ComHeight;
        var model = new LipmModel(height);
        double mass = tree.TotalMass;
        // The tree's base is the pelvis at the origin, level: the sole points are in the pelvis frame.
        (double[], double[]) Limits(int first) => (stance.MinPosition[first..(first + 6)], stance.MaxPosition[first..(first + 6)]);
        var leftLimits = Limits(options.LeftLegFirstJoint);
        var rightLimits = Limits(options.RightLegFirstJoint);
        StepReach Steps(bool leftSwings, bool crossover) => leftSwings
            ? StepReach.Compute(options.LeftLeg, options.RightLeg, leftLimits, rightLimits, left, right,
                options.SoleHalfLength, options.SoleHalfWidth, maxStepLength, LowestPelvisDrop, crossover: crossover)
            : StepReach.Compute(options.RightLeg, options.LeftLeg, rightLimits, leftLimits, right, left,
                options.SoleHalfLength, options.SoleHalfWidth, maxStepLength, LowestPelvisDrop, crossover: crossover);
        StepReach leftSteps = Steps(leftSwings: true, crossover: false), rightSteps = Steps(leftSwings: false, crossover: false);
        StepReach leftCrossing = Steps(leftSwings: true, crossover: true), rightCrossing = Steps(leftSwings: false, crossover: true);
        var soles = new Soles(left.X, left.Y, right.X, right.Y, options.SoleHalfLength, options.SoleHalfWidth);
        var rows = new List<CapturabilityDirection>();
        for (int i = 0; i < directions; i++)
        {
            double angle = 2 * Math.PI * i / directions;
            double edge = support.DistanceToEdge(com.X, com.Y, angle);
            double V(int n) => Capturability.MaxVelocity(model, edge, maxStepLength, minStepTime, n);
            // Standing is one of its options: never below V(0), whose edge comes from the support
            // polygon rather than the soles' hull (the same for side-by-side soles, to rounding).
            double Reachable(StepReach leftLands, StepReach rightLands) =>
                Math.Max(V(0), StepCapture.MaxVelocity(model, com.X, com.Y, soles, angle, minStepTime, leftLands.Landings, rightLands.Landings).OneStep);
            double reachable = Reachable(leftSteps, rightSteps), crossing = Reachable(leftCrossing, rightCrossing);
            rows.Add(new CapturabilityDirection(angle * 180 / Math.PI, edge, V(0), V(1), V(3), V(int.MaxValue),
                mass * V(0), mass * V(1), mass * V(3), mass * V(int.MaxValue), reachable, mass * reachable, crossing, mass * crossing));
        }
        return new CapturabilityResult(mass, height, model.Omega, maxStepLength, minStepTime, rows);
    }
}
