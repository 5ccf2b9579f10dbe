using Robot.Core.Geometry;
using Robot.Sim.MuJoCo;

namespace Robot.Sim.PickTask;

/// <summary>
/// Forward and inverse kinematics of the right arm's grasp site (<c>right_grasp</c>, between the
/// finger tips' centre and the palm) on a private copy of the humanoid in its standing pose, so
/// solving never disturbs a running simulation. Inverse kinematics is damped least squares on
/// MuJoCo's site Jacobian (<c>mj_jacSite</c>) over the 7 arm joints, for a position and a
/// "hand pointing down, turned by yaw" orientation (the hand frame equals Rz(yaw): its −z axis
/// points down and the jaw closes along its y axis).
/// Joint vectors have length 7, order shoulder pitch, roll, yaw, elbow, wrist roll, pitch, yaw, rad.
/// Not thread-safe; after construction nothing allocates.
/// </summary>
public sealed class ArmKinematics : IDisposable
{
    /// <summary>Arm joints, in vector order.</summary>
    public static readonly IReadOnlyList<string> JointNames =
        ["right_shoulder_pitch", "right_shoulder_roll", "right_shoulder_yaw", "right_elbow", "right_wrist_roll", "right_wrist_pitch", "right_wrist_yaw"];

    /// <summary>Number of arm joints (7).</summary>
    public const int JointCount = 7;

    /// <summary>The grasp site's name.</summary>
    public const string GraspSite = "right_grasp";

    private const double Damping = 0.03;
    private const double MaxStep = 0.25; // rad per iteration: keeps the linearisation honest
    private const double OrientationWeight = 0.3; // m per rad: 1 rad of hand error weighs like 0.3 m

    private readonly SimHardware _robot;
    private readonly int _site;
    private readonly int[] _qposAdr = new int[JointCount];
    private readonly int[] _dofAdr = new int[JointCount];
    private readonly double[] _lower = new double[JointCount];
    private readonly double[] _upper = new double[JointCount];
    private readonly double[] _jacp, _jacr;
    private readonly double[] _j = new double[6 * JointCount];
    private readonly double[] _a = new double[36];
    private readonly double[] _e = new double[6];

    public ArmKinematics()
    {
        _robot = SimHardware.FlatGround();
        _robot.Configure();
        MjSimulation sim = _robot.Simulation;
        _site = sim.RequireId(MjObject.Site, GraspSite);
        for (int i = 0; i < JointCount; i++)
        {
            int index = _robot.Description.IndexOf(JointNames[i]);
            _qposAdr[i] = _robot.Binding.QposAdr[index];
            _dofAdr[i] = _robot.Binding.DofAdr[index];
            _lower[i] = _robot.Description.Joints[index].MinPosition;
            _upper[i] = _robot.Description.Joints[index].MaxPosition;
        }
        _jacp = new double[3 * sim.Nv];
        _jacr = new double[3 * sim.Nv];
        PelvisHeight = sim.Xpos[3 * _robot.Binding.PelvisBody + 2];
    }

    /// <summary>Height of the pelvis in the standing pose, m (what the pick station's weld holds).</summary>
    public double PelvisHeight { get; }

    /// <summary>Lower joint limit of arm joint <paramref name="i"/>, rad.</summary>
    public double LowerLimit(int i) => _lower[i];

    /// <summary>Upper joint limit of arm joint <paramref name="i"/>, rad.</summary>
    public double UpperLimit(int i) => _upper[i];

    /// <summary>Grasp-site position (m, world) and orientation (row-major 3 × 3) for arm joints <paramref name="q"/>.</summary>
    public Vec3 Forward(ReadOnlySpan<double> q, Span<double> rotation = default)
    {
        SetArm(q);
        MjSimulation sim = _robot.Simulation;
        if (!rotation.IsEmpty)
        {
            sim.SiteXmat.Slice(9 * _site, 9).CopyTo(rotation);
        }
        return Vec3.From(sim.SiteXpos.Slice(3 * _site, 3));
    }

    /// <summary>
    /// <see cref="Solve"/> continued along the straight line from <paramref name="from"/> to
    /// <paramref name="to"/> in <paramref name="substeps"/> equal steps, each warm-started from the last, so
    /// the solver follows one configuration branch instead of jumping into a joint-limit corner. Returns
    /// the position error at <paramref name="to"/>, m; the orientation error there goes to
    /// <paramref name="orientationError"/>.
    /// </summary>
    public double SolveAlong(Vec3 from, Vec3 to, double yaw, Span<double> q, int substeps, out double orientationError, int maxIterations = 60)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(substeps, 1);
        double error = 0;
        orientationError = 0;
        for (int i = 1; i <= substeps; i++)
        {
            error = Solve(from + ((double)i / substeps) * (to - from), yaw, q, out orientationError, maxIterations);
        }
        return error;
    }

    /// <summary>
    /// Solves for arm joints putting the grasp site at <paramref name="target"/> with the hand pointing
    /// down turned by <paramref name="yaw"/>. <paramref name="q"/> holds the initial guess (warm start) and
    /// receives the solution, always within joint limits. Returns the remaining position error, m; the
    /// orientation error, rad, goes to <paramref name="orientationError"/>.
    /// </summary>
    public double Solve(Vec3 target, double yaw, Span<double> q, out double orientationError, int maxIterations = 60)
    {
        if (q.Length != JointCount)
        {
            throw new ArgumentException($"arm joint vectors have {JointCount} entries", nameof(q));
        }
        MjSimulation sim = _robot.Simulation;
        double c = Math.Cos(yaw), s = Math.Sin(yaw);
        // Target rotation Rz(yaw), row-major.
        Span<double> rt = [c, -s, 0, s, c, 0, 0, 0, 1];
        Span<double> dq = stackalloc double[JointCount];
        double positionError = double.PositiveInfinity;
        orientationError = double.PositiveInfinity;
        for (int iteration = 0; iteration <= maxIterations; iteration++)
        {
            SetArm(q);
            ReadOnlySpan<double> p = sim.SiteXpos.Slice(3 * _site, 3);
            ReadOnlySpan<double> r = sim.SiteXmat.Slice(9 * _site, 9);
            _e[0] = target.X - p[0];
            _e[1] = target.Y - p[1];
            _e[2] = target.Z - p[2];
            RotationError(rt, r, _e.AsSpan(3));
            positionError = Math.Sqrt(_e[0] * _e[0] + _e[1] * _e[1] + _e[2] * _e[2]);
            orientationError = Math.Sqrt(_e[3] * _e[3] + _e[4] * _e[4] + _e[5] * _e[5]);
            if ((positionError < 2e-4 && orientationError < 2e-3) || iteration == maxIterations)
            {
                break;
            }
            sim.SiteJacobian(_site, _jacp, _jacr);
            int nv = sim.Nv;
            for (int k = 0; k < JointCount; k++)
            {
                int dof = _dofAdr[k];
                for (int row = 0; row < 3; row++)
                {
                    _j[row * JointCount + k] = _jacp[row * nv + dof];
                    _j[(row + 3) * JointCount + k] = OrientationWeight * _jacr[row * nv + dof];
                }
            }
            for (int row = 3; row < 6; row++)
            {
                _e[row] *= OrientationWeight;
            }
            // dq = Jᵀ (J Jᵀ + λ² I)⁻¹ e
            for (int i = 0; i < 6; i++)
            {
                for (int j = 0; j < 6; j++)
                {
                    double sum = i == j ? Damping * Damping : 0;
                    for (int k = 0; k < JointCount; k++)
                    {
                        sum += _j[i * JointCount + k] * _j[j * JointCount + k];
                    }
                    _a[i * 6 + j] = sum;
                }
            }
            SolveSymmetric(_a, _e);
            double norm = 0;
            for (int k = 0; k < JointCount; k++)
            {
                double sum = 0;
                for (int i = 0; i < 6; i++)
                {
                    sum += _j[i * JointCount + k] * _e[i];
                }
                dq[k] = sum;
                norm += sum * sum;
            }
            norm = Math.Sqrt(norm);
            double scale = norm > MaxStep ? MaxStep / norm : 1;
            for (int k = 0; k < JointCount; k++)
            {
                q[k] = Math.Clamp(q[k] + scale * dq[k], _lower[k], _upper[k]);
            }
        }
        return positionError;
    }

    private void SetArm(ReadOnlySpan<double> q)
    {
        Span<double> qpos = _robot.Simulation.Qpos();
        for (int k = 0; k < JointCount; k++)
        {
            qpos[_qposAdr[k]] = q[k];
        }
        _robot.Simulation.Kinematics();
    }

    /// <summary>Rotation vector (axis × angle, world frame) taking <paramref name="current"/> to <paramref name="target"/>: log(Rt Rcᵀ).</summary>
    internal static void RotationError(ReadOnlySpan<double> target, ReadOnlySpan<double> current, Span<double> error)
    {
        Span<double> m = stackalloc double[9];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                m[i * 3 + j] = target[i * 3] * current[j * 3] + target[i * 3 + 1] * current[j * 3 + 1] + target[i * 3 + 2] * current[j * 3 + 2];
            }
        }
        double vx = 0.5 * (m[7] - m[5]), vy = 0.5 * (m[2] - m[6]), vz = 0.5 * (m[3] - m[1]);
        double sin = Math.Sqrt(vx * vx + vy * vy + vz * vz);
        double cos = 0.5 * (m[0] + m[4] + m[8] - 1);
        double angle = Math.Atan2(sin, cos);
        double k = sin > 1e-9 ? angle / sin : 1;
        error[0] = k * vx;
        error[1] = k * vy;
        error[2] = k * vz;
    }

    /// <summary>Solves A x = b in place (b becomes x) for a symmetric positive definite 6 × 6 A (Cholesky).</summary>
    private static void SolveSymmetric(double[] a, double[] b)
    {
        const int n = 6;
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++)
            {
                d -= a[j * n + k] * a[j * n + k];
            }
            d = Math.Sqrt(d);
            a[j * n + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double sum = a[i * n + j];
                for (int k = 0; k < j; k++)
                {
                    sum -= a[i * n + k] * a[j * n + k];
                }
                a[i * n + j] = sum / d;
            }
        }
        for (int i = 0; i < n; i++)
        {
            double sum = b[i];
            for (int k = 0; k < i; k++)
            {
                sum -= a[i * n + k] * b[k];
            }
            b[i] = sum / a[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = b[i];
            for (int k = i + 1; k < n; k++)
            {
                sum -= a[k * n + i] * b[k];
            }
            b[i] = sum / a[i * n + i];
        }
    }

    public void Dispose() => _robot.Dispose();
}
