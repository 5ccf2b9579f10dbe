namespace Robot.Safety.Geofence;

/// <summary>
/// ISO/TS 15066 speed and separation monitoring, for a robot that brakes at a constant
/// deceleration a after a reaction time T_r:
/// S_p(v) = S_h + S_r + S_s + C + Z_d + Z_r with S_h = v_h·(T_r + T_s), T_s = v/a,
/// S_r = v·T_r, S_s = v²/(2a). Distances are measured between the person and the robot's
/// footprint-plus-reach circle.
/// </summary>
public static class ProtectiveSeparation
{
    /// <summary>S_p in metres for robot speed <paramref name="robotSpeed"/> (m/s).</summary>
    /// <param name="robotSpeed">v_r, m/s.</param>
    /// <param name="reactionTime">T_r of the whole chain (sensing, supervisor, robot), seconds.</param>
    /// <param name="deceleration">a, m/s² (&gt; 0).</param>
    /// <param name="p">Separation parameters (v_h, C, Z_d, Z_r).</param>
    /// <param name="sensingUncertainty">Z_d of this track; the parameter's when &lt;= 0.</param>
    public static double Distance(double robotSpeed, double reactionTime, double deceleration, SeparationParameters p, double sensingUncertainty = 0)
    {
        double stopTime = robotSpeed / deceleration;
        double sh = p.PersonSpeed * (reactionTime + stopTime);
        double sr = robotSpeed * reactionTime;
        double ss = robotSpeed * robotSpeed / (2 * deceleration);
        double zd = sensingUncertainty > 0 ? sensingUncertainty : p.SensingUncertainty;
        return sh + sr + ss + p.IntrusionAllowance + zd + p.RobotUncertainty;
    }

    /// <summary>
    /// The highest robot speed (m/s) whose S_p still fits in <paramref name="separation"/> metres,
    /// or a negative number when even a standing robot is too close. Solves
    /// v²/(2a) + (v_h/a + T_r)·v + (v_h·T_r + C + Z_d + Z_r − d) = 0 for its larger root.
    /// </summary>
    public static double MaxRobotSpeed(double separation, double reactionTime, double deceleration, SeparationParameters p, double sensingUncertainty = 0)
    {
        double zd = sensingUncertainty > 0 ? sensingUncertainty : p.SensingUncertainty;
        double a = 1 / (2 * deceleration);
        double b = p.PersonSpeed / deceleration + reactionTime;
        double c = p.PersonSpeed * reactionTime + p.IntrusionAllowance + zd + p.RobotUncertainty - separation;
        if (c > 0)
        {
            return -1;
        }
        return (-b + Math.Sqrt(b * b - 4 * a * c)) / (2 * a);
    }
}
