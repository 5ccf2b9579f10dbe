namespace Robot.Control.Lipm;

/// <summary>
/// How the weight is split between two feet in double support: by where the ZMP lies along the
/// segment between the soles (Kajita's distribution). The ZMP's offset across that segment is
/// left to each sole's own CoP.
/// </summary>
public static class SupportShare
{
    /// <summary>
    /// The left foot's share in [0, 1] for a ZMP at (<paramref name="zmpX"/>, <paramref name="zmpY"/>):
    /// its projection onto the segment right sole → left sole; ½ when the soles coincide.
    /// </summary>
    public static double Left(double zmpX, double zmpY, double leftX, double leftY, double rightX, double rightY)
    {
        double ax = leftX - rightX, ay = leftY - rightY;
        double length2 = ax * ax + ay * ay;
        return length2 < 1e-9 ? 0.5 : Math.Clamp(((zmpX - rightX) * ax + (zmpY - rightY) * ay) / length2, 0, 1);
    }
}
