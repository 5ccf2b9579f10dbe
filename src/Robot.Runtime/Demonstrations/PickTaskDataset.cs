using Robot.Policies.Datasets;
using Robot.Sim;
using Robot.Sim.PickTask;

namespace Robot.Runtime.Demonstrations;

/// <summary>The dataset layout of pick-task demonstrations (scripted and teleoperated): 50 fps, state and action 8, environment 14.</summary>
public static class PickTaskDataset
{
    /// <summary>Task text of a pick-task episode unless the operator gives another.</summary>
    public const string DefaultTask = "pick the box from the shelf and place it in the tote";

    /// <summary>The spec: <see cref="PickTaskEnvironment"/>'s vectors at <paramref name="fps"/> (50 for the environment's rate).</summary>
    public static DatasetSpec Spec(int fps = PickTaskEnvironment.ControlHz) => new()
    {
        RobotType = HumanoidModel.RobotName,
        Fps = fps,
        StateNames = PickTaskEnvironment.StateNames,
        EnvironmentStateNames = PickTaskEnvironment.EnvironmentStateNames,
        ActionNames = PickTaskEnvironment.ActionNames,
    };
}
