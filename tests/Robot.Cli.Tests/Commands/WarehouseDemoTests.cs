using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

/// <summary>
/// The README's first command, shortened for CI: one pick task at the demo site under the real
/// supervisor on loopback (SQLite audit log), in a process of its own as a user runs it (its
/// verdict ages are wall time: it must not share the test host's thread pool), the MuJoCo humanoid
/// paced at real time, a person in the shared packing area, tasks over RobotService, the audit
/// log verified, the report with its plots and the telemetry written. No stand-ins. And
/// <c>robot demo</c>'s bad flags.
/// </summary>
public class WarehouseDemoTests
{
    [Fact]
    public void Demo_OneTask_CompletesWithoutAFall_AuditVerifies_ReportPlotsAndTelemetryWritten()
    {
        string dir = Directory.CreateTempSubdirectory("warehouse-demo-").FullName;
        try
        {
            var (code, stdout, stderr) = CliProcess.Run(TimeSpan.FromMinutes(9), "demo", "--tasks", "1", "--speed", "1", "--out", dir, "--json");

            Assert.True(code == 0, stderr);
            using JsonDocument json = JsonDocument.Parse(stdout);
            JsonElement r = json.RootElement;
            Assert.Equal(1, r.GetProperty("tasksCompleted").GetInt32());
            Assert.Equal(0, r.GetProperty("tasksFailed").GetInt32());
            Assert.True(r.GetProperty("auditVerified").GetBoolean());
            Assert.False(r.GetProperty("fell").GetBoolean());
            string report = File.ReadAllText(r.GetProperty("reportPath").GetString()!);
            Assert.Contains("completed", report, StringComparison.Ordinal);
            foreach (JsonElement plot in r.GetProperty("plots").EnumerateArray())
            {
                Assert.True(new FileInfo(plot.GetString()!).Length > 10_000, plot.GetString());
                Assert.Contains(Path.GetFileName(plot.GetString()!), report, StringComparison.Ordinal);
            }
            Assert.True(r.GetProperty("telemetryMessages").GetInt64() > 1000);
            Assert.True(File.Exists(r.GetProperty("telemetryPath").GetString()));
            Assert.NotEmpty(r.GetProperty("personEvents").EnumerateArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("--tasks", "4")]
    [InlineData("--speed", "0")]
    public void Demo_BadFlag_Exit2NamingIt(string flag, string value)
    {
        var (code, _, stderr) = CliRunner.Run("demo", flag, value);
        Assert.Equal(2, code);
        Assert.Contains($"{flag} {value}", stderr, StringComparison.Ordinal);
    }
}
