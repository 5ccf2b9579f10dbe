namespace Robot.Safety.Geofence;

/// <summary>Fixed numbers of the geofence decision; a test pins them.</summary>
public static class GeofenceConstants
{
    /// <summary>
    /// Time a state can be old when its verdict takes effect (one 100 Hz state period plus verdict
    /// transport), added to the robot's reaction time, seconds: 0.02.
    /// </summary>
    public const double DecisionLatencyAllowance = 0.02;

    /// <summary>Below this speed (m/s) a robot counts as standing: 0.01.</summary>
    public const double StandstillSpeed = 0.01;

    /// <summary>A speed limit below this (m/s) is sent as a protective stop: 0.05.</summary>
    public const double MinimumMovingSpeed = 0.05;
}
