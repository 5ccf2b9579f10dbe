using Robot.Safety.Contracts;

namespace Robot.Safety.Supervisor;

/// <summary>
/// A registered e-stop endpoint (Spot-style): it must check in within <see cref="Timeout"/>,
/// answering the last challenge with its ones' complement; otherwise every robot it guards is
/// stopped. Mutable state is guarded by the registry's lock.
/// </summary>
public sealed class EmergencyStopEndpoint
{
    internal EmergencyStopEndpoint(string id, string name, string role, TimeSpan timeout, IReadOnlyList<string> robotIds, ulong challenge, long now)
    {
        Id = id;
        Name = name;
        Role = role;
        Timeout = timeout;
        RobotIds = robotIds;
        Challenge = challenge;
        LastValidCheckIn = now;
    }

    public string Id { get; }
    public string Name { get; }
    public string Role { get; }
    /// <summary>Longest gap between valid check-ins.</summary>
    public TimeSpan Timeout { get; }
    /// <summary>Robots it guards; empty means every robot.</summary>
    public IReadOnlyList<string> RobotIds { get; }
    /// <summary>The challenge the next check-in must answer.</summary>
    public ulong Challenge { get; internal set; }
    /// <summary>TimeProvider timestamp of the last valid check-in (registration counts as one).</summary>
    public long LastValidCheckIn { get; internal set; }
    /// <summary>Level asked for in the last valid check-in.</summary>
    public StopLevel LastLevel { get; internal set; }
    /// <summary>True once it missed its timeout; false again after a valid check-in.</summary>
    public bool Expired { get; internal set; }
}
