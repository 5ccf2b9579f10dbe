using System.Globalization;
using Robot.Safety.Audit;

namespace Robot.Safety.Tests.Audit;

/// <summary>
/// Entry point of the test assembly when it runs as a child process (the project sets
/// GenerateProgramFile=false). <c>audit-crash-writer DB RUN</c> appends from 16 concurrent
/// writers until it is killed and prints "ack INDEX WRITER SEQ" for every acknowledged record.
/// </summary>
public static class CrashWriterProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "audit-crash-writer")
        {
            await RunAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
            return 0;
        }
        await Console.Error.WriteLineAsync("Robot.Safety.Tests: run with `dotnet test`; `audit-crash-writer DB RUN` is the crash test's child.");
        return 2;
    }

    /// <summary>The record writer <paramref name="writer"/> appends as its <paramref name="seq"/>-th in run <paramref name="run"/>.</summary>
    public static AuditRecord Record(int run, int writer, int seq) => new(
        AuditTestData.T0.AddSeconds(run).AddTicks(seq * 10), $"writer-{writer}", AuditCategory.Verdict, "verdict.changed",
        "protective_stop", "robot:crash-test", $"robot-{writer}", null, $"{{\"run\":{run},\"writer\":{writer},\"seq\":{seq}}}");

    private static async Task RunAsync(string path, int run)
    {
        var options = new SqliteAuditLogOptions { DatabasePath = path, SignInterval = TimeSpan.FromMilliseconds(100) };
        SqliteAuditLog log = SqliteAuditLog.Open(options);
        var stdout = Console.Out;
        var gate = new Lock();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var writers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (int seq = 0; !stop.IsCancellationRequested; seq++)
            {
                long index = await log.AppendAsync(Record(run, w, seq));
                lock (gate)
                {
                    stdout.WriteLine($"ack {index} {w} {seq}");
                    stdout.Flush();
                }
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await log.DisposeAsync();
    }
}
