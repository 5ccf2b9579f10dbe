using System.Diagnostics;
using System.Globalization;
using Robot.Safety.Audit;

namespace Robot.Safety.Tests.Audit;

/// <summary>
/// A writer process killed (SIGKILL) at random moments, again and again: afterwards the log
/// verifies and holds every record the writer was told was durable.
/// </summary>
public class SqliteAuditLogCrashTests
{
    private const int Kills = 6;

    [Fact]
    public async Task WriterKilledRepeatedly_LogVerifies_AndEveryAcknowledgedRecordIsThere()
    {
        using var dir = new TempDir();
        string path = dir.File("crash.db");
        var acknowledged = new Dictionary<long, (int Run, int Writer, int Seq)>();
        var random = new Random(9);
        for (int run = 0; run < Kills; run++)
        {
            List<string> lines = await RunAndKillAsync(path, run, killAfterAcks: random.Next(20, 3000), extraDelayMs: random.Next(0, 50));
            foreach (string line in lines)
            {
                string[] parts = line.Split(' ');
                if (parts.Length != 4 || parts[0] != "ack")
                {
                    continue; // a line cut by the kill
                }
                long index = long.Parse(parts[1], CultureInfo.InvariantCulture);
                Assert.True(acknowledged.TryAdd(index, (run, int.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture))),
                    $"index {index} acknowledged twice");
            }
        }
        Assert.True(acknowledged.Count > Kills * 20, $"only {acknowledged.Count} acknowledgements");

        using TreeHeadKey key = TreeHeadKey.Load(TreeHeadKey.DefaultPathFor(path));
        using AuditLogFile file = AuditLogFile.Open(path);
        AuditVerificationReport report = file.Verify(key);
        Assert.True(report.Ok, string.Join(" | ", report.Problems.Select(p => p.Message)));
        Assert.True(report.SignedHeads > 0);
        foreach (var (index, (run, writer, seq)) in acknowledged)
        {
            AuditEntry? entry = file.Get(index);
            Assert.True(entry is not null, $"acknowledged record {index} is missing");
            Assert.Equal(CrashWriterProgram.Record(run, writer, seq), entry.Record);
        }
        // Reopening after the last kill continues the same tree.
        await using SqliteAuditLog log = SqliteAuditLog.Open(new SqliteAuditLogOptions { DatabasePath = path, SignInterval = null });
        Assert.Equal(report.RecordCount, await log.AppendAsync(CrashWriterProgram.Record(99, 0, 0)));
    }

    private static async Task<List<string>> RunAndKillAsync(string path, int run, int killAfterAcks, int extraDelayMs)
    {
        string assembly = typeof(CrashWriterProgram).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])[assembly, "audit-crash-writer", path, run.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task errors = process.StandardError.ReadToEndAsync();
        Task reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                    if (lines.Count >= killAfterAcks)
                    {
                        enough.TrySetResult();
                    }
                }
            }
            enough.TrySetResult();
        });
        Task finished = await Task.WhenAny(enough.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        await Task.Delay(extraDelayMs);
        process.Kill(entireProcessTree: true); // SIGKILL: no flush, no dispose, no final head
        await process.WaitForExitAsync();
        await reading;
        string stderr = await (Task<string>)errors;
        lock (lines)
        {
            Assert.True(lines.Count > 0 || finished != enough.Task, $"run {run}: the writer printed nothing; stderr: {stderr}");
            return [.. lines];
        }
    }
}
