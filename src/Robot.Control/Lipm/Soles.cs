namespace Robot.Control.Lipm;

/// <summary>Two parallel soles in double support: their centres (sole points) and half extents, m.</summary>
/// <param name="LeftX">Left sole centre, x.</param>
/// <param name="LeftY">Left sole centre, y.</param>
/// <param name="RightX">Right sole centre, x.</param>
/// <param name="RightY">Right sole centre, y.</param>
/// <param name="HalfLength">Half the sole's length (along x).</param>
/// <param name="HalfWidth">Half the sole's width (along y).</param>
public readonly record struct Soles(double LeftX, double LeftY, double RightX, double RightY, double HalfLength, double HalfWidth);
