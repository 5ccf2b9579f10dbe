namespace Robot.Control.Kinematics;

/// <summary>Outcome of <see cref="LegKinematics.Inverse"/>.</summary>
public enum LegIkResult
{
    /// <summary>The pose is reachable; the angles reproduce it exactly.</summary>
    Reached,
    /// <summary>The ankle is farther from the hip than the stretched leg: the knee was set straight and the result points the leg at the target.</summary>
    TooFar,
    /// <summary>The ankle is closer to the hip than the fully folded leg allows.</summary>
    TooNear,
    /// <summary>The pose needs angles outside the joints' limits (the angles returned are unclamped).</summary>
    OutsideJointLimits,
    /// <summary>An input was NaN or infinite; the angles are untouched.</summary>
    InvalidInput,
}
