using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Buffer;

namespace Robot.Control.Locomotion;

/// <summary>
/// Plans footsteps from a start pose to a goal pose. First a body path: the straight line, or
/// when it would bring the robot's footprint (a disc of <see cref="FootprintRadius"/>) within the
/// margin of a keep-out zone, the shortest path through a visibility graph over the corners of
/// the zones inflated by footprint + margin (NetTopologySuite buffers and intersections).
/// Then footsteps along it, alternating feet: far from a waypoint the robot faces it (turning on
/// the spot first when the heading error is large) and walks forward; near the goal it side-steps
/// and turns to the goal heading. Half a step before a corner of the path the body heads on to the
/// next one only when the straight line there keeps the clearance; otherwise it steps onto the
/// corner first. Only the leading foot moves the body sideways or turns it (the
/// other foot closes), so the feet never cross. The walk ends with both feet beside the goal.
/// </summary>
public static class FootstepPlanner
{
    /// <summary>Radius of the disc that holds the robot's footprint with arms in, m.</summary>
    public const double FootprintRadius = 0.3;

    private static readonly GeometryFactory s_factory = new();

    /// <summary>Plans from the feet standing neutrally at <paramref name="start"/> to the feet beside <paramref name="goal"/>.</summary>
    /// <param name="start">Body pose at the start (midpoint between the soles, heading).</param>
    /// <param name="goal">Body pose wanted.</param>
    /// <param name="gait">Step limits.</param>
    /// <param name="keepOut">Zones to stay out of; null or empty for none.</param>
    /// <param name="margin">Clearance between the footprint and every zone, m.</param>
    /// <exception cref="ArgumentException">The gait options or a zone are invalid (every problem listed).</exception>
    public static FootstepPlanResult Plan(Pose2 start, Pose2 goal, GaitOptions gait, IReadOnlyList<KeepOutZone>? keepOut = null, double margin = 0.1)
    {
        ArgumentNullException.ThrowIfNull(gait);
        var errors = new List<string>(gait.Validate());
        if (!double.IsFinite(start.X + start.Y + start.Yaw) || !double.IsFinite(goal.X + goal.Y + goal.Yaw))
        {
            errors.Add($"start {start} and goal {goal} must be finite");
        }
        if (!(margin >= 0) || !double.IsFinite(margin))
        {
            errors.Add($"margin {margin} m must be a finite number ≥ 0");
        }
        var zones = new List<(string Name, Geometry Inflated, Geometry Corners)>();
        foreach (KeepOutZone zone in keepOut ?? [])
        {
            if (ToPolygon(zone, out string? problem) is not { } polygon)
            {
                errors.Add(problem!);
                continue;
            }
            double clearance = FootprintRadius + margin;
            var parameters = new BufferParameters(2, EndCapStyle.Round, JoinStyle.Mitre, 2);
            zones.Add((zone.Name, polygon.Buffer(clearance), BufferOp.Buffer(polygon, clearance * 1.02 + 1e-3, parameters)));
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid footstep planning request: " + string.Join("; ", errors));
        }
        foreach (var (name, inflated, _) in zones)
        {
            if (inflated.Contains(Point(start.X, start.Y)))
            {
                return FootstepPlanResult.NoPath($"the start ({start.X:F2}, {start.Y:F2}) is within {FootprintRadius + margin:F2} m of keep-out zone '{name}'");
            }
            if (inflated.Contains(Point(goal.X, goal.Y)))
            {
                return FootstepPlanResult.NoPath($"the goal ({goal.X:F2}, {goal.Y:F2}) is within {FootprintRadius + margin:F2} m of keep-out zone '{name}'");
            }
        }
        List<Pose2>? path = BodyPath(start, goal, zones);
        if (path is null)
        {
            return FootstepPlanResult.NoPath($"no path from ({start.X:F2}, {start.Y:F2}) to ({goal.X:F2}, {goal.Y:F2}) keeps {margin:F2} m from every keep-out zone");
        }
        List<Footstep>? steps = StepAlong(start, path, gait, zones);
        return steps is null
            ? FootstepPlanResult.NoPath($"the goal is not reached within {gait.MaxSteps} steps")
            : new FootstepPlanResult(true, steps, path, null);
    }

    /// <summary>The soles of a neutral stance at <paramref name="body"/>.</summary>
    public static (Pose2 Left, Pose2 Right) Stance(Pose2 body, GaitOptions gait) =>
        (body.Offset(0, gait.StepWidth / 2), body.Offset(0, -gait.StepWidth / 2));

    private static Polygon? ToPolygon(KeepOutZone zone, out string? problem)
    {
        problem = null;
        if (zone.Vertices is not { Count: >= 3 } || zone.Vertices.Any(v => !double.IsFinite(v.X) || !double.IsFinite(v.Y)))
        {
            problem = $"keep-out zone '{zone.Name}' needs at least 3 finite vertices";
            return null;
        }
        var coordinates = zone.Vertices.Select(v => new Coordinate(v.X, v.Y)).Append(new Coordinate(zone.Vertices[0].X, zone.Vertices[0].Y)).ToArray();
        Polygon polygon = s_factory.CreatePolygon(coordinates);
        if (!polygon.IsValid)
        {
            problem = $"keep-out zone '{zone.Name}' is not a simple polygon (self-intersecting or degenerate)";
            return null;
        }
        return polygon;
    }

    private static Point Point(double x, double y) => s_factory.CreatePoint(new Coordinate(x, y));

    private static bool Clear(Coordinate a, Coordinate b, List<(string Name, Geometry Inflated, Geometry Corners)> zones)
    {
        LineString line = s_factory.CreateLineString([a, b]);
        return zones.TrueForAll(z => !z.Inflated.Intersects(line));
    }

    /// <summary>Shortest body path (Dijkstra over the visibility graph), as poses heading along each leg; the last is the goal.</summary>
    private static List<Pose2>? BodyPath(Pose2 start, Pose2 goal, List<(string Name, Geometry Inflated, Geometry Corners)> zones)
    {
        var nodes = new List<Coordinate> { new(start.X, start.Y), new(goal.X, goal.Y) };
        if (Clear(nodes[0], nodes[1], zones))
        {
            return [goal];
        }
        foreach (var (_, _, corners) in zones)
        {
            Coordinate[] ring = corners is Polygon p ? p.ExteriorRing.Coordinates : corners.Coordinates;
            nodes.AddRange(ring.Take(Math.Max(ring.Length - 1, 0)).Where(c => zones.TrueForAll(z => !z.Inflated.Contains(s_factory.CreatePoint(c)))));
        }
        int n = nodes.Count;
        double[] distance = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        int[] previous = Enumerable.Repeat(-1, n).ToArray();
        bool[] done = new bool[n];
        distance[0] = 0;
        for (int iteration = 0; iteration < n; iteration++)
        {
            int u = -1;
            for (int i = 0; i < n; i++)
            {
                if (!done[i] && (u < 0 || distance[i] < distance[u]))
                {
                    u = i;
                }
            }
            if (u < 0 || double.IsPositiveInfinity(distance[u]) || u == 1)
            {
                break;
            }
            done[u] = true;
            for (int v = 0; v < n; v++)
            {
                if (done[v] || v == u)
                {
                    continue;
                }
                double d = distance[u] + nodes[u].Distance(nodes[v]);
                if (d < distance[v] && Clear(nodes[u], nodes[v], zones))
                {
                    distance[v] = d;
                    previous[v] = u;
                }
            }
        }
        if (previous[1] < 0)
        {
            return null;
        }
        var chain = new List<int>();
        for (int v = 1; v > 0; v = previous[v])
        {
            chain.Add(v);
        }
        chain.Reverse();
        var path = new List<Pose2>();
        Coordinate from = nodes[0];
        foreach (int v in chain)
        {
            Coordinate to = nodes[v];
            path.Add(v == 1 ? goal : new Pose2(to.X, to.Y, Math.Atan2(to.Y - from.Y, to.X - from.X)));
            from = to;
        }
        return path;
    }

    /// <summary>How close the body must come to a corner of the path before it heads for the next one, m.</summary>
    private const double WaypointReached = 1e-3;

    private static List<Footstep>? StepAlong(Pose2 start, List<Pose2> path, GaitOptions gait, List<(string Name, Geometry Inflated, Geometry Corners)> zones)
    {
        var (left, right) = Stance(start, gait);
        Pose2 body = start, goal = path[^1];
        var (goalLeft, goalRight) = Stance(goal, gait);
        var steps = new List<Footstep>();
        int waypoint = 0;
        FootSide? side = null;
        if (Same(left, goalLeft, gait) && Same(right, goalRight, gait))
        {
            return steps;
        }
        while (steps.Count < gait.MaxSteps)
        {
            Pose2 target = path[waypoint];
            bool last = waypoint == path.Count - 1;
            double distance = body.DistanceTo(target);
            // Within half a step of a corner the body heads for the next one, but only when the straight line
            // there keeps the clearance: the path's corners wrap the inflated zones, and cutting one from half a
            // step short walks the footprint into the margin (a 0.4 m clearance shrank to 0.32 m). Otherwise it
            // steps onto the corner first.
            bool closing = !last && distance < gait.MaxStepLength / 2;
            if (closing && (distance < WaypointReached || Clear(new Coordinate(body.X, body.Y), new Coordinate(path[waypoint + 1].X, path[waypoint + 1].Y), zones)))
            {
                waypoint++;
                continue;
            }
            bool far = !closing && distance > gait.FaceWaypointDistance;
            // Closing on a corner, the body already turns to the next leg (aiming at a corner a few
            // millimetres away would swing the heading about).
            double heading = closing ? Math.Atan2(path[waypoint + 1].Y - target.Y, path[waypoint + 1].X - target.X)
                : far || !last ? Math.Atan2(target.Y - body.Y, target.X - body.X) : target.Yaw;
            double turn = Pose2.WrapAngle(heading - body.Yaw);
            var (forward, leftward) = body.Local(target);
            bool turnFirst = far && Math.Abs(turn) > gait.TurnInPlaceThreshold;
            double dx = turnFirst ? 0 : Math.Clamp(forward, -gait.MaxBackwardStep, gait.MaxStepLength);
            // Far from a waypoint the heading aims at it: side-stepping as well would widen the stance
            // with every step the heading still turns.
            double dy = turnFirst || far ? 0 : Math.Clamp(leftward, -gait.MaxSideStep, gait.MaxSideStep);
            double dyaw = Math.Clamp(turn, -gait.MaxTurnPerStep, gait.MaxTurnPerStep);
            // The first swing is the foot that leads the first sideways move or turn.
            side ??= dy > 1e-3 || dyaw > 1e-3 ? FootSide.Left : FootSide.Right;
            if ((side == FootSide.Right && dy > 0) || (side == FootSide.Left && dy < 0))
            {
                dy = 0;
            }
            if ((side == FootSide.Right && dyaw > 0) || (side == FootSide.Left && dyaw < 0))
            {
                dyaw = 0;
            }
            body = body.Offset(dx, dy, dyaw);
            if (last && body.DistanceTo(goal) < gait.GoalTolerance && Math.Abs(body.TurnTo(goal)) < gait.GoalYawTolerance)
            {
                body = goal; // snap: the final stance is exactly the goal's
            }
            Pose2 foot = body.Offset(0, side == FootSide.Left ? gait.StepWidth / 2 : -gait.StepWidth / 2);
            steps.Add(new Footstep(side.Value, foot));
            if (side == FootSide.Left)
            {
                left = foot;
            }
            else
            {
                right = foot;
            }
            if (last && Same(left, goalLeft, gait) && Same(right, goalRight, gait))
            {
                return steps;
            }
            side = side == FootSide.Left ? FootSide.Right : FootSide.Left;
        }
        return null;
    }

    private static bool Same(Pose2 a, Pose2 b, GaitOptions gait) =>
        a.DistanceTo(b) < gait.GoalTolerance && Math.Abs(a.TurnTo(b)) < gait.GoalYawTolerance;
}
