using System.Buffers.Binary;
using Robot.Cli.Commands.Demo;
using Robot.Runtime.Execution;
using Robot.Runtime.Tasks;
using Robot.Runtime.Tests.Tasks;
using Robot.Safety.Geofence;

namespace Robot.Cli.Tests.Commands.Demo;

/// <summary>The warehouse demo report's plots, from a synthetic trace on the demo site, and the task timeline from the task store's history.</summary>
public sealed class DemoPlotsTests : IDisposable
{
    private static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string _dir = Directory.CreateTempSubdirectory("demo-plots-").FullName;

    [Fact]
    public void SaveAll_SyntheticTraceOnTheDemoSite_WritesThreeValidPngs()
    {
        SiteModel site = SiteFileParser.Load(Path.Combine(AppContext.BaseDirectory, "site.demo.yaml"));
        TaskLane[] lanes =
        [
            new("t-1 shelf-a/l1/s1", [new("queued", 0, 0.5, false), new("navigate", 0.5, 12, false), new("carry", 12, 30, false), new("completed", 30, 40, true)]),
            new("t-2 shelf-a/l1/s2", [new("queued", 0.2, 30, false), new("navigate", 30, 38, false), new("blocked", 38, 40, false)]),
        ];

        IReadOnlyList<string> files = DemoPlots.SaveAll(_dir, site, SyntheticTrace(), lanes);

        Assert.Equal([DemoPlots.PathsFile, DemoPlots.TasksFile, DemoPlots.VerdictsFile], files.Select(Path.GetFileName));
        foreach (string file in files)
        {
            byte[] png = File.ReadAllBytes(file);
            Assert.True(png.Length > 10_000, $"{file}: {png.Length} bytes, expected a drawn plot");
            Assert.Equal(s_pngSignature, png[..8]);
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
            Assert.Equal(1200, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
            Assert.InRange(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)), 300, 1000);
        }
    }

    [Fact]
    public void Intervals_OneTasksEvents_ContiguousBarsInOrder_RepeatedLabelsMerged()
    {
        DateTimeOffset t0 = DateTimeOffset.UnixEpoch.AddDays(20_000);
        (DateTimeOffset, TaskState, TaskPhase?)[] events =
        [
            (t0.AddSeconds(1), TaskState.Queued, null),
            (t0.AddSeconds(2), TaskState.Underway, null),
            (t0.AddSeconds(2.5), TaskState.Underway, TaskPhase.Navigate),
            (t0.AddSeconds(10), TaskState.Underway, TaskPhase.Pick),
            (t0.AddSeconds(11), TaskState.Underway, TaskPhase.Pick), // attempt 2: the same bar
            (t0.AddSeconds(15), TaskState.Underway, TaskPhase.Carry),
            (t0.AddSeconds(17), TaskState.Blocked, TaskPhase.Carry),
            (t0.AddSeconds(20), TaskState.Underway, TaskPhase.Carry),
            (t0.AddSeconds(25), TaskState.Completed, TaskPhase.Check),
        ];

        IReadOnlyList<TaskInterval> bars = DemoPlots.Intervals(events, t0, t0.AddSeconds(30));

        Assert.Equal(["queued", "underway", "navigate", "pick", "carry", "blocked", "carry", "completed"], bars.Select(b => b.Label));
        Assert.Equal([1, 2, 2.5, 10, 15, 17, 20, 25], bars.Select(b => b.Start));
        Assert.Equal([2, 2.5, 10, 15, 17, 20, 25, 30], bars.Select(b => b.End));
        Assert.Equal([false, false, false, false, false, false, false, true], bars.Select(b => b.Final));
    }

    [Fact]
    public async Task Lanes_TwoTasksRunByTheManager_EachFromItsSubmissionToItsFinalState()
    {
        TaskSubmission first, second;
        IReadOnlyList<TaskLane> lanes;
        await using (var bench = new TaskTestBench())
        {
            first = await bench.SubmitAsync("box-1");
            second = await bench.SubmitAsync("box-2", key: "k2"); // queued while the first runs, or right after
            await bench.WaitForAsync(first.Task.Id, TaskState.Completed);
            await bench.WaitForAsync(second.Task.Id, TaskState.Completed);
            await bench.Manager.DisposeAsync();
            using TaskStore store = TaskStore.Open(bench.StorePath);
            lanes = DemoPlots.Lanes(store, [first.Task.Id, second.Task.Id]);
        }

        Assert.Equal([$"{first.Task.Id} shelf-a/l1/s1", $"{second.Task.Id} shelf-a/l1/s1"], lanes.Select(l => l.Title));
        string[] phases = ["navigate", "approach", "pick", "check_grasp", "carry", "place", "check"];
        foreach (TaskLane lane in lanes)
        {
            IReadOnlyList<TaskInterval> bars = lane.Intervals;
            Assert.Equal("queued", bars[0].Label);
            Assert.Equal(phases, bars.Select(b => b.Label).Where(phases.Contains));
            Assert.Equal("completed", bars[^1].Label);
            Assert.True(bars[^1].Final);
            Assert.All(bars.Zip(bars.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
            Assert.All(bars, b => Assert.True(b.Start >= 0 && b.End >= b.Start, $"{b}"));
        }
        Assert.Equal(0, lanes[0].Intervals[0].Start); // the earliest event is the timeline's origin
        Assert.True(lanes[1].Intervals[^1].Start >= lanes[0].Intervals[^1].Start, "the second task ends after the first");
    }

    /// <summary>
    /// 60 s on the demo site at 10 Hz: start to slot s1, pick, carry to the tote with a protective
    /// stop (Settle) and a slow-down on the way, place.
    /// </summary>
    private static List<SiteTraceSample> SyntheticTrace()
    {
        (double X, double Y)[] waypoints = [(1.5, 2.0), (3.0, 6.4), (3.0, 6.4), (7.5, 3.0), (9.4, 2.0), (9.4, 2.0)];
        var trace = new List<SiteTraceSample>();
        for (int k = 0; k <= 600; k++)
        {
            double t = k * 0.1, u = t / 60 * (waypoints.Length - 1);
            int i = Math.Min((int)u, waypoints.Length - 2);
            double f = u - i;
            double x = waypoints[i].X + f * (waypoints[i + 1].X - waypoints[i].X), y = waypoints[i].Y + f * (waypoints[i + 1].Y - waypoints[i].Y);
            bool holding = t is > 20 and < 55;
            string stop = t is > 35 and < 40 ? "Settle" : "None";
            double scale = stop == "Settle" ? 0 : t is > 30 and < 45 ? 0.53 : 1;
            trace.Add(new SiteTraceSample(t, x, y, 0, holding ? "carry to tote-1" : "navigate", stop, scale, holding));
        }
        return trace;
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
