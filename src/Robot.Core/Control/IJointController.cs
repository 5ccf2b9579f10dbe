using Robot.Core.Geometry;
using Robot.Core.Hardware;

namespace Robot.Core.Control;

/// <summary>
/// A controller run by the loop: from the measured state and the base estimate, one command per
/// joint. Controllers never know whether they drive MuJoCo or a serial bus.
/// </summary>
public interface IJointController
{
    /// <summary>
    /// Fills <paramref name="commands"/> (length = joint count, order = RobotDescription.Joints).
    /// Runs every tick: must not allocate, lock, block, log or throw. Returns
    /// <see cref="LoopFault.None"/>, or <see cref="LoopFault.ControllerFault"/> when it can no
    /// longer control the robot (the loop then holds the last safe command).
    /// </summary>
    LoopFault Update(in TickContext tick, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands);
}
