namespace Robot.Runtime.Execution;

/// <summary>One sample of a robot's run at the site, for reports: site frame.</summary>
/// <param name="Time">Simulated seconds since the robot started.</param>
/// <param name="X">Pelvis x, m.</param>
/// <param name="Y">Pelvis y, m.</param>
/// <param name="Yaw">Pelvis heading, rad.</param>
/// <param name="Activity">What the robot was doing ("idle", "navigate …", "pick …").</param>
/// <param name="Stop">The stop in force ("None", "Settle", …; "none" without a supervisor).</param>
/// <param name="SpeedScale">Permitted fraction of the robot's maximum speed.</param>
/// <param name="Holding">Whether the finger sensors report a held box.</param>
public readonly record struct SiteTraceSample(double Time, double X, double Y, double Yaw, string Activity, string Stop, double SpeedScale, bool Holding);
