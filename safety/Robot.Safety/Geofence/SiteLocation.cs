namespace Robot.Safety.Geofence;

/// <summary>What a named location is.</summary>
public enum SiteLocationKind
{
    /// <summary>A shelf slot a box is picked from (at a level's height).</summary>
    Slot,

    /// <summary>A tote boxes are placed into.</summary>
    Tote,

    /// <summary>A place robots wait or park (no object).</summary>
    Waypoint,
}

/// <summary>
/// A named place in the site frame, from the site file's <c>locations:</c>: where the object is
/// (<see cref="X"/>, <see cref="Y"/>, <see cref="Z"/>) and the stance a robot takes to reach it
/// (<see cref="ApproachX"/>, <see cref="ApproachY"/>, <see cref="ApproachYawDeg"/>).
/// </summary>
/// <param name="Id">Unique name, e.g. <c>shelf-a/l2/s3</c> or <c>tote-1</c>.</param>
/// <param name="Kind">Slot, tote or waypoint.</param>
/// <param name="X">Object position x, m (site frame).</param>
/// <param name="Y">Object position y, m.</param>
/// <param name="Z">Object height above the floor, m.</param>
/// <param name="ApproachX">Robot stance x, m.</param>
/// <param name="ApproachY">Robot stance y, m.</param>
/// <param name="ApproachYawDeg">Robot heading at the stance, degrees.</param>
/// <param name="Line">Line of the entry in the site file.</param>
public sealed record SiteLocation(string Id, SiteLocationKind Kind, double X, double Y, double Z,
    double ApproachX, double ApproachY, double ApproachYawDeg, int Line);
