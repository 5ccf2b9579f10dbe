using Robot.Core.Control;
using Robot.Core.Hardware;
using Robot.Runtime.Estimation;
using Robot.Runtime.Loop;
using Robot.Runtime.Telemetry;
using Robot.Runtime.Tests.Doubles;

namespace Robot.Runtime.Tests.Loop;

[Collection(AllocationSensitiveTests.Name)]
public class ControlPipelineTests
{
    [Fact]
    public void Tick_HoldPoseController_DrivesJointsToTarget()
    {
        var (pipeline, hw) = PipelineFactory.Create(target: 0.5);
        new SimulatedTimeDriver(pipeline).Run(3000);
        Assert.Equal(LoopFault.None, pipeline.Fault);
        Assert.All(hw.Position, q => Assert.Equal(0.5, q, 3));
        Assert.Equal(3000, pipeline.TickCount);
    }

    [Fact]
    public void Tick_Steady_AllocatesNothing()
    {
        var ring = new TelemetryRing(6, capacity: 64);
        var (pipeline, _) = PipelineFactory.Create(ring: ring);
        var driver = new SimulatedTimeDriver(pipeline);
        driver.Run(200); // warm-up: JIT, first-use statics
        int gcBefore = AllocationSensitiveTests.FreshCollectionCount();
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(gcBefore, AllocationSensitiveTests.CollectionCount());
        Assert.True(ring.Dropped > 0, "the ring was never drained, so it must have dropped frames without allocating");
    }

    [Fact]
    public void Tick_NaNJoint_LatchesFaultAndHoldsLastSafeCommand()
    {
        var (pipeline, hw) = PipelineFactory.Create(target: 0.3);
        var driver = new SimulatedTimeDriver(pipeline);
        driver.Run(100);
        JointCommand lastGood = pipeline.WrittenCommands[0];
        hw.NaNJoint = 2;
        TickOutcome outcome = pipeline.Tick();
        Assert.Equal(LoopFault.SensorNotFinite, outcome.Fault);
        Assert.True(outcome.HeldLastSafeCommand);
        Assert.Equal(2, pipeline.FaultDetail);
        Assert.Equal(lastGood, hw.LastCommand0);

        // The fault stays latched after the sensor recovers, until cleared.
        hw.NaNJoint = -1;
        Assert.Equal(LoopFault.SensorNotFinite, pipeline.Tick().Fault);
        pipeline.ClearFault();
        Assert.Equal(LoopFault.None, pipeline.Tick().Fault);
    }

    [Fact]
    public void Tick_ReadFails_RaisesReadFailed()
    {
        var (pipeline, hw) = PipelineFactory.Create();
        pipeline.Tick();
        hw.FailReads = true;
        Assert.Equal(LoopFault.ReadFailed, pipeline.Tick().Fault);
    }

    [Fact]
    public void Tick_WriteRefused_RaisesWriteFailed()
    {
        var (pipeline, hw) = PipelineFactory.Create();
        hw.RefuseWrites = true;
        Assert.Equal(LoopFault.WriteFailed, pipeline.Tick().Fault);
    }

    [Fact]
    public void Tick_ControllerEmitsNaN_FaultNamesJointAndNothingInvalidIsWritten()
    {
        var (pipeline, hw) = PipelineFactory.Create(controller: new NaNController(joint: 4));
        TickOutcome outcome = pipeline.Tick();
        Assert.Equal(LoopFault.ControllerOutputInvalid, outcome.Fault);
        Assert.Equal(4, pipeline.FaultDetail);
        Assert.True(outcome.HeldLastSafeCommand);
        foreach (JointCommand c in pipeline.WrittenCommands)
        {
            Assert.True(c.IsValid);
        }
        Assert.Equal(0, hw.LastCommand0.Velocity);
    }

    [Fact]
    public void SetController_SwapsAtNextTick()
    {
        var (pipeline, _) = PipelineFactory.Create(target: 0.1);
        pipeline.Tick();
        Assert.Equal(0.1, pipeline.WrittenCommands[0].Position);
        var other = new HoldPoseController([0.7, 0.7, 0.7, 0.7, 0.7, 0.7], [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]);
        pipeline.SetController(other);
        pipeline.Tick();
        Assert.Equal(0.7, pipeline.WrittenCommands[0].Position);
    }

    private sealed class NaNController(int joint) : IJointController
    {
        public LoopFault Update(in TickContext tick, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
        {
            for (int i = 0; i < commands.Length; i++)
            {
                commands[i] = new JointCommand(i == joint ? double.NaN : 0, 1, 10, 1, 0);
            }
            return LoopFault.None;
        }
    }
}
