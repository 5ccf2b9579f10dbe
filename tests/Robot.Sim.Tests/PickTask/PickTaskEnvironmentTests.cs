using Robot.Core.Geometry;
using Robot.Sim.PickTask;

namespace Robot.Sim.Tests.PickTask;

public class PickTaskEnvironmentTests
{
    /// <summary>Runs the expert on <paramref name="seed"/> to the end; returns every action and observation.</summary>
    private static (PickTaskOutcome Outcome, List<double[]> Frames) RunExpert(PickTaskEnvironment env, int seed)
    {
        var expert = new ScriptedPickExpert(env);
        env.Reset(seed);
        expert.Begin(seed);
        var frames = new List<double[]>();
        var action = new double[PickTaskEnvironment.StateWidth];
        var state = new double[PickTaskEnvironment.StateWidth];
        var environment = new double[PickTaskEnvironment.EnvironmentWidth];
        while (!env.Done)
        {
            env.Observe(state, environment);
            expert.NextAction(action);
            frames.Add([.. state, .. environment, .. action]);
            env.Step(action);
        }
        return (env.Outcome, frames);
    }

    [Fact]
    public void Expert_SucceedsOnAHandfulOfSeeds()
    {
        using var env = new PickTaskEnvironment();
        foreach (int seed in new[] { 21, 22, 23 })
        {
            var (outcome, frames) = RunExpert(env, seed);
            Assert.True(outcome == PickTaskOutcome.Success, $"seed {seed}: {outcome} after {frames.Count} steps");
            Assert.True(env.BoxLifted);
            Assert.True(env.BoxInTote);
            Assert.False(env.BoxInJaw);
        }
    }

    [Fact]
    public void Expert_IsDeterministicForASeed()
    {
        using var a = new PickTaskEnvironment();
        using var b = new PickTaskEnvironment();
        var (outcomeA, framesA) = RunExpert(a, 7);
        var (outcomeB, framesB) = RunExpert(b, 7);
        Assert.Equal(outcomeA, outcomeB);
        Assert.Equal(framesA.Count, framesB.Count);
        for (int i = 0; i < framesA.Count; i++)
        {
            Assert.Equal(framesA[i], framesB[i]);
        }
        // A different seed draws a different episode (the determinism above is not a constant).
        a.Reset(8);
        Assert.NotEqual(b.Episode with { Seed = 8 }, a.Episode);
    }

    [Fact]
    public void Reset_DrawsWithinTheOptionRanges()
    {
        var options = new PickTaskOptions();
        for (int seed = 0; seed < 200; seed++)
        {
            PickTaskEpisode e = PickTaskEpisode.Draw(seed, options);
            Assert.InRange(e.BoxWidth, options.BoxWidthMin, options.BoxWidthMax);
            Assert.InRange(e.BoxHeight, options.BoxHeightMin, options.BoxHeightMax);
            Assert.InRange(e.BoxMass, options.BoxMassMin, options.BoxMassMax);
            Assert.InRange(e.BoxYaw, -options.BoxYawMax, options.BoxYawMax);
            Assert.InRange(e.ToteX - PickStationScene.ToteNominalX, -options.TotePositionJitter, options.TotePositionJitter);
        }
        Assert.Equal(PickTaskEpisode.Draw(3, options), PickTaskEpisode.Draw(3, options));
    }

    [Fact]
    public void BoxSetIntoTheTote_WithTheJawOpen_IsSuccess()
    {
        using var env = new PickTaskEnvironment();
        env.Reset(1);
        var (tote, toteYaw) = env.TotePose;
        env.PlaceBox(new Vec3(tote.X, tote.Y, PickStationScene.ToteFloor + env.Episode.BoxHeight / 2 + 0.003), toteYaw);
        Assert.True(env.BoxInTote);
        var hold = new double[PickTaskEnvironment.StateWidth];
        env.HomeJoints.CopyTo(hold);
        for (int i = 0; i < 50 && !env.Done; i++)
        {
            env.Step(hold);
        }
        Assert.Equal(PickTaskOutcome.Success, env.Outcome);
        Assert.Equal("success", env.Outcome.Label());
    }

    [Fact]
    public void OpeningTheJawMidAir_IsDropped()
    {
        using var env = new PickTaskEnvironment();
        var expert = new ScriptedPickExpert(env);
        env.Reset(2);
        expert.Begin(2);
        var action = new double[PickTaskEnvironment.StateWidth];
        while (expert.Phase != "carry")
        {
            expert.NextAction(action);
            Assert.Equal(PickTaskOutcome.InProgress, env.Step(action));
        }
        Assert.True(env.BoxLifted, "the expert lifted the box before carrying it");
        Assert.True(env.BoxInJaw);
        action[^1] = 0; // open the jaw, arm where it is
        for (int i = 0; i < 50 && !env.Done; i++)
        {
            env.Step(action);
        }
        Assert.Equal(PickTaskOutcome.Dropped, env.Outcome);
        Assert.Throws<InvalidOperationException>(() => env.Step(action));
    }

    [Fact]
    public void HoldingStill_UntilTheLimit_IsNotGrasped()
    {
        using var env = new PickTaskEnvironment(new PickTaskOptions { EpisodeTimeS = 1 });
        env.Reset(3);
        var hold = new double[PickTaskEnvironment.StateWidth];
        env.HomeJoints.CopyTo(hold);
        int steps = 0;
        while (!env.Done)
        {
            env.Step(hold);
            steps++;
        }
        Assert.Equal(PickTaskOutcome.NotGrasped, env.Outcome);
        Assert.Equal(50, steps);
        // The welded pelvis stayed at standing height and the arm held its home pose.
        var state = new double[PickTaskEnvironment.StateWidth];
        env.Observe(state, new double[PickTaskEnvironment.EnvironmentWidth]);
        Assert.Equal(env.Kinematics.PelvisHeight, env.Hardware.Simulation.Xpos[3 * env.Hardware.Binding.PelvisBody + 2], 3);
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(env.HomeJoints[i], state[i], 2);
        }
    }

    [Fact]
    public void Step_RejectsAWrongOrNonFiniteAction()
    {
        using var env = new PickTaskEnvironment();
        env.Reset(0);
        Assert.Contains("8 entries", Assert.Throws<ArgumentException>(() => env.Step(new double[7])).Message, StringComparison.Ordinal);
        var bad = new double[8];
        bad[3] = double.NaN;
        Assert.Contains("right_elbow", Assert.Throws<ArgumentException>(() => env.Step(bad)).Message, StringComparison.Ordinal);
        Assert.Equal(0, env.StepCount);
    }

    [Fact]
    public void InvalidOptions_AreAllNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => new PickTaskEnvironment(new PickTaskOptions { BoxWidthMin = 0.08, BoxWidthMax = 0.05, EpisodeTimeS = 0 }));
        Assert.Contains("BoxWidth", e.Message, StringComparison.Ordinal);
        Assert.Contains("EpisodeTimeS", e.Message, StringComparison.Ordinal);
    }
}
