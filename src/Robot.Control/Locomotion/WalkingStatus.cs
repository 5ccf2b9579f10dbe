namespace Robot.Control.Locomotion;

/// <summary>State and fault codes of <see cref="WalkingController"/> (telemetry and the safety stop logic read them).</summary>
public enum WalkingStatus
{
    /// <summary>Standing in double support, no plan under way.</summary>
    Standing = 0,

    /// <summary>Following a footstep plan.</summary>
    Walking = 1,

    /// <summary>A stop was requested; the plan ends within two steps.</summary>
    Stopping = 2,

    /// <summary>A leg target was out of reach (fault).</summary>
    LegUnreachable = 10,

    /// <summary>The measured DCM strayed too far from its reference for too long: the pattern cannot be followed (fault).</summary>
    DcmDiverged = 11,

    /// <summary>NaN or infinite input (fault).</summary>
    InvalidInput = 12,
}
