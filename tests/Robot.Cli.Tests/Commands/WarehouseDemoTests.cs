using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

/// <summary>
/// The README's first command, shortened for CI: one pick task at the demo site under the real
/// supervisor on loopback (SQLite audit log), in a process of its own as a user runs it (its
/// verdict ages are wall time: it must not share the test host's thread pool), the MuJoCo humanoid
/// paced at real time, a person in the shared packing area, tasks over RobotService, the audit
/// log verified, the report with its plots and the telemetry written, and the emergency stop
/// pressed, the robot standing on its brakes, reset, resumed and re-armed. No stand-ins. And
/// <c>robot demo</c>'s bad flags.
/// <para>Whether the task completes is not asserted here, only that the exit code says it: under
/// the supervisor's wall-clock verdicts a loaded machine perturbs the run (a stale verdict holds
/// the robot, then it resumes), and the place step still misses the tote in some of those runs
/// (issue 12). Completion is asserted deterministically, without wall-clock timing, by
/// <c>RunSiteCommandTests</c> (robot run + task submit over gRPC) and <c>SimPickTaskExecutorTests</c>.</para>
/// </summary>
public class WarehouseDemoTests
{
    [Fact]
    public void Demo_OneTask_RunsToAFinalStateUnderTheSupervisor_AuditVerifies_ReportPlotsAndTelemetryWritten()
    {
        string dir = Directory.CreateTempSubdirectory("warehouse-demo-").FullName;
        try
        {
            var (code, stdout, stderr) = CliProcess.Run(TimeSpan.FromMinutes(9), "demo", "--tasks", "1", "--speed", "1", "--out", dir, "--json");

            Assert.True(code is 0 or 1, stderr);
            using JsonDocument json = JsonDocument.Parse(stdout);
            JsonElement r = json.RootElement;
            int completed = r.GetProperty("tasksCompleted").GetInt32();
            Assert.Equal(1, completed + r.GetProperty("tasksFailed").GetInt32());
            Assert.Equal(code == 0, completed == 1);
            string task = Assert.Single(r.GetProperty("tasks").EnumerateArray()).GetString()!;
            Assert.Matches(@"\| (completed|failed) \|", task);
            Assert.True(r.GetProperty("auditVerified").GetBoolean());
            string report = File.ReadAllText(r.GetProperty("reportPath").GetString()!);
            foreach (JsonElement plot in r.GetProperty("plots").EnumerateArray())
            {
                Assert.True(new FileInfo(plot.GetString()!).Length > 10_000, plot.GetString());
                Assert.Contains(Path.GetFileName(plot.GetString()!), report, StringComparison.Ordinal);
            }
            Assert.True(r.GetProperty("telemetryMessages").GetInt64() > 1000);
            Assert.True(File.Exists(r.GetProperty("telemetryPath").GetString()));
            Assert.NotEmpty(r.GetProperty("personEvents").EnumerateArray());
            // The emergency stop while t-1 walked: torque off on brakes, standing; reset, resume, re-armed.
            string[] estop = [.. r.GetProperty("eStopEvents").EnumerateArray().Select(e => e.GetString()!)];
            Assert.Contains(estop, e => e.Contains("the brakes hold it standing", StringComparison.Ordinal));
            Assert.Contains(estop, e => e.StartsWith("the operator re-armed the robot: power on", StringComparison.Ordinal));
            Assert.Contains("## The emergency stop", report, StringComparison.Ordinal);
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
