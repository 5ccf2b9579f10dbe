namespace Robot.Runtime.Safety;

/// <summary>Where the <see cref="StopExecutor"/> is in a stop; telemetry shows it.</summary>
public enum StopPhase
{
    /// <summary>No stop: the controllers' commands pass (speed-scaled).</summary>
    None = 0,

    /// <summary>Stop requested: balance keeps running, every other joint holds where it was, velocities are zero; not yet stable.</summary>
    Settling = 1,

    /// <summary>Standing still (base speeds below the thresholds for the dwell time), power on.</summary>
    Stable = 2,

    /// <summary>Torque off on every joint (kp = kd = feed-forward = 0). Latched until <see cref="StopExecutor.Rearm"/>.</summary>
    TorqueOff = 3,
}
