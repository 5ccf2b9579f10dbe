using Robot.Core.Geometry;

namespace Robot.Control.Kinematics;

/// <summary>
/// Where one foot can land in a single step while the other stays where it is: the offsets
/// (swing sole − stance sole, ground frame, m) on a grid, each checked with the closed-form leg
/// inverse kinematics of both legs against their joint limits. The pelvis stays level, in the
/// same relation to the feet's midpoint as in the standing pose (halfway along the step), at any
/// height from the standing one down to a given drop (a capture step lowers it: nearly straight
/// legs reach no long step), and the feet keep their heading. A landing must also keep the configured
/// longest step, stay clear of the stance sole and not cross to the stance foot's far side: the
/// legs of a humanoid collide in a crossover step, so it is not counted as reachable unless asked
/// for (<c>crossover</c>), and then only the joint limits bound it, with the legs' collision
/// ignored: an upper bound on what a crossover step could add.
/// </summary>
public sealed class StepReach
{
    private readonly (double Dx, double Dy)[] _landings;
    private readonly double _resolution;

    private StepReach((double Dx, double Dy)[] landings, double resolution)
    {
        _landings = landings;
        _resolution = resolution;
    }

    /// <summary>Every reachable landing offset (swing sole − stance sole), m.</summary>
    public IReadOnlyList<(double Dx, double Dy)> Landings => _landings;

    /// <summary>Whether the grid cell nearest to the offset (<paramref name="dx"/>, <paramref name="dy"/>) m is reachable.</summary>
    public bool Reaches(double dx, double dy) =>
        _landings.Any(l => Cell(l.Dx) == Cell(dx) && Cell(l.Dy) == Cell(dy));

    private long Cell(double offset) => (long)Math.Round(offset / _resolution);

    /// <summary>
    /// The reachable landings of <paramref name="swing"/> with <paramref name="stance"/> on the ground.
    /// </summary>
    /// <param name="swing">The stepping leg.</param>
    /// <param name="stance">The supporting leg.</param>
    /// <param name="swingLimits">The stepping leg's six joint limits (lower, upper), rad.</param>
    /// <param name="stanceLimits">The supporting leg's six joint limits, rad.</param>
    /// <param name="swingSole">The stepping leg's sole point in the pelvis frame in the standing pose, m.</param>
    /// <param name="stanceSole">The supporting leg's sole point in the pelvis frame in the standing pose, m.</param>
    /// <param name="soleHalfLength">Half the sole's length (x), m.</param>
    /// <param name="soleHalfWidth">Half the sole's width (y), m.</param>
    /// <param name="maxStepLength">ℓ_max: the longest step, from sole point to sole point, m.</param>
    /// <param name="maxPelvisDrop">
    /// The lowest pelvis tried, below the standing one, m: a landing counts when both legs reach it
    /// at some height from standing down to this, in <paramref name="resolution"/> steps.
    /// </param>
    /// <param name="clearance">Least gap between the two soles, m.</param>
    /// <param name="resolution">Grid spacing, m.</param>
    /// <param name="crossover">
    /// Also count landings on the stance foot's far side (a crossover step) that both legs reach
    /// within their joint limits, the legs' collision ignored.
    /// </param>
    public static StepReach Compute(LegGeometry swing, LegGeometry stance,
        (double[] Lower, double[] Upper) swingLimits, (double[] Lower, double[] Upper) stanceLimits,
        Vec3 swingSole, Vec3 stanceSole, double soleHalfLength, double soleHalfWidth, double maxStepLength,
        double maxPelvisDrop = 0, double clearance = 0.02, double resolution = 0.01, bool crossover = false)
    {
        ArgumentNullException.ThrowIfNull(swing);
        ArgumentNullException.ThrowIfNull(stance);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(soleHalfLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(soleHalfWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStepLength);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPelvisDrop);
        ArgumentOutOfRangeException.ThrowIfNegative(clearance);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resolution);
        // The swing foot's own side of the stance foot: +1 when it is the left one.
        double side = swingSole.Y >= stanceSole.Y ? 1 : -1;
        double midX = (swingSole.X + stanceSole.X) / 2, midY = (swingSole.Y + stanceSole.Y) / 2;
        int n = (int)Math.Ceiling(maxStepLength / resolution);
        int heights = (int)Math.Floor(maxPelvisDrop / resolution + 1e-9);
        Span<double> q = stackalloc double[6];
        var landings = new List<(double, double)>();
        for (int i = -n; i <= n; i++)
        {
            for (int j = crossover ? -n : 0; j <= n; j++)
            {
                double dx = i * resolution, dy = side * j * resolution;
                if (Math.Sqrt(dx * dx + dy * dy) > maxStepLength + 1e-12)
                {
                    continue;
                }
                bool clear = Math.Abs(dx) >= 2 * soleHalfLength + clearance || Math.Abs(dy) >= 2 * soleHalfWidth + clearance;
                if (!clear)
                {
                    continue;
                }
                for (int k = 0; k <= heights; k++)
                {
                    // The pelvis halfway along the step, k cells lower: each sole moves half the
                    // offset in the pelvis frame, and up by the drop.
                    double lift = k * resolution;
                    var swingTarget = new Vec3(midX + dx / 2, midY + dy / 2, swingSole.Z + lift);
                    var stanceTarget = new Vec3(midX - dx / 2, midY - dy / 2, stanceSole.Z + lift);
                    if (LegKinematics.Inverse(swing, swingTarget, Quat.Identity, q, swingLimits.Lower, swingLimits.Upper) == LegIkResult.Reached
                        && LegKinematics.Inverse(stance, stanceTarget, Quat.Identity, q, stanceLimits.Lower, stanceLimits.Upper) == LegIkResult.Reached)
                    {
                        landings.Add((dx, dy));
                        break;
                    }
                }
            }
        }
        return new StepReach([.. landings], resolution);
    }
}
