using Robot.Policies.Inference;

namespace Robot.Policies.Tests.Models;

public class TemporalEnsemblerTests
{
    [Fact]
    public void Next_AveragesEveryPredictionOfTheStep_OldestWeighsMost()
    {
        // k = 2, width 1, m = ln 2: weights 1 (oldest) and 0.5.
        var ensembler = new TemporalEnsembler(2, 1, Math.Log(2));
        var action = new float[1];
        ensembler.Add([10f, 20f]);
        ensembler.Next(action);
        Assert.Equal(10f, action[0]);
        ensembler.Add([40f, 50f]);
        ensembler.Next(action);
        // Step 1: chunk 0 says 20 (weight 1), chunk 1 says 40 (weight 0.5).
        Assert.Equal((20f + 0.5f * 40f) / 1.5f, action[0], 4);
    }

    [Fact]
    public void Add_TwiceWithoutNext_Throws()
    {
        var ensembler = new TemporalEnsembler(2, 1, 0.01);
        ensembler.Add([1f, 2f]);
        Assert.Throws<InvalidOperationException>(() => ensembler.Add([1f, 2f]));
    }
}
