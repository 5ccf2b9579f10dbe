using Robot.Runtime.Concurrency;
using Robot.Runtime.Policy;
using Robot.Runtime.Tests.Doubles;

namespace Robot.Runtime.Tests.Policy;

public class PolicyRunnerTests
{
    private static PolicyRunnerOptions Options => new()
    {
        LowerLimits = [-1, -1, -1, -1, -1, -1, -1, 0],
        UpperLimits = [1, 1, 1, 1, 1, 1, 1, 0.055],
        MaxVelocities = [2, 2, 2, 2, 2, 2, 2, 0.5],
    };

    private static LatestValueSlot<PolicyObservation> ObservationAtZero()
    {
        var slot = new LatestValueSlot<PolicyObservation>();
        slot.Publish(default(PolicyObservation));
        return slot;
    }

    [Fact]
    public void Step_FakePolicyEmitsNaN_FaultsAndCommandsNothing()
    {
        var fake = new FixedActionPolicy([0.01, 0, 0, 0, 0, 0, 0, 0], nanFromStep: 2);
        using var runner = new PolicyRunner(fake, Options, ObservationAtZero());
        Assert.True(runner.Step(0.00));
        Assert.True(runner.Step(0.02));
        Assert.False(runner.Step(0.04));

        Assert.Equal("policy output action[3] is NaN; nothing was commanded", runner.Fault);
        Assert.True(runner.Targets.TryRead(out PolicyTarget target, out _));
        Assert.True(target.Fault);
        var targets = new double[8];
        Assert.False(target.TrySample(0.05, targets));
        Assert.All(targets, t => Assert.Equal(0, t));
        // Latched: the policy is not asked again.
        Assert.False(runner.Step(0.06));
        Assert.Equal(3, fake.Calls);
    }

    [Fact]
    public void Start_FakePolicyEmitsNaNOnItsThread_LatchesFaultAndStops()
    {
        var fake = new FixedActionPolicy(new double[8], nanFromStep: 3);
        using var runner = new PolicyRunner(fake, Options, ObservationAtZero());
        runner.Start();
        Assert.True(runner.FaultSignal.WaitOne(TimeSpan.FromSeconds(10)), "the runner did not fault");
        runner.Stop();
        Assert.StartsWith("policy output action[3] is NaN", runner.Fault, StringComparison.Ordinal);
        Assert.Equal(3, runner.Steps);
        Assert.True(runner.Targets.TryRead(out PolicyTarget target, out _) && target.Fault);
    }

    [Fact]
    public void Step_FarOutOfRange_Faults_SlightlyOutOfRange_IsClamped()
    {
        using var far = new PolicyRunner(new FixedActionPolicy([0, 0, 0, 0, 0, 0, 0, 0.2]), Options, ObservationAtZero());
        Assert.False(far.Step(0));
        Assert.Contains("action[7] = 0.2 lies outside [0, 0.055]", far.Fault, StringComparison.Ordinal);

        using var near = new PolicyRunner(new FixedActionPolicy([1.2, 0, 0, 0, 0, 0, 0, 0.06]), Options with { MaxVelocities = [100, 100, 100, 100, 100, 100, 100, 100] }, ObservationAtZero());
        Assert.True(near.Step(0));
        Assert.True(near.Targets.TryRead(out PolicyTarget target, out _));
        ReadOnlySpan<double> to = target.To;
        Assert.Equal(1, to[0]);
        Assert.Equal(0.055, to[7]);
    }

    [Fact]
    public void Step_LimitsTargetSpeed_AndLoopInterpolatesBetweenSteps()
    {
        using var runner = new PolicyRunner(new FixedActionPolicy([1, 0, 0, 0, 0, 0, 0, 0]), Options, ObservationAtZero());
        Assert.True(runner.Step(0));
        Assert.True(runner.Targets.TryRead(out PolicyTarget first, out _));
        ReadOnlySpan<double> to = first.To;
        Assert.Equal(2 * 0.02, to[0], 12); // 2 rad/s × 20 ms from the observed 0
        var targets = new double[8];
        Assert.True(first.TrySample(0.01, targets));
        Assert.Equal(0.02, targets[0], 12); // half-way through the period
        Assert.True(runner.Step(0.02));
        Assert.True(runner.Targets.TryRead(out PolicyTarget second, out _));
        Assert.True(second.TrySample(0.05, targets));
        Assert.Equal(0.08, targets[0], 12); // held at the second target after its period
    }

    [Fact]
    public void Step_TargetHandOff_AllocatesNothingOnTheLoopSide()
    {
        using var runner = new PolicyRunner(new FixedActionPolicy(new double[8]), Options, ObservationAtZero());
        runner.Step(0);
        var targets = new double[8];
        runner.Targets.TryRead(out PolicyTarget target, out _);
        target.TrySample(0.01, targets);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            runner.Targets.TryRead(out target, out _);
            target.TrySample(0.001 * i, targets);
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new PolicyRunner(new FixedActionPolicy(new double[8]), Options with { LowerLimits = [0], MaxVelocities = [1, 1, 1, 1, 1, 1, 1, 1], Period = TimeSpan.Zero }, ObservationAtZero()));
        Assert.Contains("Period: 0 ms must be in (0, 1000] ms", e.Message, StringComparison.Ordinal);
        Assert.Contains("LowerLimits: needs 8 entries (7 arm joints, gripper), has 1", e.Message, StringComparison.Ordinal);
    }
}
