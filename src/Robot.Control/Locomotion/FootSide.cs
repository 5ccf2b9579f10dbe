namespace Robot.Control.Locomotion;

/// <summary>Which foot.</summary>
public enum FootSide
{
    /// <summary>The left foot (+y in the robot's frame).</summary>
    Left,

    /// <summary>The right foot.</summary>
    Right,
}
