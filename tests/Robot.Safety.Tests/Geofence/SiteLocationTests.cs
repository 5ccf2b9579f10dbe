using Robot.Safety.Geofence;

namespace Robot.Safety.Tests.Geofence;

/// <summary>The site file's named locations (slots, totes, waypoints) for pick tasks.</summary>
public class SiteLocationTests
{
    private const string Head = """
        site: loc-test
        version: 1
        robots:
          - id: h1
        zones:
          - id: dock
            kind: keep_out
            polygon: [[0, 0], [2, 0], [2, 2], [0, 2]]

        """;

    [Fact]
    public void Parse_Locations_AreReadWithObjectAndStance()
    {
        SiteModel site = SiteFileParser.Parse(Head + """
            locations:
              - id: shelf-a/l2/s3
                kind: slot
                at: [5, 6, 1.3]
                approach: [4.2, 6, 0]
              - id: tote-1
                kind: tote
                at: [3, 4, 0.55]
                approach: [3, 4.8, -90]
            """);
        Assert.Equal(2, site.Locations.Count);
        SiteLocation slot = site.Locations["shelf-a/l2/s3"];
        Assert.Equal(SiteLocationKind.Slot, slot.Kind);
        Assert.Equal((5.0, 6.0, 1.3), (slot.X, slot.Y, slot.Z));
        Assert.Equal((4.2, 6.0, 0.0), (slot.ApproachX, slot.ApproachY, slot.ApproachYawDeg));
        Assert.Equal(SiteLocationKind.Tote, site.Locations["tote-1"].Kind);
        Assert.Equal(10, slot.Line);
    }

    [Fact]
    public void Parse_NoLocations_IsValidAndEmpty()
    {
        Assert.Empty(SiteFileParser.Parse(Head).Locations);
    }

    [Theory]
    [InlineData("kind: shelf\n    at: [5, 6, 1]\n    approach: [4, 6, 0]", "unknown kind 'shelf'")]
    [InlineData("kind: slot\n    at: [5, 6]\n    approach: [4, 6, 0]", "expected 3 numbers, got 2")]
    [InlineData("kind: slot\n    at: [5, 6, -1]\n    approach: [4, 6, 0]", "below the floor")]
    [InlineData("kind: slot\n    at: [5, 6, 1]\n    approach: [1, 1, 0]", "inside keep-out zone 'dock'")]
    [InlineData("kind: slot\n    at: [5, .nan, 1]\n    approach: [4, 6, 0]", "expected a finite number")]
    [InlineData("kind: slot\n    at: [5, 6, 1]", "missing required key 'approach'")]
    [InlineData("kind: slot\n    at: [5, 6, 1]\n    approach: [4, 6, 0]\n    colour: red", "colour")]
    public void Parse_BadLocation_NamesTheProblemWithItsLine(string body, string expected)
    {
        var (model, errors) = SiteFileParser.TryParse(Head + "locations:\n  - id: x\n    " + body + "\n");
        Assert.Null(model);
        SiteValidationError error = Assert.Single(errors, e => e.Message.Contains(expected, StringComparison.Ordinal) || e.Path.Contains(expected, StringComparison.Ordinal));
        Assert.True(error.Line >= 10, $"line {error.Line}");
    }

    [Fact]
    public void Parse_DuplicateLocation_IsRejected()
    {
        var (model, errors) = SiteFileParser.TryParse(Head + """
            locations:
              - id: t
                kind: tote
                at: [3, 4, 0.5]
                approach: [3, 5, 0]
              - id: t
                kind: tote
                at: [6, 4, 0.5]
                approach: [6, 5, 0]
            """);
        Assert.Null(model);
        Assert.Contains(errors, e => e.Message.Contains("duplicate location id 't'", StringComparison.Ordinal));
    }
}
