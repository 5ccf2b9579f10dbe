using System.Xml.Linq;

namespace Robot.Sim.PickTask;

/// <summary>A shelf slot of the site scene: where the robot stands to pick, the board's height, and the box on it.</summary>
/// <param name="Id">The site file's location id.</param>
/// <param name="StanceX">Pick stance x (sole midpoint), scene frame, m.</param>
/// <param name="StanceY">Pick stance y, m.</param>
/// <param name="StanceYaw">Pick stance heading, rad.</param>
/// <param name="BoardTop">Top of the board, m.</param>
/// <param name="Box">The box's size, mass and its pose relative to the stance (as in the pick station).</param>
public sealed record SiteSceneSlot(string Id, double StanceX, double StanceY, double StanceYaw, double BoardTop, PickTaskEpisode Box);

/// <summary>A tote of the site scene on its stand.</summary>
/// <param name="Id">The site file's location id.</param>
/// <param name="X">Tote centre x, scene frame, m.</param>
/// <param name="Y">Tote centre y, m.</param>
/// <param name="Yaw">Tote heading, rad.</param>
/// <param name="StandTop">Top of its stand (the tote's bottom), m.</param>
public sealed record SiteSceneTote(string Id, double X, double Y, double Yaw, double StandTop);

/// <summary>
/// The warehouse site as one MuJoCo scene for pick tasks: the humanoid free on the floor at the
/// origin (facing +x; the caller maps site coordinates into this frame), one shelf board with a
/// free box per slot and one stand with a free tote per tote location. Each board and box sit
/// relative to the slot's pick stance exactly as in <see cref="PickStationScene"/>, where the
/// upper-body policy learned to pick, so the policy sees the scene it was trained on.
/// Body names: slot i's box is <c>slot{i}_box</c>, tote j is <c>tote{j}</c>.
/// </summary>
public static class SiteScene
{
    /// <summary>Body name of slot <paramref name="index"/>'s box.</summary>
    public static string BoxName(int index) => $"slot{index}_box";

    /// <summary>Body name of tote <paramref name="index"/>.</summary>
    public static string ToteName(int index) => $"tote{index}";

    /// <summary>The MJCF: the robot file's sections, then the floor, slots and totes.</summary>
    /// <param name="robotXml">The humanoid's MJCF.</param>
    /// <param name="slots">Shelf slots, scene frame.</param>
    /// <param name="totes">Totes, scene frame.</param>
    /// <param name="floorHalfSize">Half side of the floor, m (the walk must stay on it).</param>
    public static string Xml(string robotXml, IReadOnlyList<SiteSceneSlot> slots, IReadOnlyList<SiteSceneTote> totes, double floorHalfSize)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(totes);
        var world = new XElement("worldbody", SceneComposer.Floor(floorHalfSize));
        for (int i = 0; i < slots.Count; i++)
        {
            SiteSceneSlot s = slots[i];
            var stance = new PickStationScene.StationFrame(s.StanceX, s.StanceY, s.StanceYaw);
            world.Add(PickStationScene.Shelf($"slot{i}_shelf", stance, s.BoardTop));
            var (bx, by) = stance.Apply(s.Box.BoxX, s.Box.BoxY);
            world.Add(PickStationScene.Box(BoxName(i), s.Box, new PickStationScene.StationFrame(bx, by, s.StanceYaw + s.Box.BoxYaw), s.BoardTop));
        }
        for (int j = 0; j < totes.Count; j++)
        {
            SiteSceneTote t = totes[j];
            var pose = new PickStationScene.StationFrame(t.X, t.Y, t.Yaw);
            world.Add(PickStationScene.Stand($"tote{j}_stand", pose, t.StandTop));
            world.Add(PickStationScene.Tote(ToteName(j), pose, t.StandTop));
        }
        // Contacts: every box and tote may touch its shelf, its stand, the hand; budget generously.
        int bodies = slots.Count + totes.Count;
        return SceneComposer.Compose(robotXml, "warehouse_site",
            new XElement("size", new XAttribute("njmax", 1000 + 100 * bodies), new XAttribute("nconmax", 200 + 40 * bodies)),
            world);
    }
}
