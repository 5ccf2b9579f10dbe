namespace Robot.Runtime.Safety;

/// <summary>What the control loop tells the safety link each tick, site frame, SI units.</summary>
/// <param name="X">Position east, metres.</param>
/// <param name="Y">Position north, metres.</param>
/// <param name="Heading">Base heading from the site x axis, radians.</param>
/// <param name="Vx">Velocity east, m/s.</param>
/// <param name="Vy">Velocity north, m/s.</param>
/// <param name="Reach">Reach beyond the footprint right now (arms, load), metres.</param>
public readonly record struct RobotSafetyState(double X, double Y, double Heading, double Vx, double Vy, double Reach);
