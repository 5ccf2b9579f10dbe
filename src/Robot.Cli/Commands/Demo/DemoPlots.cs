using Robot.Runtime.Execution;
using Robot.Runtime.Tasks;
using Robot.Safety.Geofence;
using ScottPlot;

namespace Robot.Cli.Commands.Demo;

/// <summary>One bar of the task timeline: what a task was doing from <see cref="Start"/> to <see cref="End"/>.</summary>
/// <param name="Label">"queued", the phase while underway ("navigate", "check_grasp", …), "blocked", or the final state ("completed").</param>
/// <param name="Start">Seconds since the timeline's origin (wall time).</param>
/// <param name="End">Seconds since the origin; the next change, or the timeline's end for the last interval.</param>
/// <param name="Final">The task's final state (nothing changes after it).</param>
public readonly record struct TaskInterval(string Label, double Start, double End, bool Final);

/// <summary>One lane of the task timeline.</summary>
/// <param name="Title">The task's id and route, as the lane is labelled.</param>
/// <param name="Intervals">Its intervals, oldest first, each ending where the next starts.</param>
public sealed record TaskLane(string Title, IReadOnlyList<TaskInterval> Intervals);

/// <summary>
/// The warehouse demo report's plots (ScottPlot PNGs): the top view of the site with the robot's
/// path (<see cref="PathsFile"/>), the task timeline (<see cref="TasksFile"/>) and the safety
/// verdict timeline (<see cref="VerdictsFile"/>). Site frame, metres; trace times are simulated
/// seconds, task times wall seconds (the task store records wall time).
/// </summary>
public static class DemoPlots
{
    /// <summary>File name of the top view.</summary>
    public const string PathsFile = "paths.png";

    /// <summary>File name of the task timeline.</summary>
    public const string TasksFile = "tasks.png";

    /// <summary>File name of the verdict timeline.</summary>
    public const string VerdictsFile = "verdicts.png";

    private const int Width = 1200, Height = 900;

    /// <summary>Writes the three plots into <paramref name="directory"/>; returns their paths in the order paths, tasks, verdicts.</summary>
    /// <param name="directory">Existing folder; files there of the same names are replaced.</param>
    /// <param name="site">The site: zones and locations.</param>
    /// <param name="trace">The robot's trace, oldest first.</param>
    /// <param name="lanes">The task timeline (<see cref="Lanes"/>).</param>
    public static IReadOnlyList<string> SaveAll(string directory, SiteModel site, IReadOnlyList<SiteTraceSample> trace, IReadOnlyList<TaskLane> lanes)
    {
        string paths = Path.Combine(directory, PathsFile), tasks = Path.Combine(directory, TasksFile), verdicts = Path.Combine(directory, VerdictsFile);
        SavePaths(paths, site, trace);
        SaveTasks(tasks, lanes);
        SaveVerdicts(verdicts, trace);
        return [paths, tasks, verdicts];
    }

    /// <summary>
    /// Top view, site frame, equal axis scale: the zones by kind (keep-out red, speed-limited
    /// amber, shared with people blue, work area grey outline), the slots and totes labelled, the
    /// robot's path (blue empty-handed, orange carrying a box), its start and end.
    /// </summary>
    public static void SavePaths(string path, SiteModel site, IReadOnlyList<SiteTraceSample> trace)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(trace);
        var plot = new Plot();
        var legended = new HashSet<string>(StringComparer.Ordinal);
        foreach (Zone zone in site.Zones.OrderBy(z => z.Kind == ZoneKind.WorkArea ? 0 : 1))
        {
            (Color colour, string legend) = ZoneStyle(zone.Kind);
            var polygon = plot.Add.Polygon([.. zone.Polygon.Shell.Coordinates.Select(c => new Coordinates(c.X, c.Y))]);
            polygon.LineColor = colour;
            polygon.LineWidth = 2;
            polygon.FillColor = zone.Kind == ZoneKind.WorkArea ? Colors.Transparent : colour.WithAlpha(0.25);
            if (legended.Add(legend))
            {
                polygon.LegendText = legend;
            }
            // The work area's name goes in its corner: its centre is where everything else is.
            var at = zone.Kind == ZoneKind.WorkArea
                ? new Coordinates(zone.Polygon.EnvelopeInternal.MinX, zone.Polygon.EnvelopeInternal.MaxY)
                : new Coordinates(zone.Polygon.Centroid.X, zone.Polygon.Centroid.Y);
            var name = plot.Add.Text(zone.Id, at);
            name.LabelFontColor = colour.Darken(0.3);
            name.LabelFontSize = 13;
            name.Alignment = zone.Kind == ZoneKind.WorkArea ? Alignment.UpperLeft : Alignment.MiddleCenter;
        }
        foreach (SiteLocation location in site.Locations.Values.OrderBy(l => l.Id, StringComparer.Ordinal))
        {
            (MarkerShape shape, Color colour, string legend) = location.Kind switch
            {
                SiteLocationKind.Slot => (MarkerShape.FilledSquare, Colors.SaddleBrown, "slot"),
                SiteLocationKind.Tote => (MarkerShape.FilledTriangleUp, Colors.DarkGreen, "tote"),
                _ => (MarkerShape.OpenCircle, Colors.DimGray, "waypoint"),
            };
            var marker = plot.Add.Marker(location.X, location.Y, shape, 12, colour);
            if (legended.Add(legend))
            {
                marker.LegendText = legend;
            }
            var label = plot.Add.Text(location.Id, location.X, location.Y);
            label.LabelFontSize = 11;
            label.LabelFontColor = colour;
            label.Alignment = Alignment.LowerLeft;
            label.OffsetX = 8;
            label.OffsetY = -6;
        }
        // The path in runs of equal "holding", each run sharing its first point with the previous
        // one so the line stays continuous.
        for (int first = 0; first < trace.Count;)
        {
            int last = first;
            while (last + 1 < trace.Count && trace[last + 1].Holding == trace[first].Holding)
            {
                last++;
            }
            int from = Math.Max(0, first - 1), to = Math.Min(trace.Count - 1, last + 1);
            bool holding = trace[first].Holding;
            var run = plot.Add.ScatterLine(
                Enumerable.Range(from, to - from + 1).Select(i => trace[i].X).ToArray(),
                Enumerable.Range(from, to - from + 1).Select(i => trace[i].Y).ToArray(),
                holding ? Colors.DarkOrange : Colors.SteelBlue);
            run.LineWidth = holding ? 3 : 2;
            string legend = holding ? "path, carrying a box" : "path, empty-handed";
            if (legended.Add(legend))
            {
                run.LegendText = legend;
            }
            first = last + 1;
        }
        if (trace.Count > 0)
        {
            plot.Add.Marker(trace[0].X, trace[0].Y, MarkerShape.FilledCircle, 14, Colors.LimeGreen).LegendText = "start";
            plot.Add.Marker(trace[^1].X, trace[^1].Y, MarkerShape.FilledDiamond, 14, Colors.Black).LegendText = "end";
        }
        plot.Title($"Site {site.Name} (version {site.Version}): the robot's path, top view");
        plot.XLabel("x, m (site frame, east)");
        plot.YLabel("y, m (north)");
        plot.ShowLegend(Edge.Right);
        plot.Axes.SquareUnits();
        plot.SavePng(path, Width, Height);
    }

    /// <summary>The task timeline: one lane per task (first on top), a bar per state or phase interval, wall time since the first event.</summary>
    public static void SaveTasks(string path, IReadOnlyList<TaskLane> lanes)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        var plot = new Plot();
        double end = lanes.SelectMany(l => l.Intervals).Select(i => i.End).DefaultIfEmpty(1).Max();
        double minimum = Math.Max(end, 1) / 200; // an instant change still shows as a sliver
        var legend = new Dictionary<string, Color>(StringComparer.Ordinal);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int lane = 0; lane < lanes.Count; lane++)
        {
            double y = lanes.Count - 1 - lane;
            foreach (TaskInterval interval in lanes[lane].Intervals)
            {
                Color colour = IntervalColour(interval.Label);
                var bar = plot.Add.Rectangle(interval.Start, Math.Max(interval.End, interval.Start + minimum), y - 0.35, y + 0.35);
                bar.FillColor = interval.Final ? colour.WithAlpha(0.45) : colour; // the final state lasts to the timeline's end, paler: nothing happens in it
                bar.LineWidth = 0;
                legend.TryAdd(interval.Label, colour);
            }
            ticks.AddMajor(y, lanes[lane].Title);
        }
        foreach (var (label, colour) in legend)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = colour, LineWidth = 0 });
        }
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimits(0, end * 1.02 + minimum, -0.7, Math.Max(lanes.Count, 1) - 0.3);
        plot.Title("Task timeline");
        plot.XLabel("wall time since the first task was submitted, s");
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, Width, Math.Max(360, 160 + 90 * lanes.Count));
    }

    /// <summary>The safety timeline from the trace: the permitted speed scale (0–1) over simulated time, spans where a stop was in force.</summary>
    public static void SaveVerdicts(string path, IReadOnlyList<SiteTraceSample> trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var plot = new Plot();
        var legended = new HashSet<string>(StringComparer.Ordinal);
        // A sample's stop holds from its time to the next sample's.
        for (int first = 0; first < trace.Count;)
        {
            int last = first;
            while (last + 1 < trace.Count && trace[last + 1].Stop == trace[first].Stop)
            {
                last++;
            }
            string stop = trace[first].Stop;
            if (IsStop(stop))
            {
                double to = last + 1 < trace.Count ? trace[last + 1].Time : trace[last].Time + 0.1;
                Color colour = string.Equals(stop, "Settle", StringComparison.Ordinal) ? Colors.Orange : Colors.Red;
                var span = plot.Add.HorizontalSpan(trace[first].Time, to, colour.WithAlpha(0.3));
                span.LineWidth = 0;
                if (legended.Add(stop))
                {
                    span.LegendText = $"stop in force: {stop}";
                }
            }
            first = last + 1;
        }
        var scale = plot.Add.ScatterLine(trace.Select(s => s.Time).ToArray(), trace.Select(s => s.SpeedScale).ToArray(), Colors.SteelBlue);
        scale.LineWidth = 2;
        scale.LegendText = "speed scale (permitted fraction of the maximum speed)";
        bool supervised = trace.Any(s => !string.Equals(s.Stop, "none", StringComparison.Ordinal));
        plot.Title(supervised ? "Safety verdicts" : "Safety verdicts (no supervisor: speed scale 1, no stops)");
        plot.XLabel("simulated time, s");
        plot.YLabel("speed scale");
        plot.Axes.SetLimitsY(-0.05, 1.1);
        if (trace.Count > 1)
        {
            plot.Axes.SetLimitsX(trace[0].Time, trace[^1].Time);
        }
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Width, 500);
    }

    /// <summary>
    /// The timeline of tasks <paramref name="ids"/> from <paramref name="store"/>'s event history
    /// (every change since each task was created, so nothing is missed however late one looks):
    /// one lane per task in the order given, times since the earliest event.
    /// </summary>
    public static IReadOnlyList<TaskLane> Lanes(TaskStore store, IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(ids);
        var tasks = ids.Select(id => (Id: id, Task: store.Get(id), History: store.History(id))).ToList();
        var times = tasks.SelectMany(t => t.History).Select(e => e.Time).ToList();
        if (times.Count == 0)
        {
            return [.. tasks.Select(t => new TaskLane(t.Id, []))];
        }
        DateTimeOffset origin = times.Min(), end = times.Max();
        return [.. tasks.Select(t => new TaskLane(t.Task is { } task ? $"{t.Id} {task.Request.Source}" : t.Id,
            Intervals([.. t.History.Select(e => (e.Time, e.State, e.Phase))], origin, end)))];
    }

    /// <summary>
    /// Turns one task's events (oldest first) into intervals: each event starts an interval that
    /// ends at the next event, the last at <paramref name="end"/>; consecutive events with the same
    /// label (a pick attempt reported within the pick phase) make one interval.
    /// </summary>
    /// <param name="events">The task's changes, oldest first: time, state and phase after each.</param>
    /// <param name="origin">Time 0 of the timeline.</param>
    /// <param name="end">Where the last interval ends (not before its start).</param>
    public static IReadOnlyList<TaskInterval> Intervals(IReadOnlyList<(DateTimeOffset Time, TaskState State, TaskPhase? Phase)> events, DateTimeOffset origin, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(events);
        var intervals = new List<TaskInterval>();
        for (int i = 0; i < events.Count; i++)
        {
            var (time, state, phase) = events[i];
            string label = state == TaskState.Underway && phase is { } p ? p.ToName() : state.ToName();
            double start = (time - origin).TotalSeconds;
            double stop = Math.Max(start, ((i + 1 < events.Count ? events[i + 1].Time : end) - origin).TotalSeconds);
            if (intervals.Count > 0 && intervals[^1].Label == label)
            {
                intervals[^1] = intervals[^1] with { End = stop };
            }
            else
            {
                intervals.Add(new TaskInterval(label, start, stop, state.IsFinal()));
            }
        }
        return intervals;
    }

    private static bool IsStop(string stop) => !string.Equals(stop, "None", StringComparison.OrdinalIgnoreCase);

    private static (Color Colour, string Legend) ZoneStyle(ZoneKind kind) => kind switch
    {
        ZoneKind.KeepOut => (Colors.Red, "keep-out zone"),
        ZoneKind.SpeedLimit => (Colors.Orange, "speed-limited zone"),
        ZoneKind.Shared => (Colors.RoyalBlue, "shared with people"),
        _ => (Colors.Gray, "work area"),
    };

    private static Color IntervalColour(string label) => label switch
    {
        "queued" => Colors.LightGray,
        "underway" => Colors.LightSteelBlue,
        "navigate" => Colors.SteelBlue,
        "approach" => Colors.CadetBlue,
        "pick" => Colors.Orange,
        "check_grasp" => Colors.Gold,
        "carry" => Colors.DarkOrange,
        "place" => Colors.MediumPurple,
        "check" => Colors.Plum,
        "blocked" => Colors.Red,
        "completed" => Colors.ForestGreen,
        "failed" => Colors.DarkRed,
        _ => Colors.DimGray, // canceled, killed
    };
}
