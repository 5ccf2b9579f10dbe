namespace Robot.Core.Control;

/// <summary>
/// Why the loop stopped trusting its inputs or its timing. Raised by the tick, acted on by the
/// safety stop logic (the stop category is its decision, not the loop's).
/// </summary>
public enum LoopFault
{
    None = 0,
    /// <summary>The hardware read failed.</summary>
    ReadFailed,
    /// <summary>The hardware refused the write.</summary>
    WriteFailed,
    /// <summary>A sensor value was NaN or infinite.</summary>
    SensorNotFinite,
    /// <summary>A sensor value was outside its plausible range (joint beyond limits, IMU quaternion not unit, …).</summary>
    SensorOutOfRange,
    /// <summary>Too many consecutive overruns: the loop holds the last safe command.</summary>
    Overrun,
    /// <summary>A controller produced a non-finite or invalid command.</summary>
    ControllerOutputInvalid,
    /// <summary>A controller reported a fault of its own (e.g. DCM outside the capturable region).</summary>
    ControllerFault,
}
