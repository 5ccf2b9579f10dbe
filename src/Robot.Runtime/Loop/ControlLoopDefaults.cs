namespace Robot.Runtime.Loop;

/// <summary>Defaults of <see cref="ControlLoopOptions"/>, in one place; a test pins them.</summary>
public static class ControlLoopDefaults
{
    public const double RateHz = 1000;
    public const double OverrunFraction = 0.9;
    public const int MaxConsecutiveOverruns = 5;
    public const int RealtimePriority = 80;
    public static readonly TimeSpan SpinWindow = TimeSpan.FromMicroseconds(200);
}
