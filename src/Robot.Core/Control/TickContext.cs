namespace Robot.Core.Control;

/// <summary>What a stage knows about the current tick. Control code reads time only from here, never from a clock.</summary>
/// <param name="Tick">Monotonic tick count since the loop started (0-based).</param>
/// <param name="Time">Hardware time of this tick's sample, s.</param>
/// <param name="Dt">Nominal period, s.</param>
public readonly record struct TickContext(long Tick, double Time, double Dt);
