using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Robot.Sim.MuJoCo;

namespace Robot.Sim.Tests.MuJoCo;

/// <summary>
/// Proves every offset, size and enumerator constant of the binding against the installed
/// MuJoCo headers (libmujoco-dev): it compiles a C program that prints offsetof/sizeof/values
/// for every constant marked [CField]/[CSizeOf]/[CValue] and compares them one by one.
/// </summary>
public class MjLayoutTests
{
    private sealed record Constant(string Key, string CExpression, int Value);

    private static List<Constant> Constants()
    {
        var result = new List<Constant>();
        foreach (Type type in typeof(MjSimulation).Assembly.GetTypes())
        {
            CustomAttributeData? structAttribute = type.CustomAttributes.FirstOrDefault(a => a.AttributeType.Name == "CStructAttribute");
            if (structAttribute is null)
            {
                continue;
            }
            string cStruct = (string)structAttribute.ConstructorArguments[0].Value!;
            foreach (FieldInfo f in type.GetFields(BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Public).Where(f => f.IsLiteral))
            {
                int value = (int)f.GetRawConstantValue()!;
                string key = $"{type.Name}.{f.Name}";
                foreach (CustomAttributeData a in f.CustomAttributes)
                {
                    switch (a.AttributeType.Name)
                    {
                        case "CFieldAttribute":
                            result.Add(new Constant(key, $"(long)offsetof({cStruct}, {a.ConstructorArguments[0].Value})", value));
                            break;
                        case "CSizeOfAttribute":
                            result.Add(new Constant(key, $"(long)sizeof({cStruct})", value));
                            break;
                        case "CValueAttribute":
                            result.Add(new Constant(key, $"(long)({a.ConstructorArguments[0].Value})", value));
                            break;
                    }
                }
            }
        }
        return result;
    }

    [Fact]
    public void EveryConstant_IsProvenByAnAttribute()
    {
        foreach (Type type in typeof(MjSimulation).Assembly.GetTypes().Where(t => t.Name.StartsWith("Mj", StringComparison.Ordinal) && t.Name.EndsWith("Layout", StringComparison.Ordinal)))
        {
            foreach (FieldInfo f in type.GetFields(BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Public).Where(f => f.IsLiteral))
            {
                Assert.True(f.CustomAttributes.Any(a => a.AttributeType.Name is "CFieldAttribute" or "CSizeOfAttribute" or "CValueAttribute"),
                    $"{type.Name}.{f.Name} has no [CField]/[CSizeOf]/[CValue]: it would not be checked against the headers");
            }
        }
    }

    [Fact]
    public void Offsets_SizesAndValues_MatchInstalledHeaders()
    {
        List<Constant> constants = Constants();
        Assert.True(constants.Count > 80, $"only {constants.Count} constants found");
        string source = "#include <stdio.h>\n#include <stddef.h>\n#include <mujoco/mujoco.h>\nint main(void){\n"
            + string.Concat(constants.Select(c => $"printf(\"{c.Key} %ld\\n\", {c.CExpression});\n"))
            + "return 0;}\n";
        string dir = Directory.CreateTempSubdirectory("mjlayout").FullName;
        try
        {
            string c = Path.Combine(dir, "layout.c"), exe = Path.Combine(dir, "layout");
            File.WriteAllText(c, source);
            Run("gcc", "-o", exe, c);
            Dictionary<string, long> actual = Run(exe).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
            var mismatches = constants.Where(k => actual[k.Key] != k.Value)
                .Select(k => $"{k.Key}: binding says {k.Value}, header says {actual[k.Key]} ({k.CExpression})").ToList();
            Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} failed: {stderr.Result}");
        return stdout;
    }
}
