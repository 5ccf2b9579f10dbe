namespace Robot.Runtime.Safety;

/// <summary>Options of the <see cref="SafetyGate"/>; validated when the gate is built.</summary>
public sealed class SafetyGateOptions
{
    /// <summary>
    /// Oldest a verdict may be and still let the robot move. Default 100 ms: ten 100 Hz verdicts
    /// lost in a row, and still within a scanner's response time class.
    /// </summary>
    public TimeSpan VerdictTimeout { get; set; } = SafetyGateConstants.DefaultVerdictTimeout;

    /// <summary>The robot's maximum speed, m/s (&gt; 0): a speed limit is turned into a scale by it. Default 1.5.</summary>
    public double MaxSpeed { get; set; } = SafetyGateConstants.DefaultMaxSpeed;

    /// <summary>Every problem, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (VerdictTimeout <= TimeSpan.Zero || VerdictTimeout > TimeSpan.FromSeconds(2))
        {
            errors.Add($"VerdictTimeout: expected > 0 and <= 2 s, got {VerdictTimeout.TotalMilliseconds} ms");
        }
        if (!double.IsFinite(MaxSpeed) || MaxSpeed <= 0)
        {
            errors.Add($"MaxSpeed: expected a finite speed > 0 m/s, got {MaxSpeed}");
        }
        return errors;
    }
}

/// <summary>Defaults of the safety gate and link; a test pins them.</summary>
public static class SafetyGateConstants
{
    public static readonly TimeSpan DefaultVerdictTimeout = TimeSpan.FromMilliseconds(100);
    public const double DefaultMaxSpeed = 1.5;
}
