using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Robot.Core.Diagnostics;
using Robot.Core.Hardware;
using Robot.Sim.MuJoCo;

namespace Robot.Sim.Scenarios;

/// <summary>Result of <see cref="SimBenchmark"/>; rates are medians over the rounds.</summary>
/// <param name="ModelPath">The one MJCF file both sides stepped (robot + warehouse + keyframe "test").</param>
/// <param name="Nq">Generalized coordinates of that model.</param>
/// <param name="Nv">Degrees of freedom of that model.</param>
/// <param name="Steps">Physics steps per round and side.</param>
/// <param name="Rounds">Alternating C#/C rounds.</param>
/// <param name="CsharpStepsPerSecond">Through SimHardware.Write (1 kHz ticks, limp commands so the physics equals the C run).</param>
/// <param name="CStepsPerSecond">mujoco-testspeed, same file, same start state, zero control.</param>
/// <param name="OverheadRatio">C# time per step / C time per step.</param>
/// <param name="RealtimeFactor">Simulated seconds per wall second through C#.</param>
/// <param name="CsharpContactsPerStep">Mean contacts per step in the C# run.</param>
/// <param name="CContactsPerStep">Mean contacts per step reported by mujoco-testspeed (should match: same physics).</param>
/// <param name="HoldingStepsPerSecond">Through SimHardware.Write with the stance PD holding the robot upright (the realistic load).</param>
/// <param name="HoldingRealtimeFactor">Simulated seconds per wall second for that run.</param>
/// <param name="TestspeedCommand">The exact C command run.</param>
/// <param name="CsharpCpuStepsPerSecond">Steps per second of CPU time of the stepping thread (C#).</param>
/// <param name="CCpuStepsPerSecond">Steps per second of CPU time of mujoco-testspeed (its process CPU time minus that of a 1-step run, i.e. without loading the model).</param>
/// <param name="CpuOverheadRatio">C# / C CPU time per step: the overhead independent of how busy the machine is.</param>
/// <param name="CpuRealtimeFactor">Simulated seconds per CPU second through C# (what one uncontended core would give).</param>
/// <param name="LoadAverage">1-minute load average when the run ended (wall-clock figures are only meaningful when it is below the core count).</param>
/// <param name="Cores">Logical processors.</param>
public sealed record SimBenchResult(string ModelPath, int Nq, int Nv, int Steps, int Rounds,
    double CsharpStepsPerSecond, double CStepsPerSecond, double OverheadRatio, double RealtimeFactor,
    double CsharpContactsPerStep, double CContactsPerStep, double HoldingStepsPerSecond, double HoldingRealtimeFactor,
    string TestspeedCommand, double CsharpCpuStepsPerSecond, double CCpuStepsPerSecond, double CpuOverheadRatio, double CpuRealtimeFactor,
    double LoadAverage, int Cores)
{
    public const double TargetOverheadRatio = 1.10;
    public const double TargetRealtimeFactor = 20;

    public bool MeetsOverheadTarget => OverheadRatio <= TargetOverheadRatio;
    public bool MeetsRealtimeTarget => RealtimeFactor >= TargetRealtimeFactor;
}

/// <summary>
/// Steps the full robot + warehouse model through the C# hardware layer and with MuJoCo's own
/// C tool <c>mujoco-testspeed</c> on the same file in the same run. The model file carries a
/// keyframe named "test" (the default stance), which testspeed loads; testspeed then applies zero
/// control, so the C# side sends limp commands (kp = kd = τff = 0, hence ctrl = 0): both sides
/// integrate the same trajectory and the ratio measures only our layer's overhead.
/// </summary>
public static partial class SimBenchmark
{
    /// <summary>Name of MuJoCo's benchmark tool (Debian package libmujoco-samples).</summary>
    public const string TestspeedTool = "mujoco-testspeed";

    public static SimBenchResult Run(int steps, int rounds, int seed, Action<string>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 100);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        string path = WriteBenchModel(seed);
        progress?.Invoke($"bench sim: model {path}");
        // Brakes off: testspeed steps the bare model, where nothing holds a limp joint.
        using var hardware = new SimHardware(MjSimulation.LoadXml(path)) { BrakesEnabled = false };
        var limp = new JointCommand[hardware.Description.JointCount];
        JointCommand[] hold = SimHardware.StandingCommands();
        double dt = hardware.Timestep;

        progress?.Invoke("bench sim: warming up the JIT");
        Measure(hardware, limp, Math.Min(steps, 2000), dt, out _, out _);
        double loadCpu = RunTestspeed(path, 1).CpuSeconds;

        var csharp = new List<double>();
        var c = new List<double>();
        var csharpCpu = new List<double>();
        var cCpu = new List<double>();
        var csharpContacts = new List<double>();
        var cContacts = new List<double>();
        string command = $"{TestspeedTool} {path} {steps} 1 0";
        for (int round = 0; round < rounds; round++)
        {
            csharp.Add(Measure(hardware, limp, steps, dt, out double contacts, out double cpu));
            csharpCpu.Add(steps / cpu);
            csharpContacts.Add(contacts);
            var run = RunTestspeed(path, steps);
            c.Add(run.StepsPerSecond);
            cCpu.Add((steps - 1) / Math.Max(run.CpuSeconds - loadCpu, 1e-6));
            cContacts.Add(run.ContactsPerStep);
            progress?.Invoke($"bench sim: round {round + 1}/{rounds}: C# {csharp[^1]:F0} steps/s ({csharpCpu[^1]:F0} per CPU s), C {run.StepsPerSecond:F0} steps/s ({cCpu[^1]:F0} per CPU s)");
        }
        double holding = Measure(hardware, hold, steps, dt, out _, out _);
        progress?.Invoke($"bench sim: holding the stance, C# {holding:F0} steps/s");
        double csharpMedian = Median(csharp), cMedian = Median(c), csharpCpuMedian = Median(csharpCpu), cCpuMedian = Median(cCpu);
        return new SimBenchResult(path, hardware.Simulation.Nq, hardware.Simulation.Nv, steps, rounds,
            csharpMedian, cMedian, cMedian / csharpMedian, csharpMedian * dt, Median(csharpContacts), Median(cContacts),
            holding, holding * dt, command, csharpCpuMedian, cCpuMedian, cCpuMedian / csharpCpuMedian, csharpCpuMedian * dt,
            HostCpuTime.LoadAverage(), Environment.ProcessorCount);
    }

    /// <summary>
    /// Writes the warehouse scene for <paramref name="seed"/> plus a keyframe "test" holding the
    /// default stance to a temporary file and returns its path.
    /// </summary>
    public static string WriteBenchModel(int seed)
    {
        WarehouseScene scene = WarehouseScene.Generate(new WarehouseSceneOptions { Seed = seed });
        string qpos;
        using (var hardware = new SimHardware(MjSimulation.LoadXmlString(scene.Xml, "bench.xml")))
        {
            hardware.Configure();
            qpos = SceneComposer.F(hardware.Simulation.Qpos().ToArray());
        }
        string xml = scene.Xml.Replace("</mujoco>", $"  <keyframe>\n    <key name=\"test\" qpos=\"{qpos}\"/>\n  </keyframe>\n</mujoco>", StringComparison.Ordinal);
        string path = Path.Combine(Path.GetTempPath(), $"robot-bench-sim-seed{seed}.xml");
        File.WriteAllText(path, xml);
        return path;
    }

    private static double Measure(SimHardware hardware, JointCommand[] commands, int steps, double dt, out double contactsPerStep, out double cpuSeconds)
    {
        hardware.Deactivate();
        hardware.Configure();
        hardware.Activate();
        long contacts = 0;
        MjSimulation sim = hardware.Simulation;
        double cpu0 = CpuClock.ThreadSeconds();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < steps; i++)
        {
            if (!hardware.Write(commands, dt))
            {
                throw new InvalidOperationException($"bench write refused: {hardware.LastError}");
            }
            contacts += sim.ContactCount;
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        cpuSeconds = CpuClock.ThreadSeconds() - cpu0;
        hardware.Deactivate();
        contactsPerStep = (double)contacts / steps;
        return steps / seconds;
    }

    /// <summary>
    /// Runs mujoco-testspeed on <paramref name="path"/> (one thread, no control noise) under
    /// bash, whose <c>times</c> builtin then reports the tool's CPU time; parses its figures.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tool is missing or printed something unexpected.</exception>
    public static (double StepsPerSecond, double ContactsPerStep, double CpuSeconds) RunTestspeed(string path, int steps)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-c", $"command -v {TestspeedTool} >/dev/null || exit 127; {TestspeedTool} \"$@\"; s=$?; echo; echo \"cpu-times\"; times; exit $s", "bench",
            path, steps.ToString(CultureInfo.InvariantCulture), "1", "0" })
        {
            info.ArgumentList.Add(a);
        }
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 127)
        {
            throw new InvalidOperationException($"{TestspeedTool} is not installed; install it with: apt-get install -y libmujoco-samples");
        }
        Match sps = StepsPerSecondLine().Match(output);
        Match contacts = ContactsLine().Match(output);
        Match times = ChildTimesLine().Match(output);
        if (process.ExitCode != 0 || !sps.Success || !contacts.Success || !times.Success)
        {
            throw new InvalidOperationException($"{TestspeedTool} failed (exit {process.ExitCode}): {output.Trim()} {stderr.Result.Trim()}");
        }
        double Seconds(int group) =>
            double.Parse(times.Groups[group].Value, CultureInfo.InvariantCulture) * 60 + double.Parse(times.Groups[group + 1].Value, CultureInfo.InvariantCulture);
        return (double.Parse(sps.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(contacts.Groups[1].Value, CultureInfo.InvariantCulture),
            Seconds(1) + Seconds(3));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    [GeneratedRegex(@"^\s*Steps per second\s*:\s*([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex StepsPerSecondLine();

    [GeneratedRegex(@"^\s*Contacts per step\s*:\s*([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex ContactsLine();

    // bash `times`: the second line after the marker is the children's user and system time, e.g. "0m2.345s 0m0.012s".
    [GeneratedRegex(@"cpu-times\n[^\n]*\n([0-9]+)m([0-9.]+)s ([0-9]+)m([0-9.]+)s")]
    private static partial Regex ChildTimesLine();
}
