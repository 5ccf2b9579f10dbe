namespace Robot.Control.Locomotion;

/// <summary>A polygon on the floor the robot's footprint must stay out of (the supervisor's keep-out zones), ground frame.</summary>
/// <param name="Name">For messages ("no path: goal inside keep-out zone 'rack-3'").</param>
/// <param name="Vertices">Corners (x, y), m, in order; at least three; the ring closes itself.</param>
public sealed record KeepOutZone(string Name, IReadOnlyList<(double X, double Y)> Vertices);
