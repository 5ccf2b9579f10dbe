using Robot.Control.Balance;
using Robot.Sim;

namespace Robot.Runtime.Hosting;

/// <summary>Builds the standing balance controller for the simulated humanoid from its compiled model.</summary>
public static class BalanceFactory
{
    /// <summary>The controller, with the LIPM height taken from the default stance's CoM above the soles.</summary>
    public static StandingBalanceController Create(SimHardware hardware, StandingBalanceOptions? options = null)
    {
        options ??= new StandingBalanceOptions();
        StanceModel model = StanceModel.Of(hardware, options);
        return new StandingBalanceController(model.Tree, model.ComHeight, model.Pose, SimulatedRobot.StandKp(), SimulatedRobot.StandKd(),
            model.MinPosition, model.MaxPosition, model.MaxTorque, options);
    }

    /// <summary>
    /// The balance controller the robot runs: the standing law with capture stepping
    /// (<see cref="CaptureStepController"/>), LIPM height as for <see cref="Create"/>.
    /// </summary>
    public static CaptureStepController CreateStepping(SimHardware hardware, StandingBalanceOptions? options = null, CaptureStepOptions? step = null)
    {
        options ??= new StandingBalanceOptions();
        StanceModel model = StanceModel.Of(hardware, options);
        return new CaptureStepController(model.Tree, model.ComHeight, model.Pose, SimulatedRobot.StandKp(), SimulatedRobot.StandKd(),
            model.MinPosition, model.MaxPosition, model.MaxTorque, options, step ?? new CaptureStepOptions());
    }
}
