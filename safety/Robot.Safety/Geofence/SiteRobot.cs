namespace Robot.Safety.Geofence;

/// <summary>A robot the site knows; a session from any other robot id is refused.</summary>
/// <param name="Id">Robot id.</param>
/// <param name="WorkAreaId">Id of the work-area zone it must stay in, or null for the whole site.</param>
public sealed record SiteRobot(string Id, string? WorkAreaId);
