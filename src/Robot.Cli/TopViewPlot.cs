namespace Robot.Cli;

/// <summary>
/// The finish shared by plots seen from above the robot (a walk's footsteps, a push sweep's
/// polar chart): both axes in the same units at the same scale, so that distances and
/// directions on the page are true.
/// </summary>
public static class TopViewPlot
{
    /// <summary>Legend at the upper left, title and axis labels, square units; then the PNG.</summary>
    public static void Save(ScottPlot.Plot plot, string path, int width, int height, string title, string xLabel, string yLabel)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.Axes.SquareUnits();
        plot.SavePng(path, width, height);
    }
}
