using System.Globalization;

namespace Robot.Runtime.Execution;

/// <summary>Writes a robot's run at the site (<see cref="SiteTraceSample"/>) as CSV, one row per sample, site frame.</summary>
public static class SiteTraceCsv
{
    /// <summary>The header row.</summary>
    public const string Header = "time_s,x_m,y_m,yaw_rad,activity,stop,speed_scale,holding";

    /// <summary>Writes <paramref name="samples"/> to <paramref name="path"/> (replacing it).</summary>
    public static void Write(string path, IEnumerable<SiteTraceSample> samples) =>
        File.WriteAllLines(path, [Header, .. samples.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"{t.Time:0.###},{t.X:0.####},{t.Y:0.####},{t.Yaw:0.####},{t.Activity},{t.Stop},{t.SpeedScale:0.###},{t.Holding}"))]);
}
