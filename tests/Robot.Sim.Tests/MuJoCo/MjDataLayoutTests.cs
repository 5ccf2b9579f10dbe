using System.Diagnostics;
using System.Reflection;
using Robot.Sim.MuJoCo;

namespace Robot.Sim.Tests.MuJoCo;

/// <summary>
/// Proves every offset constant in MjDataLayout against the installed MuJoCo headers by
/// compiling a C program that prints offsetof() for each one.
/// </summary>
public class MjDataLayoutTests
{
    [Fact]
    public void Offsets_MatchInstalledHeaders()
    {
        FieldInfo[] fields = typeof(MjSimulation).Assembly.GetType("Robot.Sim.MuJoCo.MjDataLayout", throwOnError: true)!
            .GetFields(BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Public)
            .Where(f => f.IsLiteral).ToArray();
        Assert.NotEmpty(fields);
        string source = "#include <stdio.h>\n#include <stddef.h>\n#include <mujoco/mujoco.h>\nint main(void){\n"
            + string.Concat(fields.Select(f => $"printf(\"{f.Name} %zu\\n\", offsetof(mjData, {f.Name.ToLowerInvariant()}));\n"))
            + "return 0;}\n";
        string dir = Directory.CreateTempSubdirectory("mjlayout").FullName;
        string c = Path.Combine(dir, "layout.c"), exe = Path.Combine(dir, "layout");
        File.WriteAllText(c, source);
        Run("gcc", $"-o {exe} {c}");
        var actual = Run(exe, "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        foreach (FieldInfo f in fields)
        {
            Assert.True(actual[f.Name] == (int)f.GetRawConstantValue()!, $"mjData.{f.Name}: binding says {f.GetRawConstantValue()}, header says {actual[f.Name]}");
        }
    }

    private static string Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {args} failed: {stderr}");
        return stdout;
    }
}
