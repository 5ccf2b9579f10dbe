using NetTopologySuite.Geometries;
using NetTopologySuite.Index;
using Robot.Safety.Contracts;

namespace Robot.Safety.Geofence;

/// <summary>
/// The predictive geofence decision for one robot state. The robot is a circle (footprint
/// radius + reach + Z_r) swept along its velocity for its stopping distance (plus
/// <see cref="GeofenceConstants.DecisionLatencyAllowance"/> of travel): the capsule it could
/// still cover if told to stop now. Keep-out zones the capsule touches stop it before it can
/// enter; speed-limited and shared zones the capsule touches lower its limit before it arrives;
/// the capsule must stay inside the robot's work area; every tracked person is checked with
/// the ISO/TS 15066 protective separation distance.
/// <para>
/// Zones are found through the site's STRtree (queried with this instance as the reusable
/// visitor); per candidate, the zone's <see cref="ZoneOutline"/> (plain arrays computed from the
/// NTS polygon when the site was applied) does the geometry. One instance per robot session (it
/// holds scratch state and is not thread-safe). <see cref="Decide"/> allocates nothing.
/// </para>
/// </summary>
public sealed class GeofenceEvaluator : IItemVisitor<Zone>
{
    private readonly Envelope _query = new();
    private double _fromX, _fromY, _toX, _toY;
    private double _radius;
    private GeofenceDecision _result;

    /// <summary>
    /// Decides for <paramref name="robotId"/> at <paramref name="motion"/>. The motion must be
    /// validated (finite). Persons are read in order; the first stop found wins after the zones.
    /// </summary>
    public GeofenceDecision Decide(SiteModel site, string robotId, in RobotProfile profile, in RobotMotion motion, ReadOnlySpan<TrackedPerson> persons)
    {
        double speed = motion.Speed;
        double reach = Math.Max(profile.Reach, motion.Reach);
        double bodyRadius = profile.FootprintRadius + reach;
        _radius = bodyRadius + site.Defaults.Separation.RobotUncertainty;
        double travel = profile.StoppingDistance(speed) + speed * GeofenceConstants.DecisionLatencyAllowance;
        (_fromX, _fromY) = (motion.X, motion.Y);
        (_toX, _toY) = speed > GeofenceConstants.StandstillSpeed
            ? (motion.X + motion.Vx / speed * travel, motion.Y + motion.Vy / speed * travel)
            : (motion.X, motion.Y);
        double siteLimit = Math.Min(site.Defaults.MaxSpeed, profile.MaxSpeed);
        _result = new GeofenceDecision(VerdictKind.Permit, siteLimit, ReasonCode.ReasonClear, null, default, siteLimit, 0);

        Zone? workArea = site.WorkAreaOf(robotId);
        if (workArea is not null && !CapsuleWithin(workArea))
        {
            bool bodyInside = workArea.Outline.BoundaryDistance(_fromX, _fromY, _fromX, _fromY) >= _radius && workArea.Outline.Contains(_fromX, _fromY);
            return bodyInside
                ? new GeofenceDecision(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonWorkArea, workArea, default, travel, _radius)
                : new GeofenceDecision(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonWorkArea, workArea, default, 0, _radius);
        }

        _query.Init(
            Math.Min(_fromX, _toX) - _radius, Math.Max(_fromX, _toX) + _radius,
            Math.Min(_fromY, _toY) - _radius, Math.Max(_fromY, _toY) + _radius);
        site.Index.Query(_query, this);
        if (_result.IsStop)
        {
            return _result;
        }

        double reaction = profile.ReactionTime + GeofenceConstants.DecisionLatencyAllowance;
        for (int i = 0; i < persons.Length; i++)
        {
            ref readonly TrackedPerson person = ref persons[i];
            SeparationParameters p = SeparationFor(site, person);
            double dx = person.X - motion.X, dy = person.Y - motion.Y;
            double separation = Math.Sqrt(dx * dx + dy * dy) - bodyRadius;
            double chainReaction = reaction + p.SensingLatency;
            double required = ProtectiveSeparation.Distance(speed, chainReaction, profile.MaxDeceleration, p, person.Uncertainty);
            if (separation < required)
            {
                return new GeofenceDecision(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonSeparation, null, person, separation, required);
            }
            double allowed = ProtectiveSeparation.MaxRobotSpeed(separation, chainReaction, profile.MaxDeceleration, p, person.Uncertainty);
            if (allowed < _result.SpeedLimit)
            {
                _result = _result with { SpeedLimit = allowed, Reason = ReasonCode.ReasonSeparation, Zone = null, Person = person, Value = separation, Required = required };
            }
        }
        if (_result.SpeedLimit < GeofenceConstants.MinimumMovingSpeed)
        {
            _result = _result with { Kind = VerdictKind.ProtectiveStop, SpeedLimit = 0 };
        }
        return _result;
    }

    /// <summary>Called by the STRtree for each zone whose envelope meets the capsule's.</summary>
    void IItemVisitor<Zone>.VisitItem(Zone zone)
    {
        if (_result.IsStop)
        {
            return;
        }
        switch (zone.Kind)
        {
            case ZoneKind.KeepOut:
                if (CircleTouches(zone))
                {
                    _result = new GeofenceDecision(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonKeepOut, zone, default, 0, _radius);
                }
                else if (CapsuleTouches(zone))
                {
                    _result = new GeofenceDecision(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonKeepOutAhead, zone, default, zone.Outline.BoundaryDistance(_fromX, _fromY, _fromX, _fromY) - _radius, Math.Sqrt((_toX - _fromX) * (_toX - _fromX) + (_toY - _fromY) * (_toY - _fromY)));
                }
                break;
            case ZoneKind.SpeedLimit or ZoneKind.Shared:
                if (zone.MaxSpeed < _result.SpeedLimit && CapsuleTouches(zone))
                {
                    ReasonCode reason = zone.Kind == ZoneKind.Shared ? ReasonCode.ReasonSharedZone : ReasonCode.ReasonSpeedZone;
                    _result = _result with { SpeedLimit = zone.MaxSpeed, Reason = reason, Zone = zone, Value = zone.MaxSpeed };
                }
                break;
        }
    }

    // Distance to the outline first: when the segment stays farther than the radius from every
    // edge it is wholly inside or wholly outside, and one point-in-polygon test tells which.
    private bool CircleTouches(Zone zone) =>
        zone.Outline.BoundaryDistance(_fromX, _fromY, _fromX, _fromY) <= _radius || zone.Outline.Contains(_fromX, _fromY);

    private bool CapsuleTouches(Zone zone) =>
        zone.Outline.BoundaryDistance(_fromX, _fromY, _toX, _toY) <= _radius || zone.Outline.Contains(_fromX, _fromY);

    private bool CapsuleWithin(Zone zone) =>
        zone.Outline.BoundaryDistance(_fromX, _fromY, _toX, _toY) > _radius && zone.Outline.Contains(_fromX, _fromY);

    private static SeparationParameters SeparationFor(SiteModel site, in TrackedPerson person)
    {
        var shared = site.SharedZones;
        if (shared.Count > 0)
        {
            for (int i = 0; i < shared.Count; i++)
            {
                ZoneOutline outline = shared[i].Outline;
                if (outline.Contains(person.X, person.Y) || outline.BoundaryDistance(person.X, person.Y, person.X, person.Y) == 0)
                {
                    return shared[i].Separation!;
                }
            }
        }
        return site.Defaults.Separation;
    }
}
