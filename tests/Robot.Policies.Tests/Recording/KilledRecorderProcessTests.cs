using System.Diagnostics;
using Robot.Policies.Datasets;
using Robot.Policies.Tests.Datasets;

namespace Robot.Policies.Tests.Recording;

/// <summary>
/// A recording process killed with SIGKILL in the middle of an episode leaves a dataset that validates
/// and holds every finished episode; resuming continues it.
/// </summary>
public class KilledRecorderProcessTests
{
    private static Process StartChild(string dir, int episodes, int frames, bool resume)
    {
        string dll = typeof(RecorderChildProgram).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "exec", dll, "record-child", dir, episodes.ToString(), frames.ToString(), resume ? "resume" : "new" })
        {
            psi.ArgumentList.Add(arg);
        }
        return Process.Start(psi)!;
    }

    /// <summary>Reads the child's stdout until a line satisfies <paramref name="done"/>; fails after the timeout.</summary>
    private static async Task<List<string>> ReadUntilAsync(Process child, Func<string, bool> done, TimeSpan timeout)
    {
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            string? line = await child.StandardOutput.ReadLineAsync(cts.Token);
            if (line is null)
            {
                string err = await child.StandardError.ReadToEndAsync(CancellationToken.None);
                Assert.Fail($"child exited early ({string.Join(" | ", lines)}): {err}");
            }
            lines.Add(line);
            if (done(line))
            {
                return lines;
            }
        }
    }

    [Fact]
    public async Task KilledMidEpisode_DatasetValidatesWithEveryFinishedEpisode_AndResumes()
    {
        using var dir = new TempDir();
        string root = dir.Sub("ds");
        using (Process child = StartChild(root, episodes: 3, frames: 60, resume: false))
        {
            try
            {
                List<string> lines = await ReadUntilAsync(child, l => l.StartsWith("recording 3 40", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
                Assert.Contains("saved 2", lines);
            }
            finally
            {
                child.Kill(entireProcessTree: true); // SIGKILL: no finally blocks, no flush in the child
                await child.WaitForExitAsync();
            }
        }

        ValidationReport report = await DatasetValidator.ValidateAsync(root);
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
        LeRobotDataset ds = await LeRobotDataset.OpenAsync(root);
        Assert.Equal(3, ds.Info.TotalEpisodes);
        Assert.Equal(180, ds.Info.TotalFrames);
        EpisodeFrames last = await ds.ReadEpisodeAsync(2);
        Assert.Equal(60, last.Length);

        // A second process resumes the dataset and is killed the same way: 3 + 2 finished episodes.
        using (Process child = StartChild(root, episodes: 2, frames: 30, resume: true))
        {
            try
            {
                List<string> lines = await ReadUntilAsync(child, l => l.StartsWith("recording 5 20", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
                Assert.Equal(["saved 3", "saved 4"], lines.Where(l => l.StartsWith("saved", StringComparison.Ordinal)));
            }
            finally
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }
        }
        report = await DatasetValidator.ValidateAsync(root);
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
        ds = await LeRobotDataset.OpenAsync(root);
        Assert.Equal(5, ds.Info.TotalEpisodes);
        Assert.Equal(240, ds.Info.TotalFrames);
        Assert.Equal(180, ds.Episodes[3].DatasetFromIndex);
        Assert.Equal(240, ds.Stats![LeRobotFormat.Action].Count);
    }
}
