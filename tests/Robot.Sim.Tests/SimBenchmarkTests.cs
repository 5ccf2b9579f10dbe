using Robot.Sim.Scenarios;

namespace Robot.Sim.Tests;

public class SimBenchmarkTests
{
    [Fact]
    public void Testspeed_OnTheDropTest_IsParsed()
    {
        var (sps, contacts, cpu) = SimBenchmark.RunTestspeed(SimModels.DropTest, 2000);
        Assert.True(sps > 1000, $"{sps} steps/s");
        Assert.InRange(cpu, 0, 60);
        Assert.InRange(contacts, 0, 8);
    }

    [Fact]
    public void Bench_SmallRun_MeasuresBothSidesOnTheSamePhysics()
    {
        SimBenchResult r = SimBenchmark.Run(steps: 500, rounds: 1, seed: 0);
        Assert.True(r.CsharpStepsPerSecond > 0 && r.CStepsPerSecond > 0);
        Assert.Equal(r.CStepsPerSecond / r.CsharpStepsPerSecond, r.OverheadRatio, 9);
        Assert.True(r.CsharpCpuStepsPerSecond > 0 && r.CCpuStepsPerSecond > 0);
        Assert.Equal(r.CCpuStepsPerSecond / r.CsharpCpuStepsPerSecond, r.CpuOverheadRatio, 9);
        // Same file, same start state, zero control on both sides: the same contacts per step
        // (testspeed counts the contacts of each step's start state, we count each step's end state).
        Assert.InRange(r.CsharpContactsPerStep, 0.98 * r.CContactsPerStep, 1.02 * r.CContactsPerStep);
        Assert.Contains("<key name=\"test\"", File.ReadAllText(r.ModelPath), StringComparison.Ordinal);
    }
}
