namespace Robot.Control.Locomotion;

/// <summary>
/// Footsteps on a timeline, and the references walking follows: the ZMP reference and each
/// foot's pose at any time. Phases: an initial double support (the ZMP moves from between the
/// feet onto the first stance foot), then for every step a single support (the ZMP rests on the
/// stance foot's centre while the other foot swings to its foothold) followed by a double support
/// (the ZMP moves to the next stance foot), and a final double support that returns the ZMP
/// between the feet, where it stays.
/// Built off the control thread; read by the tick without allocating; <see cref="TruncateForStop"/>
/// edits it in place so a stop request costs no allocation either.
/// </summary>
public sealed class FootstepPlan
{
    private readonly Footstep[] _steps;
    // Per step k: both feet as they stand during the double support before swing k, and phase times.
    private readonly Pose2[] _leftBefore, _rightBefore;
    private readonly double[] _doubleStart, _swingStart;
    private readonly GaitOptions _gait;

    /// <summary>Fraction of the swing time in which the foot covers its horizontal travel.</summary>
    private const double HorizontalShare = 0.8;
    private Pose2 _finalLeft, _finalRight;

    /// <summary>Builds the timeline for <paramref name="steps"/> from the feet at <paramref name="left"/> and <paramref name="right"/>.</summary>
    /// <param name="left">Left sole at the start.</param>
    /// <param name="right">Right sole at the start.</param>
    /// <param name="steps">The footsteps in order.</param>
    /// <param name="gait">Timing.</param>
    public FootstepPlan(Pose2 left, Pose2 right, IReadOnlyList<Footstep> steps, GaitOptions gait)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(gait);
        _gait = gait;
        int capacity = steps.Count + 1; // room for the closing step of a stop request
        _steps = new Footstep[capacity];
        _leftBefore = new Pose2[capacity];
        _rightBefore = new Pose2[capacity];
        _doubleStart = new double[capacity];
        _swingStart = new double[capacity];
        for (int k = 0; k < steps.Count; k++)
        {
            _steps[k] = steps[k];
        }
        StartLeft = left;
        StartRight = right;
        Count = steps.Count;
        Rebuild(0);
    }

    /// <summary>Number of footsteps.</summary>
    public int Count { get; private set; }

    /// <summary>Left sole at the start.</summary>
    public Pose2 StartLeft { get; }

    /// <summary>Right sole at the start.</summary>
    public Pose2 StartRight { get; }

    /// <summary>Left sole after the last step.</summary>
    public Pose2 FinalLeft => _finalLeft;

    /// <summary>Right sole after the last step.</summary>
    public Pose2 FinalRight => _finalRight;

    /// <summary>When the final double support ends and the robot stands still, s from the start.</summary>
    public double Duration { get; private set; }

    /// <summary>The timing this plan was built with.</summary>
    public GaitOptions Gait => _gait;

    /// <summary>Footstep <paramref name="k"/>.</summary>
    public Footstep this[int k] => (uint)k < (uint)Count ? _steps[k] : throw new ArgumentOutOfRangeException(nameof(k));

    /// <summary>When step <paramref name="k"/>'s swing starts, s.</summary>
    public double SwingStart(int k) => _swingStart[k];

    /// <summary>The step whose double support or swing is under way at <paramref name="t"/>; <see cref="Count"/> in the final double support.</summary>
    public int StepAt(double t)
    {
        if (Count == 0 || t >= FinalDoubleStart)
        {
            return Count;
        }
        int lo = 0, hi = Count - 1; // the last k whose double support has started (0 before the start)
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_doubleStart[mid] <= t)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private double FinalDoubleStart => Count == 0 ? 0 : _swingStart[Count - 1] + _gait.SwingTime;

    /// <summary>
    /// The ZMP reference at <paramref name="t"/> (ground frame). <paramref name="cursor"/> speeds up
    /// queries at increasing times (start it at 0; it never needs resetting for later times).
    /// </summary>
    public (double X, double Y) Zmp(double t, ref int cursor)
    {
        if (Count == 0)
        {
            return Middle(StartLeft, StartRight);
        }
        if (cursor > Count || (cursor < Count && _doubleStart[cursor] > t))
        {
            cursor = 0;
        }
        while (cursor < Count && t >= (cursor + 1 < Count ? _doubleStart[cursor + 1] : FinalDoubleStart))
        {
            cursor++;
        }
        if (cursor == Count)
        {
            var (fromX, fromY) = Stance(Count - 1);
            var (toX, toY) = Middle(_finalLeft, _finalRight);
            double s = Math.Clamp((t - FinalDoubleStart) / _gait.FinalDoubleSupportTime, 0, 1);
            return (fromX + s * (toX - fromX), fromY + s * (toY - fromY));
        }
        int k = cursor;
        var (sx, sy) = Stance(k);
        if (t >= _swingStart[k])
        {
            return (sx, sy);
        }
        var (px, py) = k == 0 ? Middle(StartLeft, StartRight) : Stance(k - 1);
        double f = Math.Clamp((t - _doubleStart[k]) / (_swingStart[k] - _doubleStart[k]), 0, 1);
        return (px + f * (sx - px), py + f * (sy - py));
    }

    /// <summary>
    /// The pose of foot <paramref name="side"/> at <paramref name="t"/> and its height above the
    /// floor (non-zero only while it swings): a quintic blend (zero velocity and acceleration at
    /// lift-off and arrival) along the floor over the first 80 % of the swing, and a bump 16 s²(1 − s)² of the swing height.
    /// </summary>
    public (Pose2 Pose, double Height, bool Swinging) Foot(FootSide side, double t)
    {
        int k = StepAt(t);
        if (k >= Count)
        {
            return (side == FootSide.Left ? _finalLeft : _finalRight, 0, false);
        }
        Pose2 before = side == FootSide.Left ? _leftBefore[k] : _rightBefore[k];
        if (_steps[k].Side != side || t < _swingStart[k])
        {
            return (before, 0, false);
        }
        double s = Math.Clamp((t - _swingStart[k]) / _gait.SwingTime, 0, 1);
        // The foot reaches its foothold horizontally before it descends the last part: a foot that
        // touches down a little early (the stance leg sags) must not land short of its foothold.
        double h = Math.Min(s / HorizontalShare, 1);
        double blend = h * h * h * (10 - 15 * h + 6 * h * h);
        double bump = 16 * s * s * (1 - s) * (1 - s);
        return (Pose2.Lerp(before, _steps[k].Pose, blend), _gait.SwingHeight * bump, s < 1);
    }

    /// <summary>The stance foot (the one not stepping) during step <paramref name="k"/>.</summary>
    public Pose2 StanceFoot(int k) => _steps[k].Side == FootSide.Left ? _rightBefore[k] : _leftBefore[k];

    /// <summary>
    /// Ends the walk within two steps of <paramref name="t"/>: the step under way (or about to
    /// start) completes, then the other foot closes beside it and the final double support follows.
    /// Allocation-free. Returns false when the plan already ends by then.
    /// </summary>
    public bool TruncateForStop(double t)
    {
        int k = StepAt(t);
        if (k + 2 >= Count)
        {
            return false;
        }
        Footstep last = _steps[k];
        FootSide other = last.Side == FootSide.Left ? FootSide.Right : FootSide.Left;
        double left = other == FootSide.Left ? _gait.StepWidth : -_gait.StepWidth;
        _steps[k + 1] = new Footstep(other, last.Pose.Offset(0, left));
        Count = k + 2;
        Rebuild(k + 1);
        return true;
    }

    private void Rebuild(int from)
    {
        Pose2 left = from == 0 ? StartLeft : _leftBefore[from - 1], right = from == 0 ? StartRight : _rightBefore[from - 1];
        double t = from == 0 ? 0 : _swingStart[from - 1];
        if (from > 0)
        {
            Apply(_steps[from - 1], ref left, ref right);
            t += _gait.SwingTime;
        }
        for (int k = from; k < Count; k++)
        {
            _leftBefore[k] = left;
            _rightBefore[k] = right;
            _doubleStart[k] = t;
            t += k == 0 ? _gait.InitialDoubleSupportTime : _gait.DoubleSupportTime;
            _swingStart[k] = t;
            t += _gait.SwingTime;
            Apply(_steps[k], ref left, ref right);
        }
        _finalLeft = left;
        _finalRight = right;
        Duration = t + (Count == 0 ? 0 : _gait.FinalDoubleSupportTime);
    }

    private static void Apply(Footstep step, ref Pose2 left, ref Pose2 right)
    {
        if (step.Side == FootSide.Left)
        {
            left = step.Pose;
        }
        else
        {
            right = step.Pose;
        }
    }

    private (double X, double Y) Stance(int k)
    {
        Pose2 p = StanceFoot(k);
        return (p.X, p.Y);
    }

    private static (double X, double Y) Middle(Pose2 a, Pose2 b) => ((a.X + b.X) / 2, (a.Y + b.Y) / 2);
}
