namespace Robot.Sim.PickTask;

/// <summary>
/// What one seed drew: the box (size, mass, pose on the board) and the tote's pose. World frame,
/// robot base frame at the origin (x forward, y left, z up); m, kg, rad.
/// </summary>
/// <param name="Seed">The seed it came from.</param>
/// <param name="BoxDepth">Box edge along its x, m.</param>
/// <param name="BoxWidth">Box edge along its y (across the jaw when the hand's yaw equals the box's), m.</param>
/// <param name="BoxHeight">Box height, m.</param>
/// <param name="BoxMass">kg.</param>
/// <param name="BoxX">Box centre x, m.</param>
/// <param name="BoxY">Box centre y, m.</param>
/// <param name="BoxYaw">Box yaw, rad.</param>
/// <param name="ToteX">Tote centre x, m.</param>
/// <param name="ToteY">Tote centre y, m.</param>
/// <param name="ToteYaw">Tote yaw, rad.</param>
public sealed record PickTaskEpisode(int Seed, double BoxDepth, double BoxWidth, double BoxHeight, double BoxMass,
    double BoxX, double BoxY, double BoxYaw, double ToteX, double ToteY, double ToteYaw)
{
    /// <summary>Draws an episode from <paramref name="seed"/> within <paramref name="options"/>' ranges.</summary>
    public static PickTaskEpisode Draw(int seed, PickTaskOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(seed);
        double Draw(double min, double max) => min + (max - min) * random.NextDouble();
        double depth = Draw(options.BoxDepthMin, options.BoxDepthMax);
        double width = Draw(options.BoxWidthMin, options.BoxWidthMax);
        double height = Draw(options.BoxHeightMin, options.BoxHeightMax);
        double mass = Draw(options.BoxMassMin, options.BoxMassMax);
        double bx = PickStationScene.BoxNominalX + Draw(-options.BoxPositionJitter, options.BoxPositionJitter);
        double by = PickStationScene.BoxNominalY + Draw(-options.BoxPositionJitter, options.BoxPositionJitter);
        double yaw = Draw(-options.BoxYawMax, options.BoxYawMax);
        double tx = PickStationScene.ToteNominalX + Draw(-options.TotePositionJitter, options.TotePositionJitter);
        double ty = PickStationScene.ToteNominalY + Draw(-options.TotePositionJitter, options.TotePositionJitter);
        double toteYaw = Draw(-options.ToteYawMax, options.ToteYawMax);
        return new PickTaskEpisode(seed, depth, width, height, mass, bx, by, yaw, tx, ty, toteYaw);
    }
}
