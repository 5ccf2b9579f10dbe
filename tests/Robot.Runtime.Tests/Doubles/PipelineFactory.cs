using Robot.Core.Control;
using Robot.Core.Hardware;

using Robot.Runtime.Estimation;
using Robot.Runtime.Loop;
using Robot.Runtime.Safety;
using Robot.Runtime.Telemetry;

namespace Robot.Runtime.Tests.Doubles;

/// <summary>Builds a pipeline over a <see cref="TestDoubleHardware"/> holding a pose.</summary>
public static class PipelineFactory
{
    public static (ControlPipeline Pipeline, TestDoubleHardware Hardware) Create(double target = 0.5, TelemetryRing? ring = null, IJointController? controller = null, StopExecutor? stops = null)
    {
        var hw = new TestDoubleHardware();
        hw.Configure();
        hw.Activate();
        int n = hw.Description.JointCount;
        double[] pose = Enumerable.Repeat(target, n).ToArray();
        double[] kp = Enumerable.Repeat(100.0, n).ToArray();
        double[] kd = Enumerable.Repeat(20.0, n).ToArray();
        controller ??= new HoldPoseController(pose, kp, kd);
        var estimator = new BaseStateEstimator(hw.Description, new BaseStateEstimatorOptions());
        return (new ControlPipeline(hw, estimator, controller, kp, kd, 0.001, ring, stops), hw);
    }
}
