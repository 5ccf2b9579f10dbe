using Robot.Policies.Inference;
using Robot.Runtime.Policy;
using Robot.Sim.PickTask;

namespace Robot.Runtime.Tests.Policy;

public class PolicyEvaluationTests
{
    /// <summary>A fake policy: holds the arm where it is (gripper open), or answers NaN.</summary>
    private sealed class FakeHoldPolicy(bool nan) : IStepPolicy
    {
        public void Reset()
        {
        }

        public void Act(ReadOnlySpan<double> state, ReadOnlySpan<double> environment, Span<double> action)
        {
            state.CopyTo(action);
            action[7] = nan ? double.NaN : 0;
        }
    }

    [Fact]
    public void Run_FakeHoldingPolicy_TimesOutNotGrasped_InRealMuJoCo()
    {
        EvaluationReport report = PolicyEvaluation.Run(new FakeHoldPolicy(nan: false), "hold", "fake", 2, 500, options: new PickTaskOptions { EpisodeTimeS = 1 });
        Assert.Equal(0, report.Successes);
        Assert.Equal(2, report.Outcomes["not_grasped"]);
        Assert.All(report.EpisodeResults, e => Assert.Equal(50, e.Steps));
        Assert.Equal(new[] { 500, 501 }, report.EpisodeResults.Select(e => e.Seed));
        Assert.Equal(0, report.SuccessRateLow95);
        Assert.True(report.SuccessRateHigh95 is > 0.6 and < 0.7);
    }

    [Fact]
    public void Run_FakeNaNPolicy_CountsPolicyFault_AndStepsNothing()
    {
        EvaluationReport report = PolicyEvaluation.Run(new FakeHoldPolicy(nan: true), "nan", "fake", 1, 0, options: new PickTaskOptions { EpisodeTimeS = 1 });
        Assert.Equal(PolicyEvaluation.PolicyFault, report.EpisodeResults[0].Outcome);
        Assert.Equal(0, report.EpisodeResults[0].Steps);
    }
}
