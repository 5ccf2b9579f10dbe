namespace Robot.Safety.Geofence;

/// <summary>What a robot declared about itself when its session started (Hello).</summary>
/// <param name="FootprintRadius">Radius of the circle around the base origin that holds the footprint, metres.</param>
/// <param name="Reach">How far arms or load reach beyond the footprint, metres.</param>
/// <param name="ReactionTime">From a stop command to the start of braking, seconds.</param>
/// <param name="MaxDeceleration">Guaranteed braking deceleration, m/s².</param>
/// <param name="MaxSpeed">Fastest it walks, m/s.</param>
public readonly record struct RobotProfile(double FootprintRadius, double Reach, double ReactionTime, double MaxDeceleration, double MaxSpeed)
{
    /// <summary>Stopping distance from <paramref name="speed"/> (m/s): v·T_r + v²/(2a), metres.</summary>
    public double StoppingDistance(double speed) => speed * ReactionTime + speed * speed / (2 * MaxDeceleration);
}

/// <summary>One state report of a robot, site frame, SI units. Validated before use.</summary>
/// <param name="X">Position east, metres.</param>
/// <param name="Y">Position north, metres.</param>
/// <param name="Vx">Velocity east, m/s.</param>
/// <param name="Vy">Velocity north, m/s.</param>
/// <param name="Reach">Reach right now, metres (the larger of this and the profile's is used).</param>
public readonly record struct RobotMotion(double X, double Y, double Vx, double Vy, double Reach = 0)
{
    /// <summary>Speed, m/s.</summary>
    public double Speed => Math.Sqrt(Vx * Vx + Vy * Vy);
}

/// <summary>A person a site sensor tracks, site frame.</summary>
/// <param name="X">East, metres.</param>
/// <param name="Y">North, metres.</param>
/// <param name="Uncertainty">Z_d of this track, metres (0: the applicable default).</param>
/// <param name="Id">Track id as the sensor names it ("sensor/person").</param>
public readonly record struct TrackedPerson(double X, double Y, double Uncertainty, string Id);
