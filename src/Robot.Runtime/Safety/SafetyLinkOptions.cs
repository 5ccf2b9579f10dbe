namespace Robot.Runtime.Safety;

/// <summary>Options of the <see cref="SafetyLink"/>; validated when the link is built.</summary>
public sealed class SafetyLinkOptions
{
    /// <summary>Supervisor address, e.g. "http://127.0.0.1:50051". Required.</summary>
    public Uri? Address { get; set; }

    /// <summary>This robot's id as the site file lists it. Required.</summary>
    public string RobotId { get; set; } = "";

    /// <summary>Footprint outline in the base frame (x forward, y left), metres, &gt;= 3 points. Default a 0.6 × 0.5 m rectangle.</summary>
    public IList<(double X, double Y)> Footprint { get; } = [(0.3, 0.25), (-0.3, 0.25), (-0.3, -0.25), (0.3, -0.25)];

    /// <summary>Reach of arms or load beyond the footprint, metres. Default 0.6.</summary>
    public double Reach { get; set; } = 0.6;

    /// <summary>From a stop command to the start of braking, seconds. Default 0.05.</summary>
    public double ReactionTime { get; set; } = 0.05;

    /// <summary>Guaranteed braking deceleration, m/s². Default 1.0 (a walking robot needs a step or two).</summary>
    public double MaxDeceleration { get; set; } = 1.0;

    /// <summary>Fastest the robot walks, m/s. Default 1.5.</summary>
    public double MaxSpeed { get; set; } = 1.5;

    /// <summary>States sent per second. Default 100 Hz (the supervisor expects at least that).</summary>
    public double StateRate { get; set; } = 100;

    /// <summary>
    /// Deadline of one session stream: it is reopened when reached, so no call runs without a
    /// deadline. Default 10 minutes.
    /// </summary>
    public TimeSpan SessionDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Deadline of connecting and of each write. Default 1 s.</summary>
    public TimeSpan CallDeadline { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First reconnect delay (exponential backoff with jitter). Default 50 ms.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest reconnect delay. Default 2 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Every problem, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Address is null || (Address.Scheme != "http" && Address.Scheme != "https"))
        {
            errors.Add($"Address: expected an http:// or https:// supervisor address, got '{Address}'");
        }
        if (string.IsNullOrWhiteSpace(RobotId))
        {
            errors.Add("RobotId: expected the robot's id");
        }
        if (Footprint.Count < 3)
        {
            errors.Add($"Footprint: expected at least 3 points, got {Footprint.Count}");
        }
        if (!(StateRate >= 1 && StateRate <= 1000))
        {
            errors.Add($"StateRate: expected 1 to 1000 Hz, got {StateRate}");
        }
        if (!(MaxSpeed > 0) || !(MaxDeceleration > 0) || !(ReactionTime >= 0) || !(Reach >= 0))
        {
            errors.Add($"MaxSpeed, MaxDeceleration must be > 0 and ReactionTime, Reach >= 0; got {MaxSpeed}, {MaxDeceleration}, {ReactionTime}, {Reach}");
        }
        if (SessionDeadline <= TimeSpan.Zero || CallDeadline <= TimeSpan.Zero)
        {
            errors.Add("SessionDeadline and CallDeadline: expected > 0");
        }
        if (ReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < ReconnectDelay)
        {
            errors.Add($"ReconnectDelay: expected > 0 and <= MaxReconnectDelay, got {ReconnectDelay} and {MaxReconnectDelay}");
        }
        return errors;
    }
}
