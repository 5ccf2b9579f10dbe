using System.Xml.Linq;

namespace Robot.Sim.PickTask;

/// <summary>
/// The pick station as MJCF: the humanoid at the origin facing +x with its pelvis welded to the
/// world at standing height, a shelf board in front of it (top 0.80 m, x 0.20–0.48 m) holding one
/// free box, and to its right a tote (free body, 0.30 × 0.24 × 0.12 m) on a stand. Everything the
/// right arm must reach lies within 0.38 m of its shoulder (0, −0.17, 1.14 m) with the hand
/// pointing down. Distances m, world frame.
/// <para>
/// Why the pelvis is welded: the upper-body task is learned and evaluated apart from balance. A weld
/// equality constraint (<c>pelvis_hold</c>, MuJoCo's soft constraint, solref 0.005 s) holds the pelvis
/// at the pose <see cref="SimHardware.SetStandingPose"/> gives it; the legs and waist keep their stance PD
/// and the soles rest on the floor. When the balance controller runs the legs, drop the weld.
/// </para>
/// </summary>
public static class PickStationScene
{
    /// <summary>Top surface of the shelf board, m.</summary>
    public const double BoardTop = 0.80;
    /// <summary>Board extent: x from the front edge to the back, y from the right edge to the left, m.</summary>
    public const double BoardFrontX = 0.20, BoardBackX = 0.48, BoardRightY = -0.22, BoardLeftY = 0.25;
    private const double BoardThickness = 0.03;

    /// <summary>Where the box stands before jitter, m.</summary>
    public const double BoxNominalX = 0.28, BoxNominalY = -0.12;

    /// <summary>Where the tote stands before jitter, m.</summary>
    public const double ToteNominalX = 0.19, ToteNominalY = -0.40;

    /// <summary>Tote outer half-extents (x, y, z) and wall thickness, m.</summary>
    public const double ToteHalfX = 0.15, ToteHalfY = 0.12, ToteHalfZ = 0.06, ToteWall = 0.006;

    /// <summary>Top of the tote's stand, m (the tote's bottom rests on it).</summary>
    public const double StandTop = 0.80;

    /// <summary>Body and geom names.</summary>
    public const string BoxBody = "pick_box", BoxGeom = "pick_box", ToteBody = "tote", PelvisWeld = "pelvis_hold";

    /// <summary>Height of the tote's floor (inside), m, for an untilted tote on the stand.</summary>
    public const double ToteFloor = StandTop + 2 * ToteWall;

    /// <summary>Height of the tote's rim, m.</summary>
    public const double ToteRim = StandTop + 2 * ToteHalfZ;

    /// <summary>
    /// True when a box centred at <paramref name="box"/> lies inside the walls of the tote at
    /// <paramref name="tote"/> (centre) turned by <paramref name="toteOrientation"/>, above its
    /// floor and below its rim + 3 cm. World frame, m.
    /// </summary>
    public static bool InsideTote(Robot.Core.Geometry.Vec3 box, Robot.Core.Geometry.Vec3 tote, Robot.Core.Geometry.Quat toteOrientation)
    {
        Robot.Core.Geometry.Vec3 local = toteOrientation.Conjugate.Rotate(box - tote);
        const double inX = ToteHalfX - ToteWall, inY = ToteHalfY - ToteWall;
        return Math.Abs(local.X) < inX && Math.Abs(local.Y) < inY && local.Z > -ToteHalfZ + 2 * ToteWall && local.Z < ToteHalfZ + 0.03;
    }

    /// <summary>
    /// The complete MJCF for <paramref name="episode"/>: the robot file's sections, then the station.
    /// <paramref name="pelvisHeight"/> is the standing pelvis height the weld holds (m).
    /// </summary>
    public static string Xml(PickTaskEpisode episode, double pelvisHeight, string robotXml)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var world = new XElement("worldbody", SceneComposer.Floor());
        world.Add(Shelf());
        world.Add(Stand());
        world.Add(Tote(episode));
        world.Add(Box(episode));
        // relpose: the pose of body2 (the world) in body1's (the pelvis's) frame: the world origin lies pelvisHeight below the pelvis.
        var equality = new XElement("equality",
            new XElement("weld", new XAttribute("name", PelvisWeld), new XAttribute("body1", "pelvis"),
                new XAttribute("relpose", SceneComposer.F(0, 0, -pelvisHeight, 1, 0, 0, 0)), new XAttribute("solref", "0.005 1")));
        return SceneComposer.Compose(robotXml, $"pick_station_seed_{episode.Seed}",
            new XElement("size", new XAttribute("njmax", 1500), new XAttribute("nconmax", 300)),
            world, equality);
    }

    /// <summary>
    /// Where a station's parts go: a planar pose (m, rad) in the world. The pick station's own
    /// scene uses the identity; the site scene places one station per slot and tote.
    /// </summary>
    /// <param name="X">Origin x, world, m.</param>
    /// <param name="Y">Origin y, world, m.</param>
    /// <param name="Yaw">Heading of the station's x axis, rad.</param>
    internal readonly record struct StationFrame(double X, double Y, double Yaw)
    {
        /// <summary>A point given in this frame, in world coordinates.</summary>
        public (double X, double Y) Apply(double x, double y)
        {
            double c = Math.Cos(Yaw), s = Math.Sin(Yaw);
            return (X + c * x - s * y, Y + s * x + c * y);
        }
    }

    private static XElement Static(string name, StationFrame frame, double x, double y, double z, double hx, double hy, double hz, string rgba)
    {
        var (wx, wy) = frame.Apply(x, y);
        return new("geom", new XAttribute("name", name), new XAttribute("type", "box"),
            new XAttribute("pos", SceneComposer.F(wx, wy, z)), new XAttribute("size", SceneComposer.F(hx, hy, hz)),
            new XAttribute("euler", SceneComposer.F(0, 0, frame.Yaw)),
            new XAttribute("contype", 1), new XAttribute("conaffinity", 3), new XAttribute("rgba", rgba));
    }

    private static XElement Shelf() => Shelf("shelf", default, BoardTop);

    /// <summary>
    /// The shelf board and its back panel for a robot standing at <paramref name="stance"/>: the
    /// board lies where the pick station's does relative to the robot, its top at <paramref name="boardTop"/>.
    /// </summary>
    internal static XElement Shelf(string name, StationFrame stance, double boardTop)
    {
        double cx = (BoardFrontX + BoardBackX) / 2, hx = (BoardBackX - BoardFrontX) / 2;
        double cy = (BoardLeftY + BoardRightY) / 2, hy = (BoardLeftY - BoardRightY) / 2;
        const string wood = "0.7 0.6 0.45 1", steel = "0.25 0.35 0.6 1";
        double below = boardTop - BoardThickness;
        return new XElement("body", new XAttribute("name", name),
            Static(name == "shelf" ? "shelf_board" : name + "_board", stance, cx, cy, boardTop - BoardThickness / 2, hx, hy, BoardThickness / 2, wood),
            // A back panel carries the board: nothing under its front, where the knees are.
            Static(name == "shelf" ? "shelf_back" : name + "_back", stance, BoardBackX - 0.01, cy, below / 2, 0.01, hy, below / 2, steel));
    }

    private static XElement Stand() => Stand("tote_stand", new StationFrame(ToteNominalX, ToteNominalY, 0), StandTop);

    /// <summary>The stand a tote rests on, centred on <paramref name="tote"/> (the tote's nominal pose), its top at <paramref name="top"/>.</summary>
    internal static XElement Stand(string name, StationFrame tote, double top) =>
        new("body", new XAttribute("name", name),
            Static(name, tote, 0, 0, top / 2, ToteHalfX + 0.03, ToteHalfY + 0.03, top / 2, "0.3 0.3 0.32 1"));

    private static XElement Tote(PickTaskEpisode e) => Tote(ToteBody, new StationFrame(e.ToteX, e.ToteY, e.ToteYaw), StandTop);

    /// <summary>A free tote (walls and floor) at <paramref name="pose"/>, its bottom resting on <paramref name="standTop"/>.</summary>
    internal static XElement Tote(string name, StationFrame pose, double standTop)
    {
        const double hx = ToteHalfX, hy = ToteHalfY, hz = ToteHalfZ, t = ToteWall;
        const string blue = "0.1 0.35 0.75 1";
        var tote = new XElement("body", new XAttribute("name", name), new XAttribute("pos", SceneComposer.F(pose.X, pose.Y, standTop + hz + 0.001)),
            new XAttribute("euler", SceneComposer.F(0, 0, pose.Yaw)),
            new XElement("freejoint", new XAttribute("name", name + "_free")));
        string prefix = name == ToteBody ? "tote" : name;
        void Wall(string part, double x, double y, double z, double sx, double sy, double sz, double mass) =>
            tote.Add(new XElement("geom", new XAttribute("name", prefix + "_" + part), new XAttribute("type", "box"),
                new XAttribute("pos", SceneComposer.F(x, y, z)), new XAttribute("size", SceneComposer.F(sx, sy, sz)),
                new XAttribute("mass", SceneComposer.F(mass)), new XAttribute("contype", 1), new XAttribute("conaffinity", 3),
                new XAttribute("rgba", blue)));
        // Walls start above the bottom plate so only the plate touches the stand (fewer contacts).
        Wall("bottom", 0, 0, -hz + t, hx, hy, t, 0.3);
        Wall("front", hx - t, 0, t, t, hy, hz - t, 0.1);
        Wall("back", -hx + t, 0, t, t, hy, hz - t, 0.1);
        Wall("left", 0, hy - t, t, hx - 2 * t, t, hz - t, 0.1);
        Wall("right", 0, -hy + t, t, hx - 2 * t, t, hz - t, 0.1);
        return tote;
    }

    private static XElement Box(PickTaskEpisode e) => Box(BoxBody, e, new StationFrame(e.BoxX, e.BoxY, e.BoxYaw), BoardTop);

    /// <summary>A free box with <paramref name="e"/>'s size and mass at <paramref name="pose"/>, resting on <paramref name="boardTop"/>.</summary>
    internal static XElement Box(string name, PickTaskEpisode e, StationFrame pose, double boardTop) =>
        new("body", new XAttribute("name", name), new XAttribute("pos", SceneComposer.F(pose.X, pose.Y, boardTop + e.BoxHeight / 2 + 0.001)),
            new XAttribute("euler", SceneComposer.F(0, 0, pose.Yaw)),
            new XElement("freejoint", new XAttribute("name", name + "_free")),
            new XElement("geom", new XAttribute("name", name), new XAttribute("type", "box"),
                new XAttribute("size", SceneComposer.F(e.BoxDepth / 2, e.BoxWidth / 2, e.BoxHeight / 2)),
                new XAttribute("mass", SceneComposer.F(e.BoxMass)), new XAttribute("contype", 1), new XAttribute("conaffinity", 3),
                new XAttribute("condim", 4), new XAttribute("friction", "0.8 0.005 0.0001"), new XAttribute("rgba", "0.72 0.55 0.34 1")));
}
