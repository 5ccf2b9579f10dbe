using System.Text.Json;

namespace Robot.Cli.Tests.Commands;

/// <summary>
/// The README's first command, shortened: one pick task at the demo site under the real
/// supervisor on loopback, the MuJoCo humanoid at 3× real time, a person in the shared packing
/// area, the audit log verified. No stand-ins.
/// <para>Whether the task completes is not asserted here: under the supervisor the run depends on
/// wall-clock verdict timing, and the place step still loses the box in some runs (the box hangs
/// below a tote's rim while walking up to it). Completion is asserted deterministically, without
/// the supervisor's wall clock, by <c>RunSiteCommandTests</c> and <c>SimPickTaskExecutorTests</c>.</para>
/// </summary>
public class WarehouseDemoTests
{
    [Fact]
    public void Demo_OneTask_RunsUnderTheSupervisor_NoFall_TheAuditLogVerifies_TheReportIsWritten()
    {
        string dir = Directory.CreateTempSubdirectory("warehouse-demo-").FullName;
        try
        {
            var (code, stdout, stderr) = CliRunner.Run("demo", "--tasks", "1", "--speed", "3", "--out", dir, "--json");

            Assert.True(code is 0 or 1, stderr);
            using JsonDocument json = JsonDocument.Parse(stdout);
            JsonElement r = json.RootElement;
            Assert.Equal(1, r.GetProperty("tasksCompleted").GetInt32() + r.GetProperty("tasksFailed").GetInt32());
            Assert.Equal(code == 0, r.GetProperty("tasksCompleted").GetInt32() == 1);
            Assert.True(r.GetProperty("auditVerified").GetBoolean());
            Assert.False(r.GetProperty("fell").GetBoolean());
            Assert.True(File.Exists(r.GetProperty("reportPath").GetString()));
            Assert.True(File.Exists(r.GetProperty("auditPath").GetString()));
            Assert.Contains("a person entered the packing area", r.GetProperty("personEvents")[0].GetString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
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
