using System.Collections.Concurrent;
using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;
using Robot.Safety.Audit;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;

namespace Robot.Safety.Supervisor;

/// <summary>
/// The site safety supervisor, without gRPC: sessions, verdicts, heartbeats, watchdogs, the
/// e-stop registry, people and zones. The gRPC services translate to and from this class; tests
/// drive it directly with a controlled <see cref="TimeProvider"/>.
/// </summary>
public sealed class SafetySupervisor
{
    private static readonly GeometryFactory s_geometry = new();
    private readonly TimeProvider _time;
    private readonly SupervisorOptions _options;
    private readonly ConcurrentDictionary<string, RobotSession> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _zonesLock = new();
    private SiteModel _site;
    private volatile bool _halted;

    public SafetySupervisor(SiteModel site, SupervisorAudit audit, TimeProvider time, SupervisorOptions? options = null)
    {
        _site = site;
        Audit = audit;
        _time = time;
        _options = options ?? new SupervisorOptions();
        EStops = new EmergencyStopRegistry(time, audit);
        Persons = new PersonTracker(time);
        EStops.Latched += OnLatched;
        audit.Write(AuditCategory.Zones, "zones.loaded", "ok", "system", details: new { site = site.Name, version = site.Version, hash = site.ContentHash, zones = site.Zones.Count });
    }

    public SupervisorAudit Audit { get; }
    public EmergencyStopRegistry EStops { get; }
    public PersonTracker Persons { get; }
    public SupervisorOptions Options => _options;
    public TimeProvider Time => _time;

    /// <summary>The site configuration in force (replaced whole by <see cref="ApplyZones"/>).</summary>
    public SiteModel Site => Volatile.Read(ref _site);

    /// <summary>Open sessions by robot id.</summary>
    public IReadOnlyDictionary<string, RobotSession> Sessions => _sessions;

    // ------------------------------------------------------------------------------ sessions

    /// <summary>
    /// Opens a session for a validated Hello. A robot the site does not know is refused; a robot
    /// that already has a session gets the new one and the old one is closed. The first verdict
    /// (a protective stop with the first challenge) is already in the outbox.
    /// </summary>
    public RobotSession OpenSession(RobotHello hello, CallerIdentity caller)
    {
        if (_halted)
        {
            throw new SupervisorException(SupervisorError.Unavailable, "the supervisor is halted");
        }
        RobotProfile profile = ValidateHello(hello);
        // A certificate speaks for one robot: without this, any robot certificate could open a
        // session as another robot and close that robot's real one.
        if (!caller.MayActAs(hello.RobotId))
        {
            Audit.Write(AuditCategory.Access, "session.refused", "denied", caller.Principal, hello.RobotId,
                details: new { reason = "the certificate's name is not the hello's robot_id" });
            throw new SupervisorException(SupervisorError.PermissionDenied, $"hello.robot_id: '{hello.RobotId}' is not the caller's certificate name ('{caller.Principal}'); a robot opens sessions only as itself");
        }
        var session = new RobotSession(hello.RobotId, profile, _time.GetTimestamp());
        RobotSession? previous = null;
        _sessions.AddOrUpdate(hello.RobotId, session, (_, old) => { previous = old; return session; });
        if (previous is not null)
        {
            CloseSession(previous, "replaced by a new session of the same robot");
        }
        Audit.Write(AuditCategory.Session, "session.started", "ok", caller.Principal, hello.RobotId,
            details: new { footprintRadius = profile.FootprintRadius, profile.Reach, profile.ReactionTime, profile.MaxDeceleration, profile.MaxSpeed, insecure = caller.Insecure });
        Push(session, VerdictKind.ProtectiveStop, ReasonCode.ReasonSessionStarting, "session starting: answer the challenge to get a permit", null, StopLevel.None);
        return session;
    }

    /// <summary>Ends a session (stream closed or replaced); the robot's own timeout stops it.</summary>
    public void CloseSession(RobotSession session, string reason)
    {
        lock (session.Sync)
        {
            if (session.Closed)
            {
                return;
            }
            session.Closed = true;
            session.CloseReason = reason;
        }
        session.Outbox.Writer.TryComplete();
        session.SignalEnd();
        _sessions.TryRemove(new KeyValuePair<string, RobotSession>(session.RobotId, session));
        Audit.Write(AuditCategory.Session, "session.ended", "ok", "system", session.RobotId, details: new { reason });
    }

    /// <summary>
    /// Stops deciding for good, as if the process died: no verdict is sent or pushed again and no
    /// session opens. Robots stop on their own verdict timeouts. Used by failure tests.
    /// </summary>
    public void Halt()
    {
        _halted = true;
        Audit.Write(AuditCategory.Session, "supervisor.halted", "ok", "system");
    }

    /// <summary>Ends every session (shutdown): robots stop on their own verdict timeouts.</summary>
    public void CloseAllSessions(string reason)
    {
        foreach (RobotSession session in _sessions.Values)
        {
            CloseSession(session, reason);
        }
    }

    /// <summary>
    /// Handles one robot state and queues the verdict that answers it (also returned). A state
    /// that is not a valid heartbeat (sequence does not increase, challenge unknown, stale or
    /// wrongly answered) or is not finite gets a protective stop and does not refresh the
    /// watchdog.
    /// </summary>
    public SupervisorVerdict OnState(RobotSession session, in RobotStateReport report)
    {
        SiteModel site = Site;
        long now = _time.GetTimestamp();
        long oldest = now - (long)(site.Defaults.HeartbeatTimeout.TotalSeconds * _time.TimestampFrequency);
        VerdictKind kind;
        ReasonCode code;
        string reason;
        string? zoneId = null;
        double speed = 0;
        StopLevel level = StopLevel.None;
        bool latched = false;
        lock (session.Sync)
        {
            if (session.Closed || _halted)
            {
                return session.LastVerdict;
            }
            bool sequenceOk = report.Sequence > session.LastSequence;
            ulong lastSequence = session.LastSequence;
            if (sequenceOk)
            {
                session.LastSequence = report.Sequence;
            }
            string? invalid = sequenceOk ? null : $"sequence {report.Sequence} does not increase (last {lastSequence}): stale or replayed message ignored";
            if (invalid is null && !session.Challenges.TryAccept(report.Challenge, report.ChallengeResponse, oldest))
            {
                invalid = $"challenge {report.Challenge:x16} is unknown, stale or wrongly answered: not a valid heartbeat";
            }
            string? badState = invalid is null ? ValidateState(report, session.Profile) : null;
            var motion = new RobotMotion(report.X, report.Y, report.Vx, report.Vy, report.Reach);
            if (invalid is null && badState is null)
            {
                session.LastHeartbeat = now;
                if (session.Lost)
                {
                    session.Lost = false;
                    Audit.Write(AuditCategory.Session, "robot.recovered", "ok", "system", session.RobotId);
                }
                session.LastMotion = motion;
            }
            // The latch is checked before anything else: the robot's gate drops its own latch on
            // any verdict without estop_latched, so a protective stop for a bad heartbeat would
            // turn a latched emergency stop into a settle with power on.
            EmergencyStopLatch? latch = EStops.Covering(session.RobotId);
            if (latch is not null)
            {
                string latchReason = $"emergency stop {latch.Id} latched: {latch.Reason}";
                (kind, code, reason, level, latched) = (VerdictKind.EmergencyStop, ReasonCode.ReasonEmergencyStop,
                    (invalid ?? badState) is { } rejected ? $"{latchReason} (and {rejected})" : latchReason, latch.Level, true);
            }
            else if (invalid is not null)
            {
                (kind, code, reason) = (VerdictKind.ProtectiveStop, ReasonCode.ReasonHeartbeatInvalid, invalid);
            }
            else if (badState is not null)
            {
                (kind, code, reason) = (VerdictKind.ProtectiveStop, ReasonCode.ReasonInvalidState, badState);
            }
            else if (EStops.IsRestartRequired(session.RobotId))
            {
                (kind, code, reason) = (VerdictKind.ProtectiveStop, ReasonCode.ReasonRestartRequired, "emergency stop was reset; waiting for a deliberate resume");
            }
            else
            {
                GeofenceDecision d = session.Evaluator.Decide(site, session.RobotId, session.Profile, motion, Persons.Snapshot);
                (kind, code, speed, zoneId) = (d.Kind, d.Reason, d.SpeedLimit, d.Zone?.Id);
                reason = Describe(d);
            }
            var verdict = new SupervisorVerdict(kind, kind == VerdictKind.Permit ? speed : 0, code, reason, zoneId, report.Sequence,
                session.Challenges.Issue(now), latched, level, site.Version, report.SentUnixNanos);
            RecordUnsynchronized(session, verdict);
            session.Outbox.Writer.TryWrite(verdict);
            return verdict;
        }
    }

    /// <summary>
    /// Watchdog sweep: robots whose heartbeat is overdue are marked lost and sent a stop,
    /// endpoints that missed their check-in latch a stop, stale person tracks are forgotten.
    /// The host calls it every <see cref="SupervisorOptions.SweepInterval"/>.
    /// </summary>
    public void Sweep()
    {
        SiteModel site = Site;
        EStops.Sweep();
        Persons.Sweep(site.Defaults.PersonTrackTimeout);
        foreach (RobotSession session in _sessions.Values)
        {
            bool lost;
            lock (session.Sync)
            {
                long since = session.LastHeartbeat != 0 ? session.LastHeartbeat : session.OpenedAt;
                lost = !session.Closed && !session.Lost && _time.GetElapsedTime(since) > site.Defaults.HeartbeatTimeout;
                if (lost)
                {
                    session.Lost = true;
                }
            }
            if (lost)
            {
                // The record names the stop the robot is sent: under a latch that is the emergency stop (Push).
                Audit.Write(AuditCategory.Stop, "robot.lost", EStops.Covering(session.RobotId) is null ? "protective_stop" : "emergency_stop", "system", session.RobotId,
                    details: new { heartbeatTimeoutMs = site.Defaults.HeartbeatTimeout.TotalMilliseconds });
                Push(session, VerdictKind.ProtectiveStop, ReasonCode.ReasonHeartbeatLost,
                    $"no valid heartbeat for more than {site.Defaults.HeartbeatTimeout.TotalMilliseconds:0} ms: robot marked lost", null, StopLevel.None);
            }
        }
    }

    // ------------------------------------------------------------------------------ persons

    /// <summary>
    /// Stores a sensor's person report (see <see cref="PersonTracker.Report"/>). An authenticated
    /// caller reports only as the sensor its certificate names (sensor_id = certificate name):
    /// a report replaces the sensor's persons, so reporting as another sensor would erase the
    /// people it sees. Refusals are audited and change nothing.
    /// </summary>
    public int ReportPersons(string sensorId, IReadOnlyList<TrackedPerson> persons, CallerIdentity caller)
    {
        if (!caller.MayActAs(sensorId))
        {
            Audit.Write(AuditCategory.Access, "persons.refused", "denied", caller.Principal,
                details: new { sensorId, reason = "the certificate's name is not the report's sensor_id" });
            throw new SupervisorException(SupervisorError.PermissionDenied, $"sensor_id: '{sensorId}' is not the caller's certificate name ('{caller.Principal}'); a sensor reports only as itself");
        }
        return Persons.Report(sensorId, persons);
    }

    // ------------------------------------------------------------------------------ e-stop

    /// <summary>Latches an emergency stop (any caller may stop; only a safety engineer resets).</summary>
    public EmergencyStopLatch TriggerEmergencyStop(IReadOnlyList<string> robotIds, string reason, StopLevel level, CallerIdentity caller)
    {
        foreach (string id in robotIds)
        {
            if (!Site.Robots.ContainsKey(id))
            {
                throw new SupervisorException(SupervisorError.NotFound, $"robot_ids: unknown robot '{id}'; the site knows {string.Join(", ", Site.Robots.Keys.Order(StringComparer.Ordinal))}");
            }
        }
        return EStops.Trigger(robotIds, reason, level, caller.Principal);
    }

    /// <summary>
    /// Resets latches (see <see cref="EmergencyStopRegistry.Reset"/>). Robots they covered do not
    /// move again on their own: each waits for <see cref="Resume"/>.
    /// </summary>
    public (IReadOnlyList<EmergencyStopLatch> Reset, IReadOnlyList<string> Remaining) ResetEmergencyStop(string? latchId, CallerIdentity caller)
    {
        if (caller.HasRole(EmergencyStopRegistry.SafetyRole))
        {
            RefuseWhileAuditFails("estop.reset", "resetting an emergency stop", caller);
        }
        // The registry marks the robots as waiting for a resume in the same critical section that
        // removes the latches, so no verdict sees a robot that is neither latched nor waiting.
        return EStops.Reset(latchId, caller, Site.Robots.Keys);
    }

    /// <summary>
    /// The deliberate restart after a reset: robots (all waiting ones when empty) may get
    /// permits again. Needs the safety-engineer role; a robot still under a latch stays stopped.
    /// </summary>
    public IReadOnlyList<string> Resume(IReadOnlyList<string> robotIds, CallerIdentity caller)
    {
        if (!caller.HasRole(EmergencyStopRegistry.SafetyRole))
        {
            Audit.Write(AuditCategory.EmergencyStop, "estop.resume", "denied", caller.Principal, details: new { robots = robotIds, role = caller.Role });
            throw new SupervisorException(SupervisorError.PermissionDenied, $"resuming after an emergency stop needs the '{EmergencyStopRegistry.SafetyRole}' role; caller '{caller.Principal}' has '{caller.Role ?? "none"}'");
        }
        RefuseWhileAuditFails("estop.resume", "resuming after an emergency stop", caller);
        IReadOnlyList<string> resumed;
        try
        {
            resumed = EStops.Resume(robotIds);
        }
        catch (SupervisorException e) when (e.Error == SupervisorError.FailedPrecondition)
        {
            Audit.Write(AuditCategory.EmergencyStop, "estop.resume", "refused", caller.Principal, details: new { robots = robotIds, refusal = e.Message, insecureRoleClaim = caller.Insecure });
            throw;
        }
        Audit.Write(AuditCategory.EmergencyStop, "estop.resume", "ok", caller.Principal, details: new { robots = resumed, insecureRoleClaim = caller.Insecure });
        return resumed;
    }

    /// <summary>Robots that wait for a resume after a reset.</summary>
    public bool IsRestartRequired(string robotId) => EStops.IsRestartRequired(robotId);

    private void OnLatched(EmergencyStopLatch latch)
    {
        foreach (RobotSession session in _sessions.Values)
        {
            if (latch.Covers(session.RobotId))
            {
                Push(session, VerdictKind.EmergencyStop, ReasonCode.ReasonEmergencyStop, $"emergency stop {latch.Id} latched: {latch.Reason}", null, latch.Level, estopLatched: true);
            }
        }
    }

    // ------------------------------------------------------------------------------ zones

    /// <summary>Validates a site file without applying it.</summary>
    public static (SiteModel? Model, IReadOnlyList<SiteValidationError> Errors) ValidateZones(string yaml) => SiteFileParser.TryParse(yaml);

    /// <summary>
    /// Replaces the site configuration atomically: the new file is validated whole first, must
    /// keep every robot that has a session, must carry a higher version, and (when
    /// <paramref name="expectedVersion"/> is not 0) the current version must be the expected one.
    /// Nothing changes unless everything passes.
    /// </summary>
    public SiteModel ApplyZones(string yaml, long expectedVersion, CallerIdentity caller)
    {
        if (!caller.HasRole(EmergencyStopRegistry.SafetyRole))
        {
            Audit.Write(AuditCategory.Zones, "zones.apply", "denied", caller.Principal, details: new { role = caller.Role });
            throw new SupervisorException(SupervisorError.PermissionDenied, $"applying zones needs the '{EmergencyStopRegistry.SafetyRole}' role; caller '{caller.Principal}' has '{caller.Role ?? "none"}'");
        }
        RefuseWhileAuditFails("zones.apply", "applying zones", caller);
        var (model, errors) = SiteFileParser.TryParse(yaml);
        if (model is null)
        {
            Audit.Write(AuditCategory.Zones, "zones.apply", "invalid", caller.Principal, details: new { errors = errors.Select(e => e.ToString()).ToArray() });
            throw new SiteValidationException("site file", errors);
        }
        lock (_zonesLock)
        {
            SiteModel current = Site;
            string? refusal = null;
            if (expectedVersion != 0 && current.Version != expectedVersion)
            {
                refusal = $"expected current version {expectedVersion} but it is {current.Version}; reload and retry";
            }
            else if (model.Version <= current.Version)
            {
                refusal = $"version {model.Version} must be greater than the current version {current.Version}";
            }
            else if (_sessions.Keys.FirstOrDefault(r => !model.Robots.ContainsKey(r)) is { } orphan)
            {
                refusal = $"robot '{orphan}' has an open session but the new file does not list it";
            }
            if (refusal is not null)
            {
                Audit.Write(AuditCategory.Zones, "zones.apply", "refused", caller.Principal, details: new { refusal, hash = model.ContentHash });
                throw new SupervisorException(SupervisorError.Aborted, refusal);
            }
            Volatile.Write(ref _site, model);
            Audit.Write(AuditCategory.Zones, "zones.applied", "ok", caller.Principal,
                details: new { site = model.Name, version = model.Version, hash = model.ContentHash, previousVersion = current.Version, previousHash = current.ContentHash, zones = model.Zones.Count, insecureRoleClaim = caller.Insecure });
            return model;
        }
    }

    // ------------------------------------------------------------------------------ helpers

    /// <summary>
    /// Refuses an action that lets robots move again (reset, resume, new zones) while the audit
    /// store fails: such an action must not happen unrecorded. Stopping is never refused.
    /// </summary>
    private void RefuseWhileAuditFails(string type, string action, CallerIdentity caller)
    {
        if (Audit.StoreError is { } error)
        {
            // Queued like any record: it is appended if the store has come back meanwhile.
            Audit.Write(AuditCategory.EmergencyStop, type, "refused", caller.Principal, details: new { reason = "audit store failing", error });
            throw new SupervisorException(SupervisorError.Unavailable, $"{action} is refused while the audit log cannot record it (its last append failed: {error}); nothing changed");
        }
    }

    private void Push(RobotSession session, VerdictKind kind, ReasonCode code, string reason, string? zone, StopLevel level, bool estopLatched = false)
    {
        lock (session.Sync)
        {
            if (session.Closed || _halted)
            {
                return;
            }
            // A covered robot gets nothing but the emergency stop (see OnState for why).
            if (EStops.Covering(session.RobotId) is { } latch)
            {
                string latchReason = $"emergency stop {latch.Id} latched: {latch.Reason}";
                reason = code == ReasonCode.ReasonEmergencyStop ? latchReason : $"{latchReason} (and {reason})";
                (kind, code, level, estopLatched) = (VerdictKind.EmergencyStop, ReasonCode.ReasonEmergencyStop, latch.Level, true);
            }
            var verdict = new SupervisorVerdict(kind, 0, code, reason, zone, 0, session.Challenges.Issue(_time.GetTimestamp()),
                estopLatched, level, Site.Version, 0);
            RecordUnsynchronized(session, verdict);
            session.Outbox.Writer.TryWrite(verdict);
        }
    }

    private void RecordUnsynchronized(RobotSession session, in SupervisorVerdict verdict)
    {
        session.LastVerdict = verdict;
        var key = (verdict.Kind, verdict.ReasonCode, verdict.ZoneId);
        if (key != session.LastDecision)
        {
            session.LastDecision = key;
            string category = verdict.Kind == VerdictKind.Permit ? AuditCategory.Verdict : AuditCategory.Stop;
            Audit.Write(category, "verdict.changed", KindName(verdict.Kind), "system", session.RobotId, verdict.ZoneId,
                new { reasonCode = verdict.ReasonCode.ToString(), reason = verdict.Reason, speedLimit = verdict.SpeedLimit, stopLevel = verdict.StopLevel.ToString() });
        }
    }

    public static string KindName(VerdictKind kind) => kind switch
    {
        VerdictKind.Permit => "permit",
        VerdictKind.ProtectiveStop => "protective_stop",
        VerdictKind.EmergencyStop => "emergency_stop",
        _ => "unspecified",
    };

    private static string Describe(in GeofenceDecision d)
    {
        var c = CultureInfo.InvariantCulture;
        return d.Reason switch
        {
            ReasonCode.ReasonClear => "clear",
            ReasonCode.ReasonSpeedZone => string.Create(c, $"speed zone '{d.Zone?.Id}' within stopping distance: limit {d.SpeedLimit:0.###} m/s"),
            ReasonCode.ReasonSharedZone => string.Create(c, $"zone '{d.Zone?.Id}' shared with people within stopping distance: limit {d.SpeedLimit:0.###} m/s"),
            ReasonCode.ReasonKeepOut => $"inside or touching keep-out zone '{d.Zone?.Id}'",
            ReasonCode.ReasonKeepOutAhead => string.Create(c, $"cannot stop before keep-out zone '{d.Zone?.Id}': {d.Value:0.###} m away, stopping needs {d.Required:0.###} m"),
            ReasonCode.ReasonWorkArea when d.Value == 0 => $"outside or on the edge of work area '{d.Zone?.Id}'",
            ReasonCode.ReasonWorkArea => string.Create(c, $"would leave work area '{d.Zone?.Id}' within stopping distance {d.Value:0.###} m"),
            ReasonCode.ReasonSeparation when d.Kind != VerdictKind.Permit => string.Create(c, $"person '{d.Person.Id}' at {d.Value:0.###} m, protective separation S_p needs {d.Required:0.###} m"),
            ReasonCode.ReasonSeparation => string.Create(c, $"person '{d.Person.Id}' at {d.Value:0.###} m: separation limits speed to {d.SpeedLimit:0.###} m/s"),
            _ => d.Reason.ToString(),
        };
    }

    private RobotProfile ValidateHello(RobotHello hello)
    {
        if (string.IsNullOrWhiteSpace(hello.RobotId))
        {
            throw new SupervisorException(SupervisorError.InvalidArgument, "hello.robot_id: expected a non-empty robot id");
        }
        if (!Site.Robots.ContainsKey(hello.RobotId))
        {
            Audit.Write(AuditCategory.Session, "session.refused", "unknown_robot", "system", hello.RobotId);
            throw new SupervisorException(SupervisorError.NotFound, $"hello.robot_id: unknown robot '{hello.RobotId}'; the site file (version {Site.Version}) lists {string.Join(", ", Site.Robots.Keys.Order(StringComparer.Ordinal))}");
        }
        if (hello.Footprint.Count < 3 || hello.Footprint.Count > _options.MaxFootprintPoints)
        {
            throw new SupervisorException(SupervisorError.InvalidArgument, $"hello.footprint: expected 3 to {_options.MaxFootprintPoints} points, got {hello.Footprint.Count}");
        }
        double radius = 0;
        var coordinates = new Coordinate[hello.Footprint.Count + 1];
        for (int i = 0; i < hello.Footprint.Count; i++)
        {
            var (x, y) = hello.Footprint[i];
            if (!double.IsFinite(x) || !double.IsFinite(y) || Math.Abs(x) > SupervisorConstants.MaxPlausibleReach || Math.Abs(y) > SupervisorConstants.MaxPlausibleReach)
            {
                throw new SupervisorException(SupervisorError.InvalidArgument, $"hello.footprint[{i}]: ({x}, {y}) must be finite and within {SupervisorConstants.MaxPlausibleReach} m of the base");
            }
            radius = Math.Max(radius, Math.Sqrt(x * x + y * y));
            coordinates[i] = new Coordinate(x, y);
        }
        coordinates[^1] = coordinates[0].Copy();
        var validity = new IsValidOp(s_geometry.CreatePolygon(coordinates));
        if (!validity.IsValid)
        {
            throw new SupervisorException(SupervisorError.InvalidArgument, $"hello.footprint: invalid polygon: {validity.ValidationError?.Message} (self-intersecting or degenerate)");
        }
        Check(hello.Reach, "hello.reach", 0, SupervisorConstants.MaxPlausibleReach, inclusiveMin: true);
        Check(hello.ReactionTime, "hello.reaction_time", 0, SupervisorConstants.MaxPlausibleReactionTime, inclusiveMin: true);
        Check(hello.MaxDeceleration, "hello.max_deceleration", 0, SupervisorConstants.MaxPlausibleDeceleration, inclusiveMin: false);
        Check(hello.MaxSpeed, "hello.max_speed", 0, SupervisorConstants.MaxPlausibleSpeed, inclusiveMin: false);
        return new RobotProfile(radius, hello.Reach, hello.ReactionTime, hello.MaxDeceleration, hello.MaxSpeed);

        static void Check(double value, string field, double min, double max, bool inclusiveMin)
        {
            bool ok = double.IsFinite(value) && (inclusiveMin ? value >= min : value > min) && value <= max;
            if (!ok)
            {
                throw new SupervisorException(SupervisorError.InvalidArgument, string.Create(CultureInfo.InvariantCulture,
                    $"{field}: expected a finite number {(inclusiveMin ? ">=" : ">")} {min} and <= {max}, got {value}"));
            }
        }
    }

    private static string? ValidateState(in RobotStateReport r, in RobotProfile profile)
    {
        if (!double.IsFinite(r.X) || !double.IsFinite(r.Y) || Math.Abs(r.X) > SupervisorConstants.MaxCoordinate || Math.Abs(r.Y) > SupervisorConstants.MaxCoordinate)
        {
            return string.Create(CultureInfo.InvariantCulture, $"state.position: ({r.X}, {r.Y}) must be finite and within {SupervisorConstants.MaxCoordinate} m");
        }
        if (!double.IsFinite(r.Heading))
        {
            return string.Create(CultureInfo.InvariantCulture, $"state.heading: {r.Heading} must be finite");
        }
        if (!double.IsFinite(r.Vx) || !double.IsFinite(r.Vy))
        {
            return string.Create(CultureInfo.InvariantCulture, $"state.velocity: ({r.Vx}, {r.Vy}) must be finite");
        }
        double speed = Math.Sqrt(r.Vx * r.Vx + r.Vy * r.Vy);
        if (speed > 2 * profile.MaxSpeed + 0.5)
        {
            return string.Create(CultureInfo.InvariantCulture, $"state.velocity: speed {speed:0.###} m/s is implausible for a robot declaring max_speed {profile.MaxSpeed} m/s");
        }
        if (!double.IsFinite(r.Reach) || r.Reach < 0 || r.Reach > SupervisorConstants.MaxPlausibleReach)
        {
            return string.Create(CultureInfo.InvariantCulture, $"state.reach: {r.Reach} must be finite, >= 0 and <= {SupervisorConstants.MaxPlausibleReach} m");
        }
        return null;
    }
}
