using NetTopologySuite.Algorithm;
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
/// Zones are found through the site's STRtree; per candidate, NTS's indexed point locator and
/// segment distance do the geometry. One instance per robot session (it holds scratch state and
/// is not thread-safe). <see cref="Decide"/> allocates only what NTS's point locator allocates
/// per query (a small visitor, about 100 bytes per point-in-polygon test).
/// </para>
/// </summary>
public sealed class GeofenceEvaluator : IItemVisitor<Zone>
{
    private readonly Coordinate _from = new();
    private readonly Coordinate _to = new();
    private readonly Coordinate _personAt = new();
    private readonly Envelope _query = new();
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
        _from.X = motion.X;
        _from.Y = motion.Y;
        if (speed > GeofenceConstants.StandstillSpeed)
        {
            _to.X = motion.X + motion.Vx / speed * travel;
            _to.Y = motion.Y + motion.Vy / speed * travel;
        }
        else
        {
            _to.X = motion.X;
            _to.Y = motion.Y;
        }
        double siteLimit = Math.Min(site.Defaults.MaxSpeed, profile.MaxSpeed);
        _result = new GeofenceDecision(VerdictKind.Permit, siteLimit, ReasonCode.ReasonClear, null, default, siteLimit, 0);

        Zone? workArea = site.WorkAreaOf(robotId);
        if (workArea is not null && !CapsuleWithin(workArea))
        {
            bool bodyInside = RingDistance(_from, _from, workArea.Ring) >= _radius && workArea.Locator.Locate(_from) == Location.Interior;
            return bodyInside
                ? new GeofenceDecision(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonWorkArea, workArea, default, travel, _radius)
                : new GeofenceDecision(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonWorkArea, workArea, default, 0, _radius);
        }

        _query.Init(
            Math.Min(_from.X, _to.X) - _radius, Math.Max(_from.X, _to.X) + _radius,
            Math.Min(_from.Y, _to.Y) - _radius, Math.Max(_from.Y, _to.Y) + _radius);
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
                    _result = new GeofenceDecision(VerdictKind.ProtectiveStop, 0, ReasonCode.ReasonKeepOutAhead, zone, default, RingDistance(_from, _from, zone.Ring) - _radius, _from.Distance(_to));
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
    // edge it is wholly inside or wholly outside, and one point-in-polygon query tells which.
    private bool CircleTouches(Zone zone) =>
        RingDistance(_from, _from, zone.Ring) <= _radius || zone.Locator.Locate(_from) != Location.Exterior;

    private bool CapsuleTouches(Zone zone) =>
        RingDistance(_from, _to, zone.Ring) <= _radius || zone.Locator.Locate(_from) != Location.Exterior;

    private bool CapsuleWithin(Zone zone) =>
        RingDistance(_from, _to, zone.Ring) > _radius && zone.Locator.Locate(_from) == Location.Interior;

    private static double RingDistance(Coordinate a, Coordinate b, Coordinate[] ring)
    {
        double best = double.PositiveInfinity;
        bool point = a.X == b.X && a.Y == b.Y;
        for (int i = 0; i < ring.Length - 1; i++)
        {
            double d = point
                ? DistanceComputer.PointToSegment(a, ring[i], ring[i + 1])
                : DistanceComputer.SegmentToSegment(a, b, ring[i], ring[i + 1]);
            if (d < best)
            {
                best = d;
            }
        }
        return best;
    }

    private SeparationParameters SeparationFor(SiteModel site, in TrackedPerson person)
    {
        var shared = site.SharedZones;
        if (shared.Count > 0)
        {
            _personAt.X = person.X;
            _personAt.Y = person.Y;
            for (int i = 0; i < shared.Count; i++)
            {
                if (shared[i].Locator.Locate(_personAt) != Location.Exterior)
                {
                    return shared[i].Separation!;
                }
            }
        }
        return site.Defaults.Separation;
    }
}
