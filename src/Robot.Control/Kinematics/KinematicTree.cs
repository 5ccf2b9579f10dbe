using Robot.Core.Geometry;

namespace Robot.Control.Kinematics;

/// <summary>
/// Rigid-body tree of the robot for whole-body kinematics in the controller: body poses, the
/// centre of mass, and points on bodies, from joint angles and the base pose. Built once from
/// the robot model (Robot.Sim reads it out of MuJoCo's compiled model) and then evaluated every
/// tick without allocating — so the same code runs on hardware, where no physics engine runs.
///
/// Bodies are in topological order (a parent before its children); body 0 is the floating base.
/// Each body has at most one joint between it and its parent, hinge or slide, at the body's
/// origin (as in our MJCF). Joints that are not actuated (a gripper's mimic finger) are held at
/// zero: their masses are grams and their effect on the CoM is below a millimetre.
/// </summary>
public sealed class KinematicTree
{
    private readonly int[] _parent;
    private readonly Vec3[] _offset;
    private readonly Quat[] _rotation;
    private readonly int[] _joint;
    private readonly bool[] _slide;
    private readonly Vec3[] _axis;
    private readonly double[] _mass;
    private readonly Vec3[] _localCom;
    private readonly Vec3[] _position;
    private readonly Quat[] _orientation;
    private readonly double[] _ahead;
    private readonly double[] _subtreeMass;
    private readonly Vec3[] _bodyCom, _subtreeMoment;

    /// <param name="parent">Parent body index per body (−1 for the base); length = body count.</param>
    /// <param name="offset">Body origin in its parent's frame at zero joint angle, m.</param>
    /// <param name="rotation">Body frame relative to its parent at zero joint angle (w first).</param>
    /// <param name="joint">Index into the actuated joint vector of the joint moving this body, or −1.</param>
    /// <param name="slide">True when that joint is prismatic (m) rather than a hinge (rad).</param>
    /// <param name="axis">Joint axis in the body frame (unit).</param>
    /// <param name="mass">Body mass, kg.</param>
    /// <param name="localCom">Body centre of mass in the body frame, m.</param>
    /// <param name="names">Body names, for look-ups at configure time.</param>
    public KinematicTree(int[] parent, Vec3[] offset, Quat[] rotation, int[] joint, bool[] slide, Vec3[] axis, double[] mass, Vec3[] localCom, string[] names)
    {
        int n = parent.Length;
        if (offset.Length != n || rotation.Length != n || joint.Length != n || slide.Length != n || axis.Length != n || mass.Length != n || localCom.Length != n || names.Length != n)
        {
            throw new ArgumentException($"every body array must have {n} entries (one per body)");
        }
        for (int i = 0; i < n; i++)
        {
            if (parent[i] >= i)
            {
                throw new ArgumentException($"body {i} ({names[i]}): parent {parent[i]} must come before it (topological order)");
            }
        }
        (_parent, _offset, _rotation, _joint, _slide, _axis, _mass, _localCom, Names) = (parent, offset, rotation, joint, slide, axis, mass, localCom, names);
        _position = new Vec3[n];
        _orientation = new Quat[n];
        _ahead = new double[joint.Length == 0 ? 0 : joint.Max() + 1];
        _bodyCom = new Vec3[n];
        _subtreeMoment = new Vec3[n];
        _subtreeMass = new double[n];
        TotalMass = mass.Sum();
    }

    /// <summary>Body names, index = body index.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of bodies.</summary>
    public int BodyCount => _parent.Length;

    /// <summary>Total mass, kg.</summary>
    public double TotalMass { get; private set; }

    /// <summary>Centre of mass after the last <see cref="Update"/>, in the frame the base pose was given in, m.</summary>
    public Vec3 Com { get; private set; }

    /// <summary>Index of the body called <paramref name="name"/>.</summary>
    public int BodyIndex(string name)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (Names[i] == name)
            {
                return i;
            }
        }
        throw new KeyNotFoundException($"the kinematic tree has no body '{name}'");
    }

    /// <summary>
    /// Evaluates every body's pose for joint values <paramref name="q"/> (length = actuated
    /// joint count; rad or m) with the base at <paramref name="basePosition"/> and
    /// <paramref name="baseOrientation"/>. Allocation-free.
    /// </summary>
    public void Update(ReadOnlySpan<double> q, Vec3 basePosition, Quat baseOrientation)
    {
        Vec3 weighted = Vec3.Zero;
        for (int i = 0; i < _parent.Length; i++)
        {
            Vec3 p;
            Quat r;
            int parent = _parent[i];
            if (parent < 0)
            {
                p = basePosition;
                r = baseOrientation;
            }
            else
            {
                p = _position[parent] + _orientation[parent].Rotate(_offset[i]);
                r = _orientation[parent] * _rotation[i];
            }
            int j = _joint[i];
            if (j >= 0)
            {
                if (_slide[i])
                {
                    p += r.Rotate(q[j] * _axis[i]);
                }
                else
                {
                    r *= Quat.FromAxisAngle(_axis[i], q[j]);
                }
            }
            _position[i] = p;
            _orientation[i] = r;
            _bodyCom[i] = p + r.Rotate(_localCom[i]);
            weighted += _mass[i] * _bodyCom[i];
        }
        Com = weighted / TotalMass;
    }

    /// <summary>
    /// Evaluates the tree <paramref name="epsilon"/> seconds ahead: joints at q + ε·q̇ and the base
    /// turned by ε·ω. Differencing against <see cref="Update"/> at (q, R) gives velocities (the
    /// Jacobian times the joint and base rates) without forming the Jacobian and without the
    /// noise a finite difference of encoder readings over a tick would amplify. Allocation-free.
    /// </summary>
    /// <param name="q">Joint values now (rad or m).</param>
    /// <param name="qd">Joint rates (rad/s or m/s); same length as <paramref name="q"/>.</param>
    /// <param name="basePosition">Base position now (held: differences are relative to it).</param>
    /// <param name="baseOrientation">Base orientation now (w first).</param>
    /// <param name="angularVelocity">Base angular velocity in the frame the base pose is given in, rad/s.</param>
    /// <param name="epsilon">How far ahead, s (small: 1 ms).</param>
    public void UpdateAhead(ReadOnlySpan<double> q, ReadOnlySpan<double> qd, Vec3 basePosition, Quat baseOrientation, Vec3 angularVelocity, double epsilon)
    {
        for (int i = 0; i < _ahead.Length; i++)
        {
            _ahead[i] = q[i] + epsilon * qd[i];
        }
        double rate = angularVelocity.Norm;
        Quat turned = rate > 1e-12
            ? (Quat.FromAxisAngle(angularVelocity / rate, rate * epsilon) * baseOrientation).Normalized()
            : baseOrientation;
        Update(_ahead, basePosition, turned);
    }

    /// <summary>Origin of body <paramref name="body"/> after the last update.</summary>
    public Vec3 Position(int body) => _position[body];

    /// <summary>Orientation of body <paramref name="body"/> after the last update (w first).</summary>
    public Quat Orientation(int body) => _orientation[body];

    /// <summary>A point fixed on body <paramref name="body"/> at <paramref name="local"/> (body frame).</summary>
    public Vec3 PointOn(int body, Vec3 local) => _position[body] + _orientation[body].Rotate(local);

    /// <summary>
    /// Feed-forward torques that hold the robot against gravity, for the hinge joints on the chain
    /// from <paramref name="foot"/> to the root, as of the last <see cref="Update"/> (whose base
    /// orientation must be the real one, so gravity points the right way). The foot carries
    /// <paramref name="support"/> of the weight (1 in stance, 0 swinging, in between in double
    /// support) as a vertical force at <paramref name="contact"/>; each joint then balances the
    /// part it moves (towards the foot, mass M_s at C_s) under gravity and that force:
    /// τ = −a · ((C_s − p) × M_s g + (r − p) × w M g↑) for a joint with axis a at p.
    /// Written into <paramref name="torques"/> at each joint's index; other entries are left alone.
    /// </summary>
    /// <param name="foot">Body at the end of the chain.</param>
    /// <param name="contact">Where the ground force acts (the sole centre), same frame as the tree.</param>
    /// <param name="support">Share of the robot's weight the foot carries, 0–1.</param>
    /// <param name="gravity">Gravitational acceleration, m/s² (positive; it points down).</param>
    /// <param name="torques">Per joint, N·m.</param>
    public void SupportTorques(int foot, Vec3 contact, double support, double gravity, Span<double> torques)
    {
        for (int i = _parent.Length - 1; i >= 0; i--)
        {
            _subtreeMass[i] = _mass[i];
            _subtreeMoment[i] = _mass[i] * _bodyCom[i];
        }
        for (int i = _parent.Length - 1; i > 0; i--)
        {
            int parent = _parent[i];
            if (parent >= 0)
            {
                _subtreeMass[parent] += _subtreeMass[i];
                _subtreeMoment[parent] += _subtreeMoment[i];
            }
        }
        var weight = new Vec3(0, 0, -gravity);
        var ground = new Vec3(0, 0, support * TotalMass * gravity);
        for (int b = foot; b >= 0; b = _parent[b])
        {
            int j = _joint[b];
            if (j < 0 || _slide[b])
            {
                continue;
            }
            Vec3 p = _position[b];
            Vec3 axis = _orientation[b].Rotate(_axis[b]);
            Vec3 moved = (_subtreeMoment[b] / _subtreeMass[b] - p).Cross(_subtreeMass[b] * weight);
            torques[j] = -axis.Dot(moved + (contact - p).Cross(ground));
        }
    }

    /// <summary>
    /// Adds <paramref name="mass"/> (kg, negative removes) to <paramref name="body"/> at its centre
    /// of mass: a payload held rigidly there. Takes effect at the next <see cref="Update"/>. Not
    /// for the control tick's hot path: call it when the payload changes.
    /// </summary>
    /// <exception cref="ArgumentException">The body's mass would become negative or not finite.</exception>
    public void AddMass(int body, double mass)
    {
        double updated = _mass[body] + mass;
        if (!(updated >= 0) || !double.IsFinite(updated))
        {
            throw new ArgumentException($"body '{Names[body]}' would weigh {updated} kg", nameof(mass));
        }
        _mass[body] = updated;
        TotalMass += mass;
    }
}
