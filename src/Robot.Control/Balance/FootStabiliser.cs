using Robot.Core.Geometry;

namespace Robot.Control.Balance;

/// <summary>
/// Kajita's double-support stabiliser for position-controlled legs (Kajita et al., IROS 2010):
/// ankle damping control turns each loaded sole so that its CoP (from its ankle force/torque
/// sensor) goes where the support distribution put it, and foot force difference control lowers
/// the foot that carries less than its share. Its outputs are offsets on the soles' IK targets.
/// Allocates nothing.
/// </summary>
public sealed class FootStabiliser
{
    private const double MaxTilt = 0.15, MaxHeightDifference = 0.03;

    private readonly double _dampingGain, _dampingTime, _forceGain, _forceTime;
    private double _leftPitch, _leftRoll, _rightPitch, _rightRoll;

    /// <param name="dampingGain">Ankle damping gain, rad/(s·m) of CoP error.</param>
    /// <param name="dampingTime">Time constant with which a sole's tilt returns to zero, s.</param>
    /// <param name="forceGain">Foot force difference gain, m/(N·s).</param>
    /// <param name="forceTime">Time constant with which the height difference returns to zero, s.</param>
    public FootStabiliser(double dampingGain, double dampingTime, double forceGain, double forceTime) =>
        (_dampingGain, _dampingTime, _forceGain, _forceTime) = (dampingGain, dampingTime, forceGain, forceTime);

    /// <summary>How much higher the left sole is sent than the right, m (negative: lower).</summary>
    public double HeightDifference { get; private set; }

    /// <summary>The left sole's tilt on top of its heading: pitch about y, then roll about x.</summary>
    public Quat LeftTilt => Tilt(_leftPitch, _leftRoll);

    /// <summary>The right sole's tilt on top of its heading.</summary>
    public Quat RightTilt => Tilt(_rightPitch, _rightRoll);

    /// <summary>Back to flat soles at equal heights (a new stance).</summary>
    public void Reset() => (_leftPitch, _leftRoll, _rightPitch, _rightRoll, HeightDifference) = (0, 0, 0, 0, 0);

    /// <summary>One control period.</summary>
    /// <param name="leftCop">The left sole's measured CoP in G, or null when it carries too little to tell.</param>
    /// <param name="leftDesired">Where the left sole's CoP should be, G.</param>
    /// <param name="rightCop">The right sole's measured CoP, or null.</param>
    /// <param name="rightDesired">Where the right sole's CoP should be.</param>
    /// <param name="leftShare">The left sole's share of the weight, 0–1.</param>
    /// <param name="weight">The robot's weight, N.</param>
    /// <param name="leftLoad">The left sole's measured load, N.</param>
    /// <param name="rightLoad">The right sole's measured load, N.</param>
    /// <param name="dt">Control period, s.</param>
    public void Update(Vec3? leftCop, Vec3 leftDesired, Vec3? rightCop, Vec3 rightDesired, double leftShare, double weight, double leftLoad, double rightLoad, double dt)
    {
        Damp(leftCop, leftDesired, ref _leftPitch, ref _leftRoll, dt);
        Damp(rightCop, rightDesired, ref _rightPitch, ref _rightRoll, dt);
        double error = (2 * leftShare - 1) * weight - (leftLoad - rightLoad);
        HeightDifference = Math.Clamp(HeightDifference + dt * (-_forceGain * error - HeightDifference / _forceTime), -MaxHeightDifference, MaxHeightDifference);
    }

    private void Damp(Vec3? cop, Vec3 desired, ref double pitch, ref double roll, double dt)
    {
        double t = _dampingTime;
        if (cop is { } c)
        {
            // CoP ahead of where it should be: turn the toe up (negative pitch about +y); too far
            // left: lift the left edge (positive roll about +x).
            pitch = Math.Clamp(pitch + dt * (-_dampingGain * (c.X - desired.X) - pitch / t), -MaxTilt, MaxTilt);
            roll = Math.Clamp(roll + dt * (_dampingGain * (c.Y - desired.Y) - roll / t), -MaxTilt, MaxTilt);
        }
        else
        {
            pitch -= dt * pitch / t;
            roll -= dt * roll / t;
        }
    }

    private static Quat Tilt(double pitch, double roll) =>
        Quat.FromAxisAngle(new Vec3(0, 1, 0), pitch) * Quat.FromAxisAngle(new Vec3(1, 0, 0), roll);
}
