using Robot.Core.Control;
using Robot.Core.Hardware;
using Robot.Runtime.Concurrency;
using Robot.Runtime.Execution;
using Robot.Runtime.Policy;
using Robot.Runtime.Tests.Doubles;
using Robot.Sim.PickTask;

namespace Robot.Runtime.Tests.Execution;

/// <summary>The arm overlay following a <see cref="PolicyRunner"/>: 50 Hz targets interpolated at 1 kHz, faults never commanded.</summary>
public class ArmOverlayControllerTests
{
    private static readonly string[] s_names = [.. Robot.Sim.HumanoidModel.Joints.Select(j => j.Name)];
    private static readonly int s_elbow = Array.IndexOf(s_names, ArmKinematics.JointNames[3]);
    private static readonly int s_joint2 = Array.IndexOf(s_names, ArmKinematics.JointNames[2]);

    private static PolicyRunnerOptions RunnerOptions => new()
    {
        LowerLimits = [-2, -2, -2, -2, -2, -2, -2, 0],
        UpperLimits = [2, 2, 2, 2, 2, 2, 2, PickTaskEnvironment.GripperClosed],
        MaxVelocities = [10, 10, 10, 10, 10, 10, 10, 1],
    };

    private static (ArmOverlayController Overlay, LatestValueSlot<PolicyObservation> Observations) Build()
    {
        double[] pose = new double[s_names.Length];
        var lower = new HoldPoseController(pose, [.. pose.Select(_ => 10.0)], [.. pose.Select(_ => 1.0)]);
        var observations = new LatestValueSlot<PolicyObservation>();
        observations.Publish(default(PolicyObservation)); // the arm observed at zero
        return (new ArmOverlayController(lower, s_names), observations);
    }

    private static double[] Tick(ArmOverlayController overlay, double time)
    {
        var commands = new JointCommand[s_names.Length];
        overlay.Update(new TickContext((long)(time * 1000), time, 0.001), new RobotState(s_names.Length), default, commands);
        return [.. commands.Select(c => c.Position)];
    }

    [Fact]
    public void Follow_PolicyTargets_InterpolatedAtEachTickBetweenThe50HzSteps()
    {
        var (overlay, observations) = Build();
        using var runner = new PolicyRunner(new FixedActionPolicy([0, 0, 0, 0.2, 0, 0, 0, 0.01]), RunnerOptions, observations);
        overlay.Follow(runner.Targets);
        Assert.True(runner.Step(1.0));

        Assert.Equal(0.05, Tick(overlay, 1.005)[s_elbow], 9);  // a quarter of the 20 ms period: a quarter of the way from 0
        Assert.Equal(0.10, Tick(overlay, 1.010)[s_elbow], 9);
        Assert.Equal(0.20, Tick(overlay, 1.030)[s_elbow], 9);  // held at the target after its period
        Assert.False(overlay.PolicyFaulted);
    }

    [Fact]
    public void Follow_FakePolicyEmitsNaN_ArmHoldsItsLastGoodTargetAndTheFaultLatches()
    {
        var (overlay, observations) = Build();
        using var runner = new PolicyRunner(new FixedActionPolicy([0, 0, 0.15, 0, 0, 0, 0, 0], nanFromStep: 1), RunnerOptions, observations);
        overlay.Follow(runner.Targets);
        Assert.True(runner.Step(0));
        Assert.Equal(0.15, Tick(overlay, 0.02)[s_joint2], 9);

        Assert.False(runner.Step(0.02)); // NaN: the runner publishes a fault target, no command
        double[] held = Tick(overlay, 0.03);

        Assert.True(overlay.PolicyFaulted);
        Assert.Equal(0.15, held[s_joint2], 9);
        Assert.All(held, p => Assert.True(double.IsFinite(p)));
        Assert.Contains("NaN", runner.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void Follow_Null_StopsFollowing_SetArmTargetsStand()
    {
        var (overlay, observations) = Build();
        using var runner = new PolicyRunner(new FixedActionPolicy([0, 0, 0, 0.2, 0, 0, 0, 0]), RunnerOptions, observations);
        overlay.Follow(runner.Targets);
        runner.Step(0);
        Tick(overlay, 0.02);
        overlay.Follow(null);
        overlay.SetArm([0, 0, 0, 0.5, 0, 0, 0, 0], []);

        Assert.Equal(0.5, Tick(overlay, 0.04)[s_elbow], 9);
    }

    [Fact]
    public void Update_FollowingARunner_AllocatesNothing()
    {
        var (overlay, observations) = Build();
        using var runner = new PolicyRunner(new FixedActionPolicy([0, 0, 0, 0.2, 0, 0, 0, 0]), RunnerOptions, observations);
        overlay.Follow(runner.Targets);
        runner.Step(0);
        var commands = new JointCommand[s_names.Length];
        var state = new RobotState(s_names.Length);
        overlay.Update(new TickContext(0, 0, 0.001), state, default, commands);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i <= 1000; i++)
        {
            overlay.Update(new TickContext(i, 0.001 * i, 0.001), state, default, commands);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
