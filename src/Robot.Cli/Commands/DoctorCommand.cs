using System.CommandLine;
using Robot.Cli.Doctor;

namespace Robot.Cli.Commands;

/// <summary><c>robot doctor</c>: checks that this machine has everything the product needs.</summary>
[CliVerb]
public static class DoctorCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("doctor", "Check that this machine has everything the product needs (MuJoCo 2.2.2, TorchSharp, socat, …); prints the fix for anything missing.")
        {
            json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            DoctorReport report = MachineChecks.RunAll();
            if (parseResult.GetValue(json))
            {
                output.WriteJson(report);
            }
            else
            {
                Print(report, output.Out);
            }
            return report.Ok ? 0 : 1;
        });
        return command;
    }

    public static void Print(DoctorReport report, TextWriter writer)
    {
        var table = new TextTable("check", "ok", "detail");
        foreach (DoctorCheck check in report.Checks)
        {
            table.AddRow(check.Name, check.Ok ? "yes" : "NO", check.Detail);
        }
        table.WriteTo(writer);
        foreach (DoctorCheck failed in report.Checks.Where(c => !c.Ok))
        {
            writer.WriteLine($"fix {failed.Name}: {failed.Fix}");
        }
        writer.WriteLine(report.Ok ? "All checks passed." : "Some checks failed; run the fix commands above (as root).");
    }
}
