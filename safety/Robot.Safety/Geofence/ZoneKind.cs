namespace Robot.Safety.Geofence;

/// <summary>What a zone means to the supervisor.</summary>
public enum ZoneKind
{
    /// <summary>No robot may be in it or be unable to stop before it.</summary>
    KeepOut,
    /// <summary>Robots inside (or that could reach it before stopping) are held to its speed limit.</summary>
    SpeedLimit,
    /// <summary>Shared with people: a speed limit plus its own ISO/TS 15066 separation parameters.</summary>
    Shared,
    /// <summary>The area the robots it names may use; they may not leave it.</summary>
    WorkArea,
}

/// <summary>The YAML and wire names of <see cref="ZoneKind"/>.</summary>
public static class ZoneKindNames
{
    public const string KeepOut = "keep_out";
    public const string SpeedLimit = "speed_limit";
    public const string Shared = "shared";
    public const string WorkArea = "work_area";

    public static string ToName(this ZoneKind kind) => kind switch
    {
        ZoneKind.KeepOut => KeepOut,
        ZoneKind.SpeedLimit => SpeedLimit,
        ZoneKind.Shared => Shared,
        ZoneKind.WorkArea => WorkArea,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown zone kind"),
    };

    public static bool TryParse(string name, out ZoneKind kind)
    {
        switch (name)
        {
            case KeepOut: kind = ZoneKind.KeepOut; return true;
            case SpeedLimit: kind = ZoneKind.SpeedLimit; return true;
            case Shared: kind = ZoneKind.Shared; return true;
            case WorkArea: kind = ZoneKind.WorkArea; return true;
            default: kind = default; return false;
        }
    }
}
