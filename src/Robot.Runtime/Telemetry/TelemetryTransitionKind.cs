namespace Robot.Runtime.Telemetry;

/// <summary>What a <see cref="TelemetryTransition"/> records, and so the channel it goes to.</summary>
public enum TelemetryTransitionKind
{
    /// <summary>The latched loop fault changed (/loop_fault).</summary>
    Fault = 0,

    /// <summary>The safety limiter's stop, phase or reason changed (/safety_stop).</summary>
    SafetyStop = 1,

    /// <summary>Frames were dropped because the ring was full (/telemetry_gaps).</summary>
    Gap = 2,
}
