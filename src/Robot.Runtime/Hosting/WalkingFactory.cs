using Robot.Control.Balance;
using Robot.Control.Locomotion;
using Robot.Sim;

namespace Robot.Runtime.Hosting;

/// <summary>Builds the walking controller for the simulated humanoid from its compiled model.</summary>
public static class WalkingFactory
{
    /// <summary>Hip yaw stiffness and damping while walking, relative to the stance's.</summary>
    public const double HipYawStiffening = 2;

    /// <summary>The controller, with the LIPM height taken from the default stance's CoM above the soles.</summary>
    public static WalkingController Create(SimHardware hardware, GaitOptions? gait = null, StandingBalanceOptions? legs = null)
    {
        legs ??= new StandingBalanceOptions();
        StanceModel model = StanceModel.Of(hardware, legs);
        // Stiffer hip yaw than the stance's: the swing's reaction torque otherwise twists the pelvis
        // by ±5° each step, and on diagonal walks the twist grows into a spin.
        double[] kp = SimulatedRobot.StandKp(), kd = SimulatedRobot.StandKd();
        foreach (int hipYaw in new[] { legs.LeftLegFirstJoint, legs.RightLegFirstJoint })
        {
            kp[hipYaw] *= HipYawStiffening;
            kd[hipYaw] *= HipYawStiffening;
        }
        return new WalkingController(model.Tree, model.ComHeight, model.Pose, kp, kd, model.MinPosition, model.MaxPosition, legs,
            gait ?? new GaitOptions(), hardware.Timestep);
    }
}
