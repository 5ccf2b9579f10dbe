namespace Robot.Runtime.Safety;

/// <summary>
/// How the control loop must stop, for a robot that balances actively (a hard power cut makes
/// it fall). Ordered from least to most drastic; the most drastic one requested wins. The
/// loop's <see cref="StopExecutor"/> executes them; the time bounds below are what it must meet,
/// checked by its tests and measured by <c>robot bench stops</c>.
/// </summary>
public enum StopCategory
{
    /// <summary>No stop: move within <see cref="SafetyCommand.SpeedScale"/>.</summary>
    None = 0,

    /// <summary>
    /// Controlled stop to a stable stance, power stays on (IEC 60204-1 category 2): finish the
    /// current step, bring the capture point inside the support polygon, stand. Used for
    /// protective stops and a missing verdict. Bound: standing within 1.0 s (two steps at most).
    /// </summary>
    Settle = 1,

    /// <summary>
    /// Stable stance, then torque off (a category 1 variant): the emergency stop of a humanoid.
    /// Bound: torque off within 2.5 s. The executor cuts once the stance is still on both feet
    /// (or at the bound); the legs' and waist's power-off brakes then hold the robot standing (the
    /// simulated robot has them; a robot without brakes would fold, and should crouch first).
    /// Measured in the demo: a walking robot settled on both feet 2.05 s after the stop began.
    /// </summary>
    SettleThenCut = 2,

    /// <summary>
    /// Torque off at once (category 0). Only when nothing else is possible (the supervisor or an
    /// e-stop endpoint asks for CUT, or the loop finds the controlled stop impossible, e.g. a
    /// fall already under way). Bound: torque off within one tick (1 ms).
    /// </summary>
    Cut = 3,
}
