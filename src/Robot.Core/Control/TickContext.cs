namespace Robot.Core.Control;

/// <summary>What a stage knows about the current tick. Control code reads time only from here, never from a clock.</summary>
/// <param name="Tick">Monotonic tick count since the loop started (0-based).</param>
/// <param name="Time">Hardware time of this tick's sample, s.</param>
/// <param name="Dt">
/// Time since the previous tick, s: the loop's period, or a whole multiple of it when the
/// wall-clock driver skipped deadlines it missed (a stall). Integrate and time with this, never
/// with a tick count times the period: after a stall that count falls behind real time.
/// </param>
public readonly record struct TickContext(long Tick, double Time, double Dt);
