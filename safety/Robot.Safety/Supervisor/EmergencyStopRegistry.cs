using System.Collections.Concurrent;
using System.Security.Cryptography;
using Robot.Safety.Audit;
using Robot.Safety.Contracts;

namespace Robot.Safety.Supervisor;

/// <summary>
/// Emergency-stop latches and e-stop endpoints. A latch is set by a trigger, by an endpoint
/// that asks for a stop, or by an endpoint that stops checking in; it is removed only by
/// <see cref="Reset"/>, called with the safety-engineer role, and only when its cause is gone.
/// Readers on the verdict path use <see cref="Latches"/>, an immutable snapshot (no lock).
/// </summary>
public sealed class EmergencyStopRegistry
{
    /// <summary>Role allowed to reset latches and resume robots.</summary>
    public const string SafetyRole = "safety-engineer";

    private readonly TimeProvider _time;
    private readonly SupervisorAudit _audit;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, EmergencyStopEndpoint> _endpoints = new(StringComparer.Ordinal);
    // Robots that wait for a deliberate resume after a reset. Written under _lock, read lock-free.
    private readonly ConcurrentDictionary<string, bool> _awaitingResume = new(StringComparer.Ordinal);
    private EmergencyStopLatch[] _latches = [];
    private int _nextLatch;
    private int _nextEndpoint;

    public EmergencyStopRegistry(TimeProvider time, SupervisorAudit audit)
    {
        _time = time;
        _audit = audit;
    }

    /// <summary>Raised (outside the lock) when a latch is set: the supervisor pushes stops.</summary>
    public event Action<EmergencyStopLatch>? Latched;

    /// <summary>The latches in force now (immutable snapshot).</summary>
    public IReadOnlyList<EmergencyStopLatch> Latches => Volatile.Read(ref _latches);

    /// <summary>The most restrictive latch that stops <paramref name="robotId"/>, or null. Lock-free.</summary>
    public EmergencyStopLatch? Covering(string robotId)
    {
        EmergencyStopLatch[] latches = Volatile.Read(ref _latches);
        EmergencyStopLatch? worst = null;
        for (int i = 0; i < latches.Length; i++)
        {
            if (latches[i].Covers(robotId) && (worst is null || latches[i].Level > worst.Level))
            {
                worst = latches[i];
            }
        }
        return worst;
    }

    /// <summary>Latches an emergency stop for <paramref name="robotIds"/> (empty: every robot).</summary>
    public EmergencyStopLatch Trigger(IReadOnlyList<string> robotIds, string reason, StopLevel level, string principal)
    {
        if (level == StopLevel.None)
        {
            level = StopLevel.SettleThenCut;
        }
        return AddLatch(LatchCause.Operator, principal, string.IsNullOrWhiteSpace(reason) ? "emergency stop triggered" : reason, robotIds, principal, level, null);
    }

    /// <summary>Whether the cause of <paramref name="latch"/> is gone, and if not, why.</summary>
    public bool IsCauseCleared(EmergencyStopLatch latch, out string why)
    {
        lock (_lock)
        {
            return IsCauseClearedUnsynchronized(latch, out why);
        }
    }

    private bool IsCauseClearedUnsynchronized(EmergencyStopLatch latch, out string why)
    {
        why = "";
        if (latch.Cause == LatchCause.Operator)
        {
            return true;
        }
        if (latch.EndpointId is null || !_endpoints.TryGetValue(latch.EndpointId, out EmergencyStopEndpoint? endpoint))
        {
            why = $"endpoint '{latch.EndpointId}' is no longer registered; register it and check in at NONE first";
            return false;
        }
        if (endpoint.Expired)
        {
            why = $"endpoint '{endpoint.Name}' ({endpoint.Id}) has not checked in within its {endpoint.Timeout.TotalSeconds:0.###} s timeout";
            return false;
        }
        if (endpoint.LastLevel != StopLevel.None)
        {
            why = $"endpoint '{endpoint.Name}' ({endpoint.Id}) still asks for {endpoint.LastLevel}";
            return false;
        }
        return true;
    }

    /// <summary>
    /// Resets <paramref name="latchId"/> (or, when null or empty, every latch whose cause is gone).
    /// The caller must hold <see cref="SafetyRole"/>; a latch whose cause is not gone stays.
    /// Every robot a removed latch covered (a whole-site latch: every robot in
    /// <paramref name="siteRobots"/>) waits for <see cref="Resume"/> from then on. Returns the
    /// latches removed and, for those that stay, why.
    /// </summary>
    public (IReadOnlyList<EmergencyStopLatch> Reset, IReadOnlyList<string> Remaining) Reset(string? latchId, CallerIdentity caller, IEnumerable<string> siteRobots)
    {
        if (!caller.HasRole(SafetyRole))
        {
            _audit.Write(AuditCategory.EmergencyStop, "estop.reset", "denied", caller.Principal, details: new { latchId, role = caller.Role, required = SafetyRole });
            throw new SupervisorException(SupervisorError.PermissionDenied, $"resetting an emergency stop needs the '{SafetyRole}' role; caller '{caller.Principal}' has '{caller.Role ?? "none"}'");
        }
        var reset = new List<EmergencyStopLatch>();
        var remaining = new List<(EmergencyStopLatch Latch, string Why)>();
        // One critical section for the cause check, the restart flags and the removal: a check-in
        // asking for a stop cannot land between the check and the removal (it would find the old
        // latch, not latch again, and lose its stop), and a verdict cannot see the latch gone
        // before the robot waits for a resume (that would be an automatic restart).
        lock (_lock)
        {
            EmergencyStopLatch[] current = _latches;
            EmergencyStopLatch[] targets = string.IsNullOrEmpty(latchId) ? current : current.Where(l => l.Id == latchId).ToArray();
            if (!string.IsNullOrEmpty(latchId) && targets.Length == 0)
            {
                throw new SupervisorException(SupervisorError.NotFound, $"no latched emergency stop '{latchId}'; latched now: {(current.Length == 0 ? "none" : string.Join(", ", current.Select(l => l.Id)))}");
            }
            foreach (EmergencyStopLatch latch in targets)
            {
                if (IsCauseClearedUnsynchronized(latch, out string why))
                {
                    reset.Add(latch);
                }
                else
                {
                    remaining.Add((latch, why));
                }
            }
            foreach (EmergencyStopLatch latch in reset)
            {
                foreach (string robot in latch.RobotIds.Count > 0 ? latch.RobotIds : siteRobots)
                {
                    _awaitingResume[robot] = true;
                }
            }
            // Published after the restart flags, so a lock-free reader that no longer sees the
            // latch sees the flag.
            Volatile.Write(ref _latches, current.Where(l => !reset.Contains(l)).ToArray());
        }
        foreach (var (latch, why) in remaining)
        {
            _audit.Write(AuditCategory.EmergencyStop, "estop.reset", "refused", caller.Principal, details: new { latch = latch.Id, why, insecureRoleClaim = caller.Insecure });
        }
        foreach (EmergencyStopLatch latch in reset)
        {
            _audit.Write(AuditCategory.EmergencyStop, "estop.reset", "ok", caller.Principal, details: new { latch = latch.Id, cause = EmergencyStopLatch.CauseName(latch.Cause), robots = latch.RobotIds, role = caller.Role, insecureRoleClaim = caller.Insecure });
        }
        if (!string.IsNullOrEmpty(latchId) && reset.Count == 0)
        {
            throw new SupervisorException(SupervisorError.FailedPrecondition, $"emergency stop {remaining[0].Latch.Id}: {remaining[0].Why}: its cause is not gone, so it cannot be reset");
        }
        return (reset, remaining.Select(r => $"{r.Latch.Id}: {r.Why}").ToArray());
    }

    /// <summary>True while <paramref name="robotId"/> waits for a resume after a reset. Lock-free.</summary>
    public bool IsRestartRequired(string robotId) => _awaitingResume.ContainsKey(robotId);

    /// <summary>
    /// The deliberate restart after a reset: <paramref name="robotIds"/> (every waiting robot when
    /// empty) stop waiting. All or nothing: when any of them is still under a latch, none is
    /// resumed and <see cref="SupervisorError.FailedPrecondition"/> names each. The role check
    /// and the audit record are the caller's. Returns the robots that were waiting.
    /// </summary>
    public IReadOnlyList<string> Resume(IReadOnlyList<string> robotIds)
    {
        lock (_lock)
        {
            // Under the lock no latch can be added or reset between the check and the removal.
            IReadOnlyList<string> robots = robotIds.Count > 0 ? robotIds : _awaitingResume.Keys.Order(StringComparer.Ordinal).ToArray();
            var latched = new List<string>();
            foreach (string robot in robots)
            {
                if (Covering(robot) is { } latch)
                {
                    latched.Add($"'{robot}' is still under emergency stop {latch.Id}");
                }
            }
            if (latched.Count > 0)
            {
                throw new SupervisorException(SupervisorError.FailedPrecondition, $"robot_ids: {string.Join("; ", latched)}; reset first (nothing was resumed)");
            }
            var resumed = new List<string>();
            foreach (string robot in robots)
            {
                if (_awaitingResume.TryRemove(robot, out _))
                {
                    resumed.Add(robot);
                }
            }
            return resumed;
        }
    }

    /// <summary>Registers an endpoint; it has until <paramref name="timeout"/> from now for its first check-in.</summary>
    public EmergencyStopEndpoint RegisterEndpoint(string name, string role, TimeSpan timeout, IReadOnlyList<string> robotIds, string principal)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new SupervisorException(SupervisorError.InvalidArgument, "endpoint name: expected a non-empty name");
        }
        if (!(timeout > TimeSpan.Zero) || timeout > TimeSpan.FromMinutes(10))
        {
            throw new SupervisorException(SupervisorError.InvalidArgument, $"endpoint timeout: expected > 0 and <= 600 s, got {timeout.TotalSeconds} s");
        }
        EmergencyStopEndpoint endpoint;
        lock (_lock)
        {
            string id = $"E{++_nextEndpoint}";
            endpoint = new EmergencyStopEndpoint(id, name, role, timeout, robotIds.ToArray(), NewChallenge(), _time.GetTimestamp());
            _endpoints.Add(id, endpoint);
        }
        _audit.Write(AuditCategory.EmergencyStop, "estop.endpoint_registered", "ok", principal, details: new { endpoint = endpoint.Id, name, role, timeoutS = timeout.TotalSeconds, robots = robotIds });
        return endpoint;
    }

    /// <summary>
    /// A check-in: valid only when it answers the endpoint's current challenge with its ones'
    /// complement. Returns whether it was accepted and the next challenge. A valid check-in at a
    /// level other than NONE latches an emergency stop for the robots the endpoint guards.
    /// </summary>
    public (bool Accepted, ulong NextChallenge, string Detail) CheckIn(string endpointId, ulong challenge, ulong response, StopLevel level)
    {
        EmergencyStopEndpoint? endpoint;
        bool stop = false;
        ulong next;
        string detail;
        lock (_lock)
        {
            if (!_endpoints.TryGetValue(endpointId, out endpoint))
            {
                throw new SupervisorException(SupervisorError.NotFound, $"unknown e-stop endpoint '{endpointId}'; register it first");
            }
            if (challenge != endpoint.Challenge || response != ChallengeWindow.Answer(challenge))
            {
                return (false, endpoint.Challenge, "check-in does not answer the current challenge (stale or replayed); it does not count");
            }
            endpoint.LastValidCheckIn = _time.GetTimestamp();
            endpoint.Expired = false;
            endpoint.LastLevel = level;
            endpoint.Challenge = next = NewChallenge();
            stop = level != StopLevel.None && !_latches.Any(l => l.EndpointId == endpoint.Id && l.Cause == LatchCause.EndpointStop);
            detail = level == StopLevel.None ? "ok" : $"stop requested at {level}";
        }
        if (stop)
        {
            AddLatch(LatchCause.EndpointStop, endpoint.Id, $"e-stop endpoint '{endpoint.Name}' asked for a stop", endpoint.RobotIds, $"endpoint:{endpoint.Name}", level, endpoint.Id);
        }
        return (true, next, detail);
    }

    /// <summary>Endpoint snapshot for status.</summary>
    public IReadOnlyList<(EmergencyStopEndpoint Endpoint, TimeSpan SinceCheckIn)> Endpoints()
    {
        lock (_lock)
        {
            return _endpoints.Values.Select(e => (e, _time.GetElapsedTime(e.LastValidCheckIn))).ToArray();
        }
    }

    /// <summary>Watchdog: latches a stop for every endpoint whose check-in is overdue.</summary>
    public void Sweep()
    {
        List<EmergencyStopEndpoint>? expired = null;
        lock (_lock)
        {
            foreach (EmergencyStopEndpoint endpoint in _endpoints.Values)
            {
                if (!endpoint.Expired && _time.GetElapsedTime(endpoint.LastValidCheckIn) > endpoint.Timeout)
                {
                    endpoint.Expired = true;
                    (expired ??= []).Add(endpoint);
                }
            }
        }
        if (expired is null)
        {
            return;
        }
        foreach (EmergencyStopEndpoint endpoint in expired)
        {
            AddLatch(LatchCause.EndpointTimeout, endpoint.Id,
                $"e-stop endpoint '{endpoint.Name}' did not check in within {endpoint.Timeout.TotalSeconds:0.###} s",
                endpoint.RobotIds, "system", StopLevel.SettleThenCut, endpoint.Id);
        }
    }

    private EmergencyStopLatch AddLatch(LatchCause cause, string source, string reason, IReadOnlyList<string> robotIds, string principal, StopLevel level, string? endpointId)
    {
        EmergencyStopLatch latch;
        lock (_lock)
        {
            latch = new EmergencyStopLatch($"L{++_nextLatch}", cause, source, reason, robotIds.ToArray(), principal, _time.GetUtcNow(), level, endpointId);
            Volatile.Write(ref _latches, [.. _latches, latch]);
        }
        _audit.Write(AuditCategory.EmergencyStop, "estop.triggered", level.ToString(), principal,
            details: new { latch = latch.Id, cause = EmergencyStopLatch.CauseName(cause), source, reason, robots = latch.RobotIds });
        Latched?.Invoke(latch);
        return latch;
    }

    private static ulong NewChallenge()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes) | 1;
    }
}
