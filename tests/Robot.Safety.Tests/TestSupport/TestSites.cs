using Robot.Safety.Geofence;

namespace Robot.Safety.Tests.TestSupport;

/// <summary>Site files the tests share. The hall is 60 × 40 m; see each zone's comment.</summary>
public static class TestSites
{
    public const string Basic = """
        site: test-hall
        version: 1
        defaults:
          max_speed: 1.5
          heartbeat_timeout: 0.25
          person_track_timeout: 0.5
        robots:
          - id: h1
            work_area: hall
          - id: h2
            work_area: hall
          - id: free
        zones:
          - id: hall
            kind: work_area
            polygon: [[0, 0], [60, 0], [60, 40], [0, 40]]
          - id: dock
            kind: keep_out
            polygon: [[50, 30], [60, 30], [60, 40], [50, 40]]
          - id: aisle
            kind: speed_limit
            max_speed: 0.5
            polygon: [[20, 5], [24, 5], [24, 30], [20, 30]]
          - id: packing
            kind: shared
            max_speed: 0.8
            polygon: [[30, 2], [45, 2], [45, 15], [30, 15]]
        """;

    public static SiteModel BasicModel() => SiteFileParser.Parse(Basic, "basic");

    /// <summary>The basic site with another version number (and so another hash).</summary>
    public static string BasicVersion(int version) => Basic.Replace("version: 1", $"version: {version}", StringComparison.Ordinal);

    /// <summary>A site with <paramref name="count"/> small keep-out and speed zones on a grid (benchmark-like).</summary>
    public static string Grid(int count)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("site: grid\nversion: 1\nrobots:\n  - id: h1\nzones:");
        int side = (int)Math.Ceiling(Math.Sqrt(count));
        for (int i = 0; i < count; i++)
        {
            double x = (i % side) * 10, y = (i / side) * 10;
            string kind = i % 2 == 0 ? "keep_out" : "speed_limit\n    max_speed: 0.5";
            sb.AppendLine($"  - id: z{i}\n    kind: {kind}\n    polygon: [[{x}, {y}], [{x + 3}, {y}], [{x + 3}, {y + 3}], [{x}, {y + 3}]]");
        }
        return sb.ToString();
    }
}
