using Robot.Safety.Geofence;
using Robot.Safety.Tests.TestSupport;

namespace Robot.Safety.Tests.Geofence;

public class SiteFileParserTests
{
    private static IReadOnlyList<SiteValidationError> Errors(string yaml)
    {
        var (model, errors) = SiteFileParser.TryParse(yaml);
        Assert.Null(model);
        Assert.NotEmpty(errors);
        return errors;
    }

    [Fact]
    public void Parse_ExampleSiteFile_IsValid()
    {
        string path = Path.Combine(FindRepoRoot(), "safety", "config", "site.example.yaml");
        SiteModel site = SiteFileParser.Load(path);
        Assert.Equal("warehouse-example", site.Name);
        Assert.Equal(5, site.Zones.Count);
        Assert.Equal(64, site.ContentHash.Length);
        Assert.Equal(0.15, site.ZonesById["packing"].Separation!.SensingUncertainty);
        Assert.Equal(4, site.Locations.Count);
        Assert.Equal(SiteLocationKind.Tote, site.Locations["tote-1"].Kind);
    }

    [Fact]
    public void Parse_Basic_BuildsZonesRobotsAndDefaults()
    {
        SiteModel site = TestSites.BasicModel();
        Assert.Equal(1, site.Version);
        Assert.Equal(ZoneKind.KeepOut, site.ZonesById["dock"].Kind);
        Assert.Equal(0.5, site.ZonesById["aisle"].MaxSpeed);
        Assert.Equal("hall", site.WorkAreaOf("h1")!.Id);
        Assert.Null(site.WorkAreaOf("free"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), site.Defaults.HeartbeatTimeout);
        Assert.Equal(["h1", "h2"], site.ZonesById["hall"].RobotIds);
    }

    [Fact]
    public void Parse_SelfIntersectingPolygon_ReportsLineAndLocation()
    {
        string yaml = TestSites.Basic.Replace("[[20, 5], [24, 5], [24, 30], [20, 30]]", "[[20, 5], [24, 30], [24, 5], [20, 30]]", StringComparison.Ordinal);
        var error = Assert.Single(Errors(yaml));
        Assert.Equal(23, error.Line);
        Assert.Equal("zones[2] (aisle).polygon", error.Path);
        Assert.Contains("invalid polygon: Self-intersection at (22, 17.5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TwoPointPolygon_IsRejected()
    {
        string yaml = TestSites.Basic.Replace("[[50, 30], [60, 30], [60, 40], [50, 40]]", "[[50, 30], [60, 30], [50, 30]]", StringComparison.Ordinal);
        var error = Assert.Single(Errors(yaml));
        Assert.Equal("line 19, column 14: zones[1] (dock).polygon: a polygon needs at least 3 distinct points, this one has 2", error.ToString());
    }

    [Theory]
    [InlineData(".nan")]
    [InlineData(".inf")]
    [InlineData("abc")]
    public void Parse_NonFiniteCoordinate_IsRejected(string value)
    {
        string yaml = TestSites.Basic.Replace("[[50, 30], [60, 30]", $"[[50, {value}], [60, 30]", StringComparison.Ordinal);
        var error = Assert.Single(Errors(yaml));
        Assert.Equal("zones[1] (dock).polygon[0][1]", error.Path);
        Assert.Equal($"expected a finite number, got '{value}'", error.Message);
        Assert.Equal(19, error.Line);
    }

    [Fact]
    public void Parse_Contradictions_AreAllReported()
    {
        string yaml = """
            site: bad
            version: 1
            robots:
              - id: r1
                work_area: dock
              - id: r1
              - id: r2
                work_area: nowhere
            zones:
              - id: dock
                kind: keep_out
                max_speed: 0.3
                polygon: [[0, 0], [10, 0], [10, 10], [0, 10]]
              - id: slow
                kind: speed_limit
                max_speed: 0.5
                polygon: [[1, 1], [2, 1], [2, 2], [1, 2]]
              - id: slow
                kind: speed_limit
                polygon: [[20, 20], [21, 20], [21, 21]]
              - id: fast
                kind: speed_limit
                max_speed: 9
                polygon: [[30, 30], [31, 30], [31, 31]]
              - id: typo
                kind: keepout
                polgon: [[0, 0], [1, 0], [1, 1]]
            """;
        string[] errors = Errors(yaml).Select(e => e.ToString()).ToArray();
        Assert.Contains("line 6, column 5: robots[1].id: duplicate robot id 'r1'", errors);
        Assert.Contains("line 12, column 16: zones[0] (dock).max_speed: a keep_out zone cannot have max_speed (contradiction: nothing moves in a keep-out zone, and a work area's speed comes from the zones inside it)", errors);
        Assert.Contains("line 18, column 5: zones[2] (slow): a speed_limit zone needs max_speed (m/s)", errors);
        Assert.Contains(errors, e => e.StartsWith("line 14, column 5: zones[1] (slow): lies entirely inside keep-out zone 'dock' (line 10)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("max_speed 9 m/s exceeds the site's max_speed 1.5 m/s", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown kind 'keepout'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown key 'polgon'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("robots (r1).work_area: zone 'dock' is a keep_out zone, not a work_area", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("robots (r2).work_area: unknown zone 'nowhere'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_OverlappingSharedZonesWithDifferentParameters_IsAContradiction()
    {
        string yaml = """
            site: s
            version: 1
            robots: []
            zones:
              - id: a
                kind: shared
                polygon: [[0, 0], [10, 0], [10, 10], [0, 10]]
              - id: b
                kind: shared
                separation: { person_speed: 2.0 }
                polygon: [[5, 5], [15, 5], [15, 15], [5, 15]]
            """;
        var error = Assert.Single(Errors(yaml));
        Assert.Contains("overlaps shared zone 'a' (line 5) with different separation parameters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotYaml_ReportsPosition()
    {
        var error = Assert.Single(Errors("site: x\nversion: 1\n- oops\n"));
        Assert.StartsWith("not valid YAML", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 1);
    }

    [Fact]
    public void Parse_Invalid_ThrowsWithEveryError()
    {
        var e = Assert.Throws<SiteValidationException>(() => SiteFileParser.Parse("site: x\nversion: 0\nrobots: []\nzones: []\n", "x.yaml"));
        Assert.Equal("x.yaml: 1 error(s):" + Environment.NewLine + "  line 2, column 10: $.version: expected an integer >= 1, got '0'", e.Message);
    }

    internal static string FindRepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Robot.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        return dir ?? throw new InvalidOperationException("repository root not found");
    }
}
