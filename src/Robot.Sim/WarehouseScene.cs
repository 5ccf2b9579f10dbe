using System.Xml.Linq;

namespace Robot.Sim;

/// <summary>
/// Ranges from which <see cref="WarehouseScene"/> draws its boxes. Sizes are full edge lengths
/// (m), masses kg. Every draw comes from <see cref="Seed"/>: the same options give the same scene.
/// </summary>
public sealed record WarehouseSceneOptions
{
    public int Seed { get; init; }
    /// <summary>Number of free boxes on the shelves (0–24).</summary>
    public int BoxCount { get; init; } = 6;
    public double BoxSizeMin { get; init; } = 0.12;
    public double BoxSizeMax { get; init; } = 0.28;
    public double BoxMassMin { get; init; } = 0.5;
    public double BoxMassMax { get; init; } = 3.0;
    /// <summary>Largest yaw of a box on its shelf, rad.</summary>
    public double BoxYawMax { get; init; } = 0.15;
    /// <summary>Shelf boards (2–4); the lowest board is 0.45 m above the floor, then every 0.5 m.</summary>
    public int ShelfLevels { get; init; } = 2;

    /// <summary>Every problem with these options, empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (BoxCount is < 0 or > 24)
        {
            yield return $"box count {BoxCount} must be 0–24";
        }
        if (!(BoxSizeMin >= 0.04) || !(BoxSizeMax >= BoxSizeMin) || !(BoxSizeMax <= 0.40))
        {
            yield return $"box size range [{BoxSizeMin}, {BoxSizeMax}] m must satisfy 0.04 ≤ min ≤ max ≤ 0.40";
        }
        if (!(BoxMassMin > 0) || !(BoxMassMax >= BoxMassMin) || !(BoxMassMax <= 20))
        {
            yield return $"box mass range [{BoxMassMin}, {BoxMassMax}] kg must satisfy 0 < min ≤ max ≤ 20";
        }
        if (!(BoxYawMax >= 0) || !(BoxYawMax <= 0.5))
        {
            yield return $"box yaw limit {BoxYawMax} rad must be 0–0.5";
        }
        if (ShelfLevels is < 2 or > 4)
        {
            yield return $"shelf levels {ShelfLevels} must be 2–4";
        }
    }
}

/// <summary>One box as generated (for tests and task planners).</summary>
/// <param name="Name">Body name (<c>box_0</c>, …).</param>
/// <param name="SizeX">Edge length along the box's x, m.</param>
/// <param name="SizeY">Edge length along y, m.</param>
/// <param name="SizeZ">Height, m.</param>
/// <param name="Mass">kg.</param>
/// <param name="X">Initial centre x, world frame, m.</param>
/// <param name="Y">Initial centre y, m.</param>
/// <param name="Z">Initial centre z, m.</param>
/// <param name="Yaw">Initial yaw, rad.</param>
/// <param name="Level">Shelf board index (0 = lowest).</param>
public sealed record WarehouseBox(string Name, double SizeX, double SizeY, double SizeZ, double Mass, double X, double Y, double Z, double Yaw, int Level);

/// <summary>
/// The warehouse scene: floor, a shelving unit with 2–4 boards holding seeded random boxes
/// (free bodies), a cart (fixed) carrying a tote (free body), and floor zone markings (visual
/// only, contype 0). The robot stands at the origin facing +x; the shelf is 1.3 m ahead, the
/// cart 0.9 m to its right. Generated as MJCF text from the robot file by <see cref="SceneComposer"/>.
/// </summary>
public sealed class WarehouseScene
{
    /// <summary>Shelf front edge, m along +x from the robot's start.</summary>
    public const double ShelfX = 1.3;
    /// <summary>Shelf depth (x) and width (y), m.</summary>
    public const double ShelfDepth = 0.5, ShelfWidth = 1.2;
    /// <summary>Height of the lowest board's top surface and spacing between boards, m.</summary>
    public const double FirstBoardTop = 0.45, BoardSpacing = 0.5;
    private const double BoardThickness = 0.02;

    private WarehouseScene(WarehouseSceneOptions options, IReadOnlyList<WarehouseBox> boxes, string xml)
    {
        Options = options;
        Boxes = boxes;
        Xml = xml;
    }

    public WarehouseSceneOptions Options { get; }

    /// <summary>The boxes, in body order.</summary>
    public IReadOnlyList<WarehouseBox> Boxes { get; }

    /// <summary>The complete MJCF (robot + scene).</summary>
    public string Xml { get; }

    /// <summary>Generates the scene around the shipped humanoid.</summary>
    public static WarehouseScene Generate(WarehouseSceneOptions options) => Generate(options, File.ReadAllText(SimModels.Humanoid));

    /// <summary>Generates the scene around <paramref name="robotXml"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public static WarehouseScene Generate(WarehouseSceneOptions options, string robotXml)
    {
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid warehouse scene options: " + string.Join("; ", errors), nameof(options));
        }
        var random = new Random(options.Seed);
        var world = new XElement("worldbody", SceneComposer.Floor());
        AddZones(world);
        AddShelf(world, options.ShelfLevels);
        var boxes = PlaceBoxes(options, random);
        foreach (WarehouseBox box in boxes)
        {
            world.Add(BoxBody(box, random));
        }
        AddCartAndTote(world);
        string xml = SceneComposer.Compose(robotXml, $"warehouse_seed_{options.Seed}",
            new XElement("size", new XAttribute("njmax", 3000), new XAttribute("nconmax", 600)),
            world);
        return new WarehouseScene(options, boxes, xml);
    }

    /// <summary>Writes <see cref="Xml"/> to <paramref name="path"/> (for MuJoCo's own tools).</summary>
    public void WriteTo(string path) => File.WriteAllText(path, Xml);

    private static List<WarehouseBox> PlaceBoxes(WarehouseSceneOptions o, Random random)
    {
        var boxes = new List<WarehouseBox>();
        if (o.BoxCount == 0)
        {
            return boxes;
        }
        int perLevel = (o.BoxCount + o.ShelfLevels - 1) / o.ShelfLevels;
        double slot = ShelfWidth / perLevel;
        for (int i = 0; i < o.BoxCount; i++)
        {
            int level = i % o.ShelfLevels;
            int index = i / o.ShelfLevels;
            double Draw(double min, double max) => min + (max - min) * random.NextDouble();
            // Sizes are clamped so a box fits its slot, the shelf depth and the gap to the next board.
            double yaw = Draw(-o.BoxYawMax, o.BoxYawMax);
            double fit = (slot - 0.03) / (1 + Math.Abs(Math.Sin(yaw)));
            double sx = Math.Min(Draw(o.BoxSizeMin, o.BoxSizeMax), Math.Min(ShelfDepth - 0.06, fit));
            double sy = Math.Min(Draw(o.BoxSizeMin, o.BoxSizeMax), fit);
            double sz = Math.Min(Draw(o.BoxSizeMin, o.BoxSizeMax), BoardSpacing - 0.1);
            double mass = Draw(o.BoxMassMin, o.BoxMassMax);
            double slack = Math.Max(0, slot - 0.03 - sy - Math.Abs(Math.Sin(yaw)) * sx) / 2;
            double y = -ShelfWidth / 2 + slot * (index + 0.5) + Draw(-slack, slack);
            double x = ShelfX + ShelfDepth / 2 + Draw(-0.02, 0.02);
            double z = FirstBoardTop + level * BoardSpacing + sz / 2 + 0.002;
            boxes.Add(new WarehouseBox($"box_{i}", sx, sy, sz, mass, x, y, z, yaw, level));
        }
        return boxes;
    }

    private static XElement BoxBody(WarehouseBox b, Random random)
    {
        double shade = 0.85 + 0.15 * random.NextDouble();
        return new XElement("body", new XAttribute("name", b.Name), new XAttribute("pos", SceneComposer.F(b.X, b.Y, b.Z)),
            new XAttribute("euler", SceneComposer.F(0, 0, b.Yaw)),
            new XElement("freejoint", new XAttribute("name", b.Name + "_free")),
            new XElement("geom", new XAttribute("name", b.Name), new XAttribute("type", "box"),
                new XAttribute("size", SceneComposer.F(b.SizeX / 2, b.SizeY / 2, b.SizeZ / 2)),
                new XAttribute("mass", SceneComposer.F(b.Mass)), new XAttribute("contype", 1), new XAttribute("conaffinity", 3),
                new XAttribute("friction", "0.8 0.005 0.0001"),
                new XAttribute("rgba", SceneComposer.F(0.72 * shade, 0.55 * shade, 0.34 * shade, 1))));
    }

    private static XElement StaticBox(string name, double x, double y, double z, double hx, double hy, double hz, string rgba, bool collides = true) =>
        new("geom", new XAttribute("name", name), new XAttribute("type", "box"),
            new XAttribute("pos", SceneComposer.F(x, y, z)), new XAttribute("size", SceneComposer.F(hx, hy, hz)),
            new XAttribute("contype", collides ? 1 : 0), new XAttribute("conaffinity", collides ? 3 : 0),
            new XAttribute("rgba", rgba));

    private static void AddShelf(XElement world, int levels)
    {
        var shelf = new XElement("body", new XAttribute("name", "shelf"), new XAttribute("pos", SceneComposer.F(ShelfX + ShelfDepth / 2, 0, 0)));
        double top = FirstBoardTop + (levels - 1) * BoardSpacing + 0.3;
        const string steel = "0.25 0.35 0.6 1";
        foreach (var (sx, sy) in new[] { (1, 1), (1, -1), (-1, 1), (-1, -1) })
        {
            shelf.Add(StaticBox($"shelf_post_{(sx > 0 ? "back" : "front")}_{(sy > 0 ? "left" : "right")}",
                sx * (ShelfDepth / 2 - 0.02), sy * (ShelfWidth / 2 + 0.02), top / 2, 0.02, 0.02, top / 2, steel));
        }
        for (int level = 0; level < levels; level++)
        {
            double z = FirstBoardTop + level * BoardSpacing - BoardThickness / 2;
            shelf.Add(StaticBox($"shelf_board_{level}", 0, 0, z, ShelfDepth / 2, ShelfWidth / 2 + 0.04, BoardThickness / 2, "0.7 0.6 0.45 1"));
        }
        world.Add(shelf);
    }

    private static void AddCartAndTote(XElement world)
    {
        const double cx = 0.5, cy = -0.9, deck = 0.55;
        var cart = new XElement("body", new XAttribute("name", "cart"), new XAttribute("pos", SceneComposer.F(cx, cy, 0)),
            StaticBox("cart_deck", 0, 0, deck - 0.015, 0.35, 0.25, 0.015, "0.3 0.3 0.32 1"),
            StaticBox("cart_handle", -0.36, 0, deck + 0.25, 0.01, 0.22, 0.015, "0.1 0.1 0.1 1"));
        foreach (var (sx, sy) in new[] { (1, 1), (1, -1), (-1, 1), (-1, -1) })
        {
            cart.Add(StaticBox($"cart_leg_{(sx > 0 ? "front" : "back")}_{(sy > 0 ? "left" : "right")}", sx * 0.32, sy * 0.22, (deck - 0.03) / 2 + 0.04, 0.015, 0.015, (deck - 0.03 - 0.08) / 2 + 0.02, "0.3 0.3 0.32 1"));
            cart.Add(new XElement("geom", new XAttribute("name", $"cart_wheel_{(sx > 0 ? "front" : "back")}_{(sy > 0 ? "left" : "right")}"),
                new XAttribute("type", "cylinder"), new XAttribute("size", "0.04 0.015"),
                new XAttribute("pos", SceneComposer.F(sx * 0.32, sy * 0.22, 0.04)), new XAttribute("euler", "1.5708 0 0"),
                new XAttribute("contype", 0), new XAttribute("conaffinity", 0), new XAttribute("rgba", "0.05 0.05 0.05 1")));
        }
        cart.Add(StaticBox("cart_handle_post_left", -0.34, 0.2, deck + 0.12, 0.01, 0.01, 0.13, "0.1 0.1 0.1 1"));
        cart.Add(StaticBox("cart_handle_post_right", -0.34, -0.2, deck + 0.12, 0.01, 0.01, 0.13, "0.1 0.1 0.1 1"));
        world.Add(cart);

        // Tote: an open 0.50 × 0.35 × 0.20 m bin, 1.5 kg, resting on the deck (free body).
        const double hx = 0.25, hy = 0.175, hz = 0.1, t = 0.006;
        const string blue = "0.1 0.35 0.75 1";
        var tote = new XElement("body", new XAttribute("name", "tote"), new XAttribute("pos", SceneComposer.F(cx, cy, deck + hz + 0.002)),
            new XElement("freejoint", new XAttribute("name", "tote_free")));
        void Wall(string name, double x, double y, double z, double sx, double sy, double sz, double mass) =>
            tote.Add(new XElement("geom", new XAttribute("name", name), new XAttribute("type", "box"),
                new XAttribute("pos", SceneComposer.F(x, y, z)), new XAttribute("size", SceneComposer.F(sx, sy, sz)),
                new XAttribute("mass", SceneComposer.F(mass)), new XAttribute("contype", 1), new XAttribute("conaffinity", 3),
                new XAttribute("rgba", blue)));
        // Walls start above the bottom plate's underside so only the plate touches the deck
        // (4 contacts instead of 20: contacts are most of the cost of a step).
        const double wz = t, whz = hz - t;
        Wall("tote_bottom", 0, 0, -hz + t, hx, hy, t, 0.5);
        Wall("tote_front", hx - t, 0, wz, t, hy, whz, 0.25);
        Wall("tote_back", -hx + t, 0, wz, t, hy, whz, 0.25);
        Wall("tote_left", 0, hy - t, wz, hx - 2 * t, t, whz, 0.25);
        Wall("tote_right", 0, -hy + t, wz, hx - 2 * t, t, whz, 0.25);
        world.Add(tote);
    }

    private static void AddZones(XElement world)
    {
        // Floor paint: visual only (contype = conaffinity = 0), 1 mm above the floor.
        const double z = 0.001, h = 0.0005;
        const string yellow = "0.95 0.8 0.1 1", green = "0.2 0.7 0.3 1", blue = "0.2 0.45 0.9 1";
        // Walkway edges along x.
        world.Add(StaticBox("zone_walkway_left", 0.5, 0.6, z, 2.5, 0.025, h, yellow, collides: false));
        world.Add(StaticBox("zone_walkway_right", 0.5, -1.35, z, 2.5, 0.025, h, yellow, collides: false));
        // Pick zone in front of the shelf (outline).
        const double px = ShelfX - 0.35, pw = 0.3, pl = ShelfWidth / 2;
        world.Add(StaticBox("zone_pick_front", px - pw, 0, z, 0.02, pl, h, green, collides: false));
        world.Add(StaticBox("zone_pick_back", px + pw, 0, z, 0.02, pl, h, green, collides: false));
        world.Add(StaticBox("zone_pick_left", px, pl, z, pw, 0.02, h, green, collides: false));
        world.Add(StaticBox("zone_pick_right", px, -pl, z, pw, 0.02, h, green, collides: false));
        // Drop zone under the cart.
        world.Add(StaticBox("zone_drop", 0.5, -0.9, z, 0.45, 0.35, h / 2, blue, collides: false));
    }
}
