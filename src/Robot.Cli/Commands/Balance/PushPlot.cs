using Robot.Runtime.Scenarios;

namespace Robot.Cli.Commands.Balance;

/// <summary>
/// Polar chart of a push sweep as a PNG (ScottPlot): per direction the impulse recovered, against
/// the 0-step bound, the 1-step bound (Koolen) and the 1-step bound for a step our legs can take.
/// Drawn on Cartesian axes (impulse × direction), so that 0° (forward) points right and 90° (left) up,
/// as seen from above the robot.
/// </summary>
public static class PushPlot
{
    /// <summary>Draws <paramref name="result"/> into <paramref name="path"/> (900 × 900 px).</summary>
    public static void Save(string path, PushResult result, string title)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new ScottPlot.Plot();
        var rows = result.Directions;
        double outer = rows.Max(d => Math.Max(d.OneStepBoundNs, d.FailedImpulseNs ?? d.RecoveredImpulseNs));
        double ring = outer > 25 ? 10 : 5;
        for (double r = ring; r <= outer + ring; r += ring)
        {
            var circle = plot.Add.Circle(0, 0, r);
            circle.LineColor = ScottPlot.Colors.Gray.WithAlpha(0.4);
            var label = plot.Add.Text($"{r:F0} N·s", r * Math.Cos(Math.PI / 8), r * Math.Sin(Math.PI / 8));
            label.LabelFontColor = ScottPlot.Colors.Gray;
        }
        for (int k = 0; k < 8; k++)
        {
            double a = k * Math.PI / 4;
            var spoke = plot.Add.Line(0, 0, (outer + ring) * Math.Cos(a), (outer + ring) * Math.Sin(a));
            spoke.LineColor = ScottPlot.Colors.Gray.WithAlpha(0.4);
            plot.Add.Text($"{k * 45}°", (outer + ring) * Math.Cos(a), (outer + ring) * Math.Sin(a));
        }
        Curve(plot, rows, d => d.ZeroStepBoundNs, ScottPlot.Colors.Gray, "0-step bound", dashed: true);
        Curve(plot, rows, d => d.OneStepBoundNs, ScottPlot.Colors.Black, "1-step bound (Koolen)", dashed: true);
        Curve(plot, rows, d => d.ReachableOneStepBoundNs, ScottPlot.Colors.DarkOrange, "1-step bound, reachable step", dashed: true);
        Curve(plot, rows, d => d.RecoveredImpulseNs, ScottPlot.Colors.SteelBlue, "recovered", dashed: false);
        TopViewPlot.Save(plot, path, 900, 900, title, "forward impulse, N·s", "leftward impulse, N·s");
    }

    /// <summary>A closed curve through one value per direction (a single direction: a point on its spoke).</summary>
    private static void Curve(ScottPlot.Plot plot, IReadOnlyList<PushDirectionResult> rows, Func<PushDirectionResult, double> value,
        ScottPlot.Color colour, string legend, bool dashed)
    {
        var points = rows.Select(d => (A: d.DirectionDeg * Math.PI / 180, R: value(d))).ToList();
        if (points.Count > 1)
        {
            points.Add(points[0]);
        }
        var scatter = plot.Add.Scatter(points.Select(p => p.R * Math.Cos(p.A)).ToArray(), points.Select(p => p.R * Math.Sin(p.A)).ToArray());
        scatter.Color = colour;
        scatter.LegendText = legend;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 6;
        if (dashed)
        {
            scatter.LinePattern = ScottPlot.LinePattern.Dashed;
        }
    }
}
