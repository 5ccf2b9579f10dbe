using System.Runtime.InteropServices;
using System.Text;

namespace Robot.Sim.MuJoCo;

/// <summary>MuJoCo object kinds used for name look-ups (values of <c>mjtObj</c>, proven by tests).</summary>
public enum MjObject
{
    Body = MjConstants.ObjBody,
    Joint = MjConstants.ObjJoint,
    Geom = MjConstants.ObjGeom,
    Site = MjConstants.ObjSite,
    Actuator = MjConstants.ObjActuator,
    Sensor = MjConstants.ObjSensor,
}

/// <summary>MuJoCo joint kinds (<c>mjtJoint</c>).</summary>
public enum MjJointType
{
    Free = MjConstants.JntFree,
    Ball = MjConstants.JntBall,
    Slide = MjConstants.JntSlide,
    Hinge = MjConstants.JntHinge,
}

/// <summary>One detected contact, copied out of <c>mjData.contact</c>.</summary>
/// <param name="Distance">Signed distance, m (negative: penetration).</param>
/// <param name="X">Contact point x, world frame, m.</param>
/// <param name="Y">Contact point y, m.</param>
/// <param name="Z">Contact point z, m.</param>
/// <param name="NormalX">Contact normal x (first row of the contact frame), world frame.</param>
/// <param name="NormalY">Contact normal y.</param>
/// <param name="NormalZ">Contact normal z.</param>
/// <param name="Geom1">First geom id.</param>
/// <param name="Geom2">Second geom id.</param>
public readonly record struct MjContact(double Distance, double X, double Y, double Z, double NormalX, double NormalY, double NormalZ, int Geom1, int Geom2);

/// <summary>
/// A compiled MuJoCo 2.2.2 model with one data instance, owned together through
/// <see cref="SafeHandle"/>s: disposing (or finalisation, if forgotten) frees both exactly once.
/// Arrays are exposed as spans over MuJoCo's own memory: reading or writing them allocates
/// nothing and copies nothing. A span must not outlive the simulation.
/// Not thread-safe: one thread steps and reads.
/// </summary>
public sealed unsafe class MjSimulation : IDisposable
{
    private readonly MjModelHandle _modelHandle;
    private readonly MjDataHandle _dataHandle;
    private byte* _m;
    private byte* _d;

    // Cached array pointers (fixed for the lifetime of mjModel/mjData).
    private readonly double* _qpos, _qvel, _ctrl, _qfrcApplied, _xfrcApplied, _sensordata, _xpos, _xquat, _xmat, _xipos,
        _siteXpos, _siteXmat, _subtreeCom, _subtreeLinvel, _actuatorForce, _qacc, _qfrcBias;

    private MjSimulation(IntPtr model, IntPtr data, string source)
    {
        _modelHandle = new MjModelHandle(model);
        _dataHandle = new MjDataHandle(data);
        _m = (byte*)model;
        _d = (byte*)data;
        Source = source;
        Nq = *(int*)(_m + MjModelLayout.Nq);
        Nv = *(int*)(_m + MjModelLayout.Nv);
        Nu = *(int*)(_m + MjModelLayout.Nu);
        BodyCount = *(int*)(_m + MjModelLayout.NBody);
        JointCount = *(int*)(_m + MjModelLayout.NJnt);
        GeomCount = *(int*)(_m + MjModelLayout.NGeom);
        SiteCount = *(int*)(_m + MjModelLayout.NSite);
        SensorCount = *(int*)(_m + MjModelLayout.NSensor);
        SensorDataCount = *(int*)(_m + MjModelLayout.NSensorData);
        EqualityCount = *(int*)(_m + MjModelLayout.NEq);
        _qpos = DPtr(MjDataLayout.Qpos);
        _qvel = DPtr(MjDataLayout.Qvel);
        _ctrl = DPtr(MjDataLayout.Ctrl);
        _qfrcApplied = DPtr(MjDataLayout.QfrcApplied);
        _xfrcApplied = DPtr(MjDataLayout.XfrcApplied);
        _sensordata = DPtr(MjDataLayout.SensorData);
        _xpos = DPtr(MjDataLayout.Xpos);
        _xquat = DPtr(MjDataLayout.Xquat);
        _xmat = DPtr(MjDataLayout.Xmat);
        _xipos = DPtr(MjDataLayout.Xipos);
        _siteXpos = DPtr(MjDataLayout.SiteXpos);
        _siteXmat = DPtr(MjDataLayout.SiteXmat);
        _subtreeCom = DPtr(MjDataLayout.SubtreeCom);
        _subtreeLinvel = DPtr(MjDataLayout.SubtreeLinvel);
        _actuatorForce = DPtr(MjDataLayout.ActuatorForce);
        _qacc = DPtr(MjDataLayout.Qacc);
        _qfrcBias = DPtr(MjDataLayout.QfrcBias);
    }

    private double* DPtr(int offset) => *(double**)(_d + offset);

    private T* MPtr<T>(int offset) where T : unmanaged => *(T**)(_m + offset);

    /// <summary>Loads and compiles an MJCF file.</summary>
    /// <exception cref="MuJoCoException">The file is missing or MuJoCo refused it; the message is MuJoCo's, verbatim (it names the element and line).</exception>
    public static MjSimulation LoadXml(string path)
    {
        MuJoCoLibrary.EnsureLoaded();
        if (!File.Exists(path))
        {
            throw new MuJoCoException($"MJCF file not found: {path}");
        }
        return Compile(path, IntPtr.Zero, path);
    }

    /// <summary>
    /// Compiles MJCF text held in memory (through MuJoCo's virtual file system). The model can
    /// not &lt;include&gt; other files; compose text instead (see <see cref="Robot.Sim.SceneComposer"/>).
    /// </summary>
    /// <param name="xml">The MJCF document.</param>
    /// <param name="sourceName">Name used in error messages, e.g. <c>warehouse-seed-7.xml</c>.</param>
    /// <exception cref="MuJoCoException">MuJoCo refused the model; the message is MuJoCo's, verbatim.</exception>
    public static MjSimulation LoadXmlString(string xml, string sourceName = "model.xml")
    {
        ArgumentNullException.ThrowIfNull(xml);
        MuJoCoLibrary.EnsureLoaded();
        if (sourceName.Length == 0 || sourceName.Length >= MjConstants.MaxVfsName || sourceName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"source name must be a plain file name shorter than {MjConstants.MaxVfsName} characters", nameof(sourceName));
        }
        byte[] bytes = Encoding.UTF8.GetBytes(xml);
        IntPtr vfs = (IntPtr)NativeMemory.AllocZeroed((nuint)MjVfsLayout.Size);
        try
        {
            MuJoCoNative.mj_defaultVFS(vfs);
            // One extra zero byte: the parser reads the buffer as a C string.
            if (MuJoCoNative.mj_makeEmptyFileVFS(vfs, sourceName, bytes.Length + 1) != 0)
            {
                throw new MuJoCoException($"MuJoCo could not create the in-memory file {sourceName}");
            }
            try
            {
                int index = MuJoCoNative.mj_findFileVFS(vfs, sourceName);
                if (index < 0)
                {
                    throw new MuJoCoException($"MuJoCo lost the in-memory file {sourceName}");
                }
                byte* buffer = ((byte**)((byte*)vfs + MjVfsLayout.FileData))[index];
                bytes.CopyTo(new Span<byte>(buffer, bytes.Length));
                buffer[bytes.Length] = 0;
                return Compile(sourceName, vfs, sourceName);
            }
            finally
            {
                MuJoCoNative.mj_deleteVFS(vfs);
            }
        }
        finally
        {
            NativeMemory.Free((void*)vfs);
        }
    }

    private static MjSimulation Compile(string fileName, IntPtr vfs, string source)
    {
        const int errorSize = 1000;
        byte* error = stackalloc byte[errorSize];
        error[0] = 0;
        IntPtr model = MuJoCoNative.mj_loadXML(fileName, vfs, error, errorSize);
        if (model == IntPtr.Zero)
        {
            string message = Marshal.PtrToStringUTF8((IntPtr)error)?.Trim() ?? "unknown error";
            throw new MuJoCoException($"MuJoCo could not load {source}: {message}");
        }
        IntPtr data = MuJoCoNative.mj_makeData(model);
        if (data == IntPtr.Zero)
        {
            MuJoCoNative.mj_deleteModel(model);
            throw new MuJoCoException($"MuJoCo could not allocate data for {source}");
        }
        var sim = new MjSimulation(model, data, source);
        MuJoCoNative.mj_forward(model, data);
        return sim;
    }

    /// <summary>Where the model came from (a path or an in-memory name).</summary>
    public string Source { get; }

    /// <summary>Number of generalized coordinates (qpos).</summary>
    public int Nq { get; }
    /// <summary>Number of degrees of freedom (qvel).</summary>
    public int Nv { get; }
    /// <summary>Number of actuators (ctrl).</summary>
    public int Nu { get; }
    /// <summary>Number of bodies, world included.</summary>
    public int BodyCount { get; }
    /// <summary>Number of joints.</summary>
    public int JointCount { get; }
    /// <summary>Number of geoms.</summary>
    public int GeomCount { get; }
    /// <summary>Number of sites.</summary>
    public int SiteCount { get; }
    /// <summary>Number of sensors.</summary>
    public int SensorCount { get; }
    /// <summary>Length of <see cref="SensorData"/>.</summary>
    public int SensorDataCount { get; }
    /// <summary>Number of equality constraints.</summary>
    public int EqualityCount { get; }

    /// <summary>Physics timestep, s (<c>mjModel.opt.timestep</c>).</summary>
    public double Timestep
    {
        get => *(double*)(M + MjModelLayout.OptTimestep);
        set
        {
            if (!(value > 0) || !double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "the timestep must be finite and > 0");
            }
            *(double*)(M + MjModelLayout.OptTimestep) = value;
        }
    }

    /// <summary>Gravity, m/s², world frame (<c>mjModel.opt.gravity</c>).</summary>
    public Span<double> Gravity => new(M + MjModelLayout.OptGravity, 3);

    /// <summary>Simulation time, s.</summary>
    public double Time
    {
        get => *(double*)(D + MjDataLayout.Time);
        set => *(double*)(D + MjDataLayout.Time) = value;
    }

    /// <summary>Number of contacts detected by the last step or forward.</summary>
    public int ContactCount => *(int*)(D + MjDataLayout.Ncon);

    /// <summary>Number of active constraint rows in the last step.</summary>
    public int ConstraintCount => *(int*)(D + MjDataLayout.Nefc);

    // ---- mjData arrays (spans over MuJoCo's memory; no copies) ----
    /// <summary>Generalized positions (nq). A method (not a property) because <see cref="Qpos(int)"/> predates it.</summary>
    public Span<double> Qpos() => new(Check(_qpos), Nq);

    /// <summary>Generalized position element <paramref name="index"/> (0 ≤ index &lt; nq).</summary>
    public double Qpos(int index) => Qpos()[index];

    /// <summary>Generalized velocities (nv).</summary>
    public Span<double> Qvel => new(Check(_qvel), Nv);
    public Span<double> Qacc => new(Check(_qacc), Nv);
    public Span<double> Ctrl => new(Check(_ctrl), Nu);
    /// <summary>Generalized applied forces (nv).</summary>
    public Span<double> QfrcApplied => new(Check(_qfrcApplied), Nv);
    /// <summary>Cartesian force (3) then torque (3) applied at each body's CoM, world frame (nbody × 6).</summary>
    public Span<double> XfrcApplied => new(Check(_xfrcApplied), BodyCount * 6);
    public ReadOnlySpan<double> SensorData => new(Check(_sensordata), SensorDataCount);
    /// <summary>Body frame origins, world frame (nbody × 3).</summary>
    public ReadOnlySpan<double> Xpos => new(Check(_xpos), BodyCount * 3);
    /// <summary>Body orientations, quaternions w, x, y, z (nbody × 4).</summary>
    public ReadOnlySpan<double> Xquat => new(Check(_xquat), BodyCount * 4);
    /// <summary>Body orientations, row-major 3×3 (nbody × 9).</summary>
    public ReadOnlySpan<double> Xmat => new(Check(_xmat), BodyCount * 9);
    /// <summary>Body centres of mass, world frame (nbody × 3).</summary>
    public ReadOnlySpan<double> Xipos => new(Check(_xipos), BodyCount * 3);
    public ReadOnlySpan<double> SiteXpos => new(Check(_siteXpos), SiteCount * 3);
    public ReadOnlySpan<double> SiteXmat => new(Check(_siteXmat), SiteCount * 9);
    /// <summary>Centre of mass of each body's subtree, world frame (nbody × 3).</summary>
    public ReadOnlySpan<double> SubtreeCom => new(Check(_subtreeCom), BodyCount * 3);
    /// <summary>Linear velocity of each subtree's CoM (nbody × 3); valid after a step when the model has a subtreelinvel sensor, or after <see cref="ComputeSubtreeVelocities"/>.</summary>
    public ReadOnlySpan<double> SubtreeLinvel => new(Check(_subtreeLinvel), BodyCount * 3);
    /// <summary>
    /// Gravity, Coriolis and centrifugal generalized forces (nv), N·m or N: the torque that holds the
    /// current motion against gravity. Computed by Forward and by each step's first half.
    /// </summary>
    public ReadOnlySpan<double> QfrcBias => new(Check(_qfrcBias), Nv);
    public ReadOnlySpan<double> ActuatorForce => new(Check(_actuatorForce), Nu);

    // ---- mjModel arrays ----
    public ReadOnlySpan<int> BodyParentId => new(MPtr<int>(MjModelLayout.BodyParentId), BodyCount);
    public ReadOnlySpan<int> BodyRootId => new(MPtr<int>(MjModelLayout.BodyRootId), BodyCount);
    /// <summary>Body masses, kg; writable (domain randomisation). Call <see cref="SetConst"/> after changing.</summary>
    public Span<double> BodyMass => new(MPtr<double>(MjModelLayout.BodyMass), BodyCount);
    /// <summary>Principal inertias, kg·m² (nbody × 3); writable.</summary>
    public Span<double> BodyInertia => new(MPtr<double>(MjModelLayout.BodyInertia), BodyCount * 3);
    public ReadOnlySpan<double> BodyIpos => new(MPtr<double>(MjModelLayout.BodyIpos), BodyCount * 3);
    /// <summary>Body origin in its parent's frame, m (nbody × 3).</summary>
    public ReadOnlySpan<double> BodyPos => new(MPtr<double>(MjModelLayout.BodyPos), BodyCount * 3);
    /// <summary>Body frame relative to its parent, w first (nbody × 4).</summary>
    public ReadOnlySpan<double> BodyQuat => new(MPtr<double>(MjModelLayout.BodyQuat), BodyCount * 4);
    /// <summary>Joint axis in the joint's body frame (njnt × 3).</summary>
    public ReadOnlySpan<double> JntAxis => new(MPtr<double>(MjModelLayout.JntAxis), JointCount * 3);
    public ReadOnlySpan<int> JntType => new(MPtr<int>(MjModelLayout.JntType), JointCount);
    public ReadOnlySpan<int> JntQposAdr => new(MPtr<int>(MjModelLayout.JntQposAdr), JointCount);
    public ReadOnlySpan<int> JntDofAdr => new(MPtr<int>(MjModelLayout.JntDofAdr), JointCount);
    public ReadOnlySpan<int> JntBodyId => new(MPtr<int>(MjModelLayout.JntBodyId), JointCount);
    public ReadOnlySpan<byte> JntLimited => new(MPtr<byte>(MjModelLayout.JntLimited), JointCount);
    /// <summary>Joint ranges (njnt × 2), rad or m.</summary>
    public ReadOnlySpan<double> JntRange => new(MPtr<double>(MjModelLayout.JntRange), JointCount * 2);
    public Span<double> DofDamping => new(MPtr<double>(MjModelLayout.DofDamping), Nv);
    public Span<double> DofArmature => new(MPtr<double>(MjModelLayout.DofArmature), Nv);
    public ReadOnlySpan<double> DofFrictionLoss => new(MPtr<double>(MjModelLayout.DofFrictionLoss), Nv);
    public ReadOnlySpan<int> GeomBodyId => new(MPtr<int>(MjModelLayout.GeomBodyId), GeomCount);
    public ReadOnlySpan<double> GeomSize => new(MPtr<double>(MjModelLayout.GeomSize), GeomCount * 3);
    /// <summary>Geom friction (ngeom × 3: sliding, torsional, rolling); writable (domain randomisation).</summary>
    public Span<double> GeomFriction => new(MPtr<double>(MjModelLayout.GeomFriction), GeomCount * 3);
    public ReadOnlySpan<int> SiteBodyId => new(MPtr<int>(MjModelLayout.SiteBodyId), SiteCount);
    public ReadOnlySpan<int> ActuatorTrnType => new(MPtr<int>(MjModelLayout.ActuatorTrnType), Nu);
    /// <summary>Actuator transmission targets (nu × 2); for joint actuators, [2i] is the joint id.</summary>
    public ReadOnlySpan<int> ActuatorTrnId => new(MPtr<int>(MjModelLayout.ActuatorTrnId), Nu * 2);
    public ReadOnlySpan<byte> ActuatorCtrlLimited => new(MPtr<byte>(MjModelLayout.ActuatorCtrlLimited), Nu);
    public ReadOnlySpan<double> ActuatorCtrlRange => new(MPtr<double>(MjModelLayout.ActuatorCtrlRange), Nu * 2);
    public ReadOnlySpan<double> ActuatorGear => new(MPtr<double>(MjModelLayout.ActuatorGear), Nu * 6);
    public ReadOnlySpan<int> SensorType => new(MPtr<int>(MjModelLayout.SensorType), SensorCount);
    public ReadOnlySpan<int> SensorObjType => new(MPtr<int>(MjModelLayout.SensorObjType), SensorCount);
    public ReadOnlySpan<int> SensorObjId => new(MPtr<int>(MjModelLayout.SensorObjId), SensorCount);
    public ReadOnlySpan<int> SensorDim => new(MPtr<int>(MjModelLayout.SensorDim), SensorCount);
    public ReadOnlySpan<int> SensorAdr => new(MPtr<int>(MjModelLayout.SensorAdr), SensorCount);

    /// <summary>Name of object <paramref name="id"/> of kind <paramref name="type"/> ("" when unnamed). Allocates: use at configure time.</summary>
    public string Name(MjObject type, int id)
    {
        int count = type switch
        {
            MjObject.Body => BodyCount,
            MjObject.Joint => JointCount,
            MjObject.Geom => GeomCount,
            MjObject.Site => SiteCount,
            MjObject.Actuator => Nu,
            MjObject.Sensor => SensorCount,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, count);
        int offset = type switch
        {
            MjObject.Body => MjModelLayout.NameBodyAdr,
            MjObject.Joint => MjModelLayout.NameJntAdr,
            MjObject.Geom => MjModelLayout.NameGeomAdr,
            MjObject.Site => MjModelLayout.NameSiteAdr,
            MjObject.Actuator => MjModelLayout.NameActuatorAdr,
            _ => MjModelLayout.NameSensorAdr,
        };
        int address = MPtr<int>(offset)[id];
        byte* names = MPtr<byte>(MjModelLayout.Names);
        return Marshal.PtrToStringUTF8((IntPtr)(names + address)) ?? "";
    }

    /// <summary>Id of the object called <paramref name="name"/>, or -1.</summary>
    public int IdOf(MjObject type, string name) => MuJoCoNative.mj_name2id((IntPtr)M, (int)type, name);

    /// <summary>Id of the object called <paramref name="name"/>.</summary>
    /// <exception cref="MuJoCoException">No such object; the message names the model.</exception>
    public int RequireId(MjObject type, string name)
    {
        int id = IdOf(type, name);
        return id >= 0 ? id : throw new MuJoCoException($"model {Source} has no {type.ToString().ToLowerInvariant()} named '{name}'");
    }

    /// <summary>Contact <paramref name="index"/> (0 ≤ index &lt; <see cref="ContactCount"/>).</summary>
    public MjContact Contact(int index)
    {
        if ((uint)index >= (uint)ContactCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"there are {ContactCount} contacts");
        }
        byte* c = *(byte**)(D + MjDataLayout.Contact) + (long)index * MjContactLayout.Size;
        double* pos = (double*)(c + MjContactLayout.Pos);
        double* frame = (double*)(c + MjContactLayout.Frame);
        return new MjContact(*(double*)(c + MjContactLayout.Dist), pos[0], pos[1], pos[2], frame[0], frame[1], frame[2],
            *(int*)(c + MjContactLayout.Geom1), *(int*)(c + MjContactLayout.Geom2));
    }

    /// <summary>Force (3) and torque (3) of contact <paramref name="index"/> in its contact frame (normal first).</summary>
    public void ContactForce(int index, Span<double> result)
    {
        if ((uint)index >= (uint)ContactCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"there are {ContactCount} contacts");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(result.Length, 6, nameof(result));
        fixed (double* r = result)
        {
            MuJoCoNative.mj_contactForce((IntPtr)M, (IntPtr)D, index, r);
        }
    }

    /// <summary>How many times MuJoCo raised warning <paramref name="warning"/> (<c>mjtWarning</c>) since the last reset.</summary>
    public int WarningCount(int warning)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warning);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(warning, MjConstants.NWarning);
        return *(int*)(D + MjDataLayout.Warning + warning * MjWarningStatLayout.Size + MjWarningStatLayout.Number);
    }

    /// <summary>
    /// True when MuJoCo found a bad number (NaN, infinite or beyond mjMAXVAL) in the positions,
    /// velocities or accelerations and reset the state to qpos0 at time 0 (a divergent
    /// simulation). In 2.2.2 <c>mj_step1</c> checks qpos and qvel first (mjWARN_BADQPOS,
    /// mjWARN_BADQVEL) and <c>mj_step2</c> checks qacc (mjWARN_BADQACC); each resets and counts.
    /// </summary>
    public bool Diverged =>
        WarningCount(MjConstants.WarnBadQpos) > 0 || WarningCount(MjConstants.WarnBadQvel) > 0 || WarningCount(MjConstants.WarnBadQacc) > 0;

    /// <summary>Total mass of every body, kg.</summary>
    public double TotalMass => MuJoCoNative.mj_getTotalmass((IntPtr)M);

    /// <summary>Advances the simulation by one timestep.</summary>
    public void Step() => MuJoCoNative.mj_step((IntPtr)M, (IntPtr)D);

    /// <summary>
    /// Integrates with the current ctrl, then recomputes positions, velocities and their
    /// sensors for the new state (<c>mj_step2</c> then <c>mj_step1</c>). Same physics as
    /// <see cref="Step"/> for the Euler and implicit integrators, but after it qpos, xpos,
    /// subtree_com and position/velocity sensors describe the new state; acceleration-stage
    /// sensors (accelerometer, force, torque, touch) remain those of the step's start.
    /// Requires <see cref="Forward"/> (done at load and reset) before the first call.
    /// </summary>
    public void StepThenUpdate()
    {
        IntPtr m = (IntPtr)M, d = (IntPtr)D;
        MuJoCoNative.mj_step2(m, d);
        MuJoCoNative.mj_step1(m, d);
    }

    /// <summary>Computes every derived quantity (poses, CoM, contacts, sensors) for the current state without advancing time.</summary>
    public void Forward() => MuJoCoNative.mj_forward((IntPtr)M, (IntPtr)D);

    /// <summary>
    /// Positions only: body, geom and site poses, subtree centres of mass and the com-based dof
    /// motions for the current qpos (<c>mj_kinematics</c> then <c>mj_comPos</c>). Cheaper than
    /// <see cref="Forward"/> and enough for <see cref="SiteJacobian"/>; velocities, contacts and sensors are not updated.
    /// </summary>
    public void Kinematics()
    {
        IntPtr m = (IntPtr)M, d = (IntPtr)D;
        MuJoCoNative.mj_kinematics(m, d);
        MuJoCoNative.mj_comPos(m, d);
    }

    /// <summary>
    /// Jacobian of site <paramref name="site"/>'s origin for the current positions (call <see cref="Kinematics"/>
    /// or <see cref="Forward"/> after changing qpos): <paramref name="translation"/> 3 × nv row-major (m per unit
    /// of qvel), <paramref name="rotation"/> 3 × nv (rad per unit of qvel, world frame). Either may be empty
    /// (not computed). Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No such site, or a non-empty span shorter than 3 × nv.</exception>
    public void SiteJacobian(int site, Span<double> translation, Span<double> rotation)
    {
        if ((uint)site >= (uint)SiteCount)
        {
            throw new ArgumentOutOfRangeException(nameof(site), site, $"the model has {SiteCount} sites");
        }
        if ((!translation.IsEmpty && translation.Length < 3 * Nv) || (!rotation.IsEmpty && rotation.Length < 3 * Nv))
        {
            throw new ArgumentOutOfRangeException(nameof(translation), $"Jacobians need 3 × nv = {3 * Nv} elements");
        }
        fixed (double* p = translation)
        fixed (double* r = rotation)
        {
            MuJoCoNative.mj_jacSite((IntPtr)M, (IntPtr)D, translation.IsEmpty ? null : p, rotation.IsEmpty ? null : r, site);
        }
    }

    /// <summary>Fills <see cref="SubtreeLinvel"/> for the current state (needs a Forward or Step first).</summary>
    public void ComputeSubtreeVelocities() => MuJoCoNative.mj_subtreeVel((IntPtr)M, (IntPtr)D);

    /// <summary>Resets the data to the model's initial state (qpos0, zero velocity, time 0, no applied forces).</summary>
    public void Reset()
    {
        MuJoCoNative.mj_resetData((IntPtr)M, (IntPtr)D);
        MuJoCoNative.mj_forward((IntPtr)M, (IntPtr)D);
    }

    /// <summary>Recomputes constants derived from masses and inertias after the model was edited.</summary>
    public void SetConst() => MuJoCoNative.mj_setConst((IntPtr)M, (IntPtr)D);

    /// <summary>Raw <c>mjModel*</c>, for advanced interop; valid until disposal.</summary>
    public IntPtr ModelPointer => (IntPtr)M;

    /// <summary>Raw <c>mjData*</c>, for advanced interop; valid until disposal.</summary>
    public IntPtr DataPointer => (IntPtr)D;

    private byte* M => _m != null ? _m : throw new ObjectDisposedException(nameof(MjSimulation));

    private byte* D => _d != null ? _d : throw new ObjectDisposedException(nameof(MjSimulation));

    private T* Check<T>(T* pointer) where T : unmanaged => _d != null ? pointer : throw new ObjectDisposedException(nameof(MjSimulation));

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => _d == null;

    /// <summary>Frees mjData then mjModel (idempotent).</summary>
    public void Dispose()
    {
        _d = null;
        _m = null;
        _dataHandle.Dispose();
        _modelHandle.Dispose();
    }
}
