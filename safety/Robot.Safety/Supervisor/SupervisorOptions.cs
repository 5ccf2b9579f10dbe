namespace Robot.Safety.Supervisor;

/// <summary>Options of the supervisor host. Validated once, when the host is built.</summary>
public sealed class SupervisorOptions
{
    /// <summary>Addresses to listen on. Default "http://127.0.0.1:50051"; port 0 picks a free port.</summary>
    public IList<string> Urls { get; } = [SupervisorConstants.DefaultUrl];

    /// <summary>
    /// Largest message the supervisor accepts, bytes. Default 64 KiB: a state is about 100
    /// bytes and a site file a few KiB; anything far larger is refused with RESOURCE_EXHAUSTED.
    /// </summary>
    public int MaxReceiveMessageSize { get; set; } = SupervisorConstants.DefaultMaxReceiveMessageSize;

    /// <summary>How often the watchdog sweeps heartbeats, e-stop endpoints and person tracks. Default 10 ms.</summary>
    public TimeSpan SweepInterval { get; set; } = SupervisorConstants.DefaultSweepInterval;

    /// <summary>
    /// True (default) when no mTLS is configured: callers are <c>insecure:loopback</c> and role
    /// claims are trusted and audited as such. Set false once the access-control layer
    /// authenticates callers.
    /// </summary>
    public bool Insecure { get; set; } = true;

    /// <summary>Most footprint points a Hello may carry. Default 64.</summary>
    public int MaxFootprintPoints { get; set; } = SupervisorConstants.DefaultMaxFootprintPoints;

    /// <summary>Every problem with these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Urls.Count == 0)
        {
            errors.Add("Urls: expected at least one address");
        }
        foreach (string url in Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            {
                errors.Add($"Urls: '{url}' is not an http:// or https:// address");
            }
        }
        if (MaxReceiveMessageSize is < 1024 or > 16 * 1024 * 1024)
        {
            errors.Add($"MaxReceiveMessageSize: expected 1 KiB to 16 MiB, got {MaxReceiveMessageSize} bytes");
        }
        if (SweepInterval <= TimeSpan.Zero || SweepInterval > TimeSpan.FromSeconds(1))
        {
            errors.Add($"SweepInterval: expected > 0 and <= 1 s, got {SweepInterval.TotalMilliseconds} ms");
        }
        if (MaxFootprintPoints is < 3 or > 1024)
        {
            errors.Add($"MaxFootprintPoints: expected 3 to 1024, got {MaxFootprintPoints}");
        }
        return errors;
    }
}

/// <summary>Defaults of the supervisor; a test pins them.</summary>
public static class SupervisorConstants
{
    public const string DefaultUrl = "http://127.0.0.1:50051";
    public const int DefaultMaxReceiveMessageSize = 64 * 1024;
    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromMilliseconds(10);
    public const int DefaultMaxFootprintPoints = 64;
    /// <summary>Largest reach, m/s, speed and so on a robot may declare; beyond is a bad message.</summary>
    public const double MaxPlausibleReach = 5;
    public const double MaxPlausibleSpeed = 5;
    public const double MaxPlausibleReactionTime = 2;
    public const double MaxPlausibleDeceleration = 30;
    /// <summary>Largest coordinate magnitude accepted, metres.</summary>
    public const double MaxCoordinate = 1e6;
    /// <summary>Metadata key through which an insecure client claims a role.</summary>
    public const string RoleClaimHeader = "x-robot-role";
}
