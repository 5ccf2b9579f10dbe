using Robot.Control.Locomotion;
using Robot.Runtime.Scenarios;

namespace Robot.Cli.Commands.Locomotion;

/// <summary>
/// Top view of a walk as a PNG (ScottPlot): the planned footsteps as sole outlines, the ZMP
/// reference, the measured CoM and DCM paths, and the keep-out zones, in the start's frame.
/// </summary>
public static class WalkPlot
{
    /// <summary>Sole outline size, m (the model's 0.18 × 0.06 m feet).</summary>
    private const double SoleLength = 0.18, SoleWidth = 0.06;

    /// <summary>Draws the walk into <paramref name="path"/> (1000 × 800 px).</summary>
    /// <param name="path">PNG file to write.</param>
    /// <param name="steps">Planned footsteps.</param>
    /// <param name="samples">Samples of the walk.</param>
    /// <param name="zones">Keep-out zones.</param>
    /// <param name="title">Plot title.</param>
    public static void Save(string path, IReadOnlyList<Footstep> steps, IReadOnlyList<WalkSample> samples, IReadOnlyList<KeepOutZone> zones, string title)
    {
        var plot = new ScottPlot.Plot();
        foreach (KeepOutZone zone in zones)
        {
            var polygon = plot.Add.Polygon([.. zone.Vertices.Select(v => new ScottPlot.Coordinates(v.X, v.Y))]);
            polygon.FillColor = ScottPlot.Colors.Red.WithAlpha(0.25);
            polygon.LineColor = ScottPlot.Colors.Red;
        }
        foreach (Footstep step in steps)
        {
            var outline = plot.Add.Polygon([.. Corners(step.Pose)]);
            ScottPlot.Color colour = step.Side == FootSide.Left ? ScottPlot.Colors.SteelBlue : ScottPlot.Colors.DarkOrange;
            outline.FillColor = colour.WithAlpha(0.2);
            outline.LineColor = colour;
        }
        if (samples.Count > 0)
        {
            var zmp = plot.Add.Scatter(samples.Select(s => s.ZmpRefX).ToArray(), samples.Select(s => s.ZmpRefY).ToArray());
            zmp.LegendText = "ZMP reference";
            zmp.MarkerSize = 0;
            var com = plot.Add.Scatter(samples.Select(s => s.TrueComX).ToArray(), samples.Select(s => s.TrueComY).ToArray());
            com.LegendText = "CoM (simulation)";
            com.MarkerSize = 0;
            var dcm = plot.Add.Scatter(samples.Select(s => s.DcmX).ToArray(), samples.Select(s => s.DcmY).ToArray());
            dcm.LegendText = "DCM (estimated)";
            dcm.MarkerSize = 0;
        }
        TopViewPlot.Save(plot, path, 1000, 800, title, "x, m (start frame)", "y, m");
    }

    private static IEnumerable<ScottPlot.Coordinates> Corners(Pose2 sole)
    {
        foreach (var (f, l) in new[] { (1, 1), (-1, 1), (-1, -1), (1, -1) })
        {
            Pose2 corner = sole.Offset(f * SoleLength / 2, l * SoleWidth / 2);
            yield return new ScottPlot.Coordinates(corner.X, corner.Y);
        }
    }
}
