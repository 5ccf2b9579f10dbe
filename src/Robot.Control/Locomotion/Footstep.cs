namespace Robot.Control.Locomotion;

/// <summary>Where one foot lands: the sole centre's pose on the floor.</summary>
/// <param name="Side">The foot that steps.</param>
/// <param name="Pose">Sole centre and heading, ground frame.</param>
public readonly record struct Footstep(FootSide Side, Pose2 Pose);
