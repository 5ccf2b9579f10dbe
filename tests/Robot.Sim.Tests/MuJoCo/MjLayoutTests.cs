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

    [Fact]
    public void NativeSignatures_MatchInstalledHeaders()
    {
        // Every [CSignature] P/Invoke is assigned to a pointer of its declared C type; a header whose
        // prototype differs makes the assignment an incompatible-pointer error.
        var functions = typeof(MjSimulation).Assembly.GetType("Robot.Sim.MuJoCo.MuJoCoNative")!
            .GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => (m.Name, Signature: m.CustomAttributes.FirstOrDefault(a => a.AttributeType.Name == "CSignatureAttribute")?.ConstructorArguments[0].Value as string))
            .Where(f => f.Signature is not null).ToList();
        Assert.Contains(functions, f => f.Name == "mj_jacSite");
        Assert.Contains(functions, f => f.Name == "mj_kinematics");
        Assert.Contains(functions, f => f.Name == "mj_comPos");
        string source = "#include <mujoco/mujoco.h>\nvoid check(void){\n"
            + string.Concat(functions.Select((f, i) => $"__typeof__({f.Signature}) p{i} = {f.Name}; (void)p{i};\n"))
            + "}\n";
        string dir = Directory.CreateTempSubdirectory("mjsignature").FullName;
        try
        {
            string c = Path.Combine(dir, "signatures.c");
            File.WriteAllText(c, source);
            Run("gcc", "-fsyntax-only", "-Werror=incompatible-pointer-types", c);
            // The check can fail: a drifted declaration (one const dropped) is refused.
            File.WriteAllText(c, "#include <mujoco/mujoco.h>\nvoid check(void){ __typeof__(void (*)(const mjModel*, mjData*, mjtNum*, mjtNum*, int)) p = mj_jacSite; (void)p; }\n");
            var info = new ProcessStartInfo("gcc") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in new[] { "-fsyntax-only", "-Werror=incompatible-pointer-types", c })
            {
                info.ArgumentList.Add(a);
            }
            using var p = Process.Start(info)!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.NotEqual(0, p.ExitCode);
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
