namespace Robot.Runtime.Tests.Execution;

/// <summary>
/// The small site the simulated-robot tests share (here and, linked, in the CLI tests): one slot
/// at the trained board height, one slot too high for the arm, one tote close by on a stand the
/// carried box clears (SimSiteRobot.PlaceStandTop).
/// </summary>
internal static class TestHall
{
    public const string Site = """
        site: test-hall
        version: 1
        robots:
          - id: h1
            work_area: hall
        zones:
          - id: hall
            kind: work_area
            polygon: [[0, 0], [8, 0], [8, 8], [0, 8]]
        locations:
          - id: shelf/s1
            kind: slot
            at: [2.12, 3.28, 0.80]
            approach: [2.0, 2.4, 90]
          - id: shelf/s2
            kind: slot
            at: [3.12, 3.28, 0.80]
            approach: [3.0, 2.4, 90]
          - id: shelf/high
            kind: slot
            at: [4.12, 3.28, 1.30]
            approach: [4.0, 2.4, 90]
          - id: tote-1
            kind: tote
            at: [3.19, 1.60, 0.70]
            approach: [2.4, 2.0, 0]
        """;
}
