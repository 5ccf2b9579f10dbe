using Robot.Sim.MuJoCo;

namespace Robot.Sim.Tests;

public class WarehouseSceneTests
{
    [Fact]
    public void SameSeed_SameScene_OtherSeed_OtherBoxes()
    {
        var a = WarehouseScene.Generate(new WarehouseSceneOptions { Seed = 5 });
        var b = WarehouseScene.Generate(new WarehouseSceneOptions { Seed = 5 });
        var c = WarehouseScene.Generate(new WarehouseSceneOptions { Seed = 6 });
        Assert.Equal(a.Xml, b.Xml);
        Assert.NotEqual(a.Boxes, c.Boxes);
    }

    [Fact]
    public void Boxes_StayWithinTheConfiguredRanges_AndRestOnTheShelves()
    {
        var options = new WarehouseSceneOptions { Seed = 3, BoxCount = 9, BoxSizeMin = 0.1, BoxSizeMax = 0.2, BoxMassMin = 1, BoxMassMax = 3, ShelfLevels = 3 };
        var scene = WarehouseScene.Generate(options);
        Assert.Equal(9, scene.Boxes.Count);
        Assert.Equal(3, scene.Boxes.Select(b => b.Level).Distinct().Count());
        foreach (WarehouseBox box in scene.Boxes)
        {
            Assert.InRange(box.Mass, 1, 3);
            foreach (double s in new[] { box.SizeX, box.SizeY, box.SizeZ })
            {
                Assert.InRange(s, 0.04, 0.2);
            }
            Assert.InRange(box.Y, -WarehouseScene.ShelfWidth / 2, WarehouseScene.ShelfWidth / 2);
        }
        using var sim = MjSimulation.LoadXmlString(scene.Xml, "scene.xml");
        for (int i = 0; i < 1000; i++)
        {
            sim.Step();
        }
        // After 1 s every box still sits on its board (nothing fell or exploded).
        foreach (WarehouseBox box in scene.Boxes)
        {
            int body = sim.RequireId(MjObject.Body, box.Name);
            Assert.InRange(sim.Xpos[3 * body + 2], box.Z - 0.01, box.Z + 0.001);
            Assert.Equal(box.Mass, sim.BodyMass[body], 9);
        }
    }

    [Fact]
    public void Scene_HasShelfCartToteAndVisualZones_AndTheRobotFirst()
    {
        var scene = WarehouseScene.Generate(new WarehouseSceneOptions { Seed = 1 });
        using var sim = MjSimulation.LoadXmlString(scene.Xml, "scene.xml");
        Assert.True(sim.IdOf(MjObject.Geom, "shelf_board_1") >= 0);
        Assert.True(sim.IdOf(MjObject.Body, "cart") >= 0);
        int tote = sim.RequireId(MjObject.Body, "tote");
        Assert.True(sim.BodyMass[tote] > 1);
        int zone = sim.RequireId(MjObject.Geom, "zone_pick_front");
        Assert.True(zone >= 0);
        Assert.Equal(0, HumanoidModel.Bind(sim).BaseQposAdr);
        // Visual zones never collide: after settling no contact involves a zone geom.
        for (int i = 0; i < 200; i++)
        {
            sim.Step();
        }
        for (int i = 0; i < sim.ContactCount; i++)
        {
            MjContact c = sim.Contact(i);
            Assert.DoesNotContain("zone_", sim.Name(MjObject.Geom, c.Geom1), StringComparison.Ordinal);
            Assert.DoesNotContain("zone_", sim.Name(MjObject.Geom, c.Geom2), StringComparison.Ordinal);
        }
        // The tote rests on the cart.
        Assert.Equal(0.55 + 0.1, sim.Xpos[3 * tote + 2], 2);
    }

    [Fact]
    public void InvalidOptions_ListEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => WarehouseScene.Generate(new WarehouseSceneOptions { BoxCount = -1, BoxMassMin = 0, ShelfLevels = 1 }));
        Assert.Contains("box count -1 must be 0–24", e.Message, StringComparison.Ordinal);
        Assert.Contains("box mass range", e.Message, StringComparison.Ordinal);
        Assert.Contains("shelf levels 1 must be 2–4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_RejectsANonMjcfRobot()
    {
        Assert.Throws<System.Xml.XmlException>(() => SceneComposer.FlatGround("<robot/>"));
        Assert.Throws<System.Xml.XmlException>(() => SceneComposer.FlatGround("not xml"));
    }
}
