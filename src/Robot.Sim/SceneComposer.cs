using System.Globalization;
using System.Xml.Linq;

namespace Robot.Sim;

/// <summary>
/// Composes MJCF documents as text: the robot file's sections are copied verbatim into a new
/// document and scene sections are appended after them (MJCF allows repeated sections). MuJoCo
/// 2.2.2 resolves &lt;include&gt; only relative to the main file's folder, so composing text
/// keeps the robot file reusable alone and lets the scene live in memory or in any folder.
/// The robot's bodies come first, so its free joint is qpos[0..7] and its joints follow.
/// </summary>
public static class SceneComposer
{
    /// <summary>Floor geom shared by every scene: world contype 1 / conaffinity 3 (collides with the robot and objects).</summary>
    public static XElement Floor(double halfSize = 6) =>
        new("geom", new XAttribute("name", "floor"), new XAttribute("type", "plane"),
            new XAttribute("size", F(halfSize, halfSize, 0.05)), new XAttribute("contype", 1), new XAttribute("conaffinity", 3),
            new XAttribute("friction", "1 0.005 0.0001"), new XAttribute("rgba", "0.55 0.56 0.58 1"));

    /// <summary>
    /// Returns a document named <paramref name="modelName"/> holding every section of
    /// <paramref name="robotXml"/> then <paramref name="sceneSections"/> (e.g. a &lt;worldbody&gt;).
    /// </summary>
    /// <exception cref="System.Xml.XmlException">The robot text is not XML.</exception>
    public static string Compose(string robotXml, string modelName, params XElement[] sceneSections)
    {
        XDocument robot = XDocument.Parse(robotXml);
        XElement root = robot.Root ?? throw new System.Xml.XmlException("the robot MJCF has no root element");
        if (root.Name.LocalName != "mujoco")
        {
            throw new System.Xml.XmlException($"the robot MJCF's root element is <{root.Name.LocalName}>, expected <mujoco>");
        }
        var scene = new XElement("mujoco", new XAttribute("model", modelName));
        scene.Add(new XComment($" composed by Robot.Sim.SceneComposer from the robot model '{(string?)root.Attribute("model")}' "));
        foreach (XElement section in root.Elements())
        {
            scene.Add(new XElement(section));
        }
        foreach (XElement section in sceneSections)
        {
            scene.Add(section);
        }
        return new XDocument(scene).ToString();
    }

    /// <summary>The robot standing on a plain floor: the smallest scene for balance and idle runs.</summary>
    public static string FlatGround(string robotXml) =>
        Compose(robotXml, "humanoid_flat_ground", new XElement("worldbody", Floor()));

    /// <summary>Formats numbers for MJCF attributes (invariant culture, round-trip precision).</summary>
    public static string F(params double[] values) =>
        string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
