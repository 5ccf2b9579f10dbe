using Robot.Core.Description;

namespace Robot.Core.Hardware;

/// <summary>
/// The one interface every controller talks to, whether it drives MuJoCo or serial buses.
/// Lifecycle: <see cref="Configure"/> (talking, reading only) → <see cref="Activate"/>
/// (commands allowed) → <see cref="Deactivate"/>; a fault moves it to
/// <see cref="HardwareLifecycle.Error"/>. The choice of implementation is configuration.
/// </summary>
public interface IRobotHardware : IDisposable
{
    /// <summary>The joints this hardware drives, in command order.</summary>
    RobotDescription Description { get; }

    /// <summary>
    /// True when the hardware keeps its own time, advanced only by <see cref="Write"/> (a
    /// simulation): when the process stalls, that world stalls with it, so after a stall the loop
    /// goes on one period at a time. False (the default: real hardware, whose world does not wait)
    /// makes the tick after a stall cover the periods the loop skipped.
    /// </summary>
    bool KeepsOwnTime => false;

    /// <summary>Where the hardware is in its lifecycle.</summary>
    HardwareLifecycle Lifecycle { get; }

    /// <summary>Opens the hardware and starts reading. Commands are not yet allowed.</summary>
    void Configure();

    /// <summary>Allows commands. Legal only from <see cref="HardwareLifecycle.Configured"/>.</summary>
    void Activate();

    /// <summary>Stops accepting commands (joints go limp or hold, as the hardware defines).</summary>
    void Deactivate();

    /// <summary>
    /// Fills <paramref name="state"/> with the latest sample. Called every tick: must not
    /// allocate, lock or block. Returns false when the read failed (the caller must not use
    /// the state for control).
    /// </summary>
    bool Read(RobotState state);

    /// <summary>
    /// Sends one command per joint (length = joint count, order = Description.Joints) and, for a
    /// simulation, advances physics by <paramref name="period"/> seconds. Called every tick:
    /// must not allocate, lock or block. Returns false when the write was refused.
    /// </summary>
    bool Write(ReadOnlySpan<JointCommand> commands, double period);
}
