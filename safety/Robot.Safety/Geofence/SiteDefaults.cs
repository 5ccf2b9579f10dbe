namespace Robot.Safety.Geofence;

/// <summary>Site-wide settings of a site file (<c>defaults:</c>).</summary>
/// <param name="MaxSpeed">Speed cap for every robot anywhere on the site, m/s. Default 1.5.</param>
/// <param name="HeartbeatTimeout">A robot without a valid heartbeat for this long is lost. Default 250 ms.</param>
/// <param name="PersonTrackTimeout">A person not reported again within this time is forgotten. Default 500 ms.</param>
/// <param name="Separation">Separation parameters outside shared zones.</param>
public sealed record SiteDefaults(
    double MaxSpeed,
    TimeSpan HeartbeatTimeout,
    TimeSpan PersonTrackTimeout,
    SeparationParameters Separation)
{
    public const double DefaultMaxSpeed = 1.5;
    public static readonly TimeSpan DefaultHeartbeatTimeout = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan DefaultPersonTrackTimeout = TimeSpan.FromMilliseconds(500);

    public static SiteDefaults Default { get; } =
        new(DefaultMaxSpeed, DefaultHeartbeatTimeout, DefaultPersonTrackTimeout, SeparationParameters.Default);
}
