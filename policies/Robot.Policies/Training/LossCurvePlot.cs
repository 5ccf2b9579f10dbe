namespace Robot.Policies.Training;

/// <summary>The loss curve of a training run as a PNG (ScottPlot): training loss and validation L1 against step, log10 scale.</summary>
public static class LossCurvePlot
{
    /// <summary>File name beside the weights.</summary>
    public const string FileName = "loss_curve.png";

    /// <summary>Draws <paramref name="history"/> into <paramref name="path"/> (900 × 500 px).</summary>
    public static void Save(string path, IReadOnlyList<LossPoint> history, string title)
    {
        ArgumentNullException.ThrowIfNull(history);
        var plot = new ScottPlot.Plot();
        double[] steps = [.. history.Select(h => (double)h.Step)];
        // log10 because the loss falls over orders of magnitude; ScottPlot 5 plots log scales as log-transformed data.
        var train = plot.Add.Scatter(steps, [.. history.Select(h => Math.Log10(Math.Max(h.TrainLoss, 1e-9)))]);
        train.LegendText = "training loss";
        var trainL1 = plot.Add.Scatter(steps, [.. history.Select(h => Math.Log10(Math.Max(h.TrainL1, 1e-9)))]);
        trainL1.LegendText = "training L1";
        if (history.Any(h => double.IsFinite(h.ValidationL1)))
        {
            var validation = plot.Add.Scatter(steps, [.. history.Select(h => double.IsFinite(h.ValidationL1) ? Math.Log10(Math.Max(h.ValidationL1, 1e-9)) : double.NaN)]);
            validation.LegendText = "validation L1 (held-out episodes)";
        }
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Title(title);
        plot.XLabel("optimiser step");
        plot.YLabel("log10 loss (normalised units)");
        plot.SavePng(path, 900, 500);
    }
}
