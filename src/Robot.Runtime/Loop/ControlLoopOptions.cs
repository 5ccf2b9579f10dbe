using Robot.Core.Control;
namespace Robot.Runtime.Loop;

/// <summary>
/// Options of the real-time control loop. Validated once when the loop is built
/// (<see cref="Validate"/> reports every error together); the loop copies what it needs and
/// never reads options again.
/// </summary>
public sealed class ControlLoopOptions
{
    /// <summary>Tick rate, Hz. Default 1000. Range 10–10 000.</summary>
    public double RateHz { get; set; } = ControlLoopDefaults.RateHz;

    /// <summary>
    /// A tick overruns when its compute time exceeds this fraction of the period (default 0.9):
    /// the write must land before the next read.
    /// </summary>
    public double OverrunFraction { get; set; } = ControlLoopDefaults.OverrunFraction;

    /// <summary>
    /// Consecutive overruns (or late wake-ups beyond one period) after which the loop holds the
    /// last safe command and raises <see cref="LoopFault.Overrun"/>. Default 5. Range 1–1000.
    /// </summary>
    public int MaxConsecutiveOverruns { get; set; } = ControlLoopDefaults.MaxConsecutiveOverruns;

    /// <summary>Wall-clock driver: ask for SCHED_FIFO at <see cref="RealtimePriority"/>. Default true; reported plainly when refused.</summary>
    public bool UseRealtimeScheduling { get; set; } = true;

    /// <summary>SCHED_FIFO priority, 1–99. Default 80 (above most kernel threads' default 50).</summary>
    public int RealtimePriority { get; set; } = ControlLoopDefaults.RealtimePriority;

    /// <summary>Wall-clock driver: lock all pages in memory (mlockall) to avoid page faults. Default true.</summary>
    public bool LockMemory { get; set; } = true;

    /// <summary>
    /// Wall-clock driver: the waiter sleeps until this long before the deadline, then spins.
    /// Default 200 µs: above a stock kernel's typical wake-up latency. TimeSpan.Zero = never spin.
    /// </summary>
    public TimeSpan SpinWindow { get; set; } = ControlLoopDefaults.SpinWindow;

    /// <summary>Tick period, s.</summary>
    public double Period => 1.0 / RateHz;

    /// <summary>Every problem with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!double.IsFinite(RateHz) || RateHz < 10 || RateHz > 10_000)
        {
            errors.Add($"RateHz: {RateHz} is outside 10–10000 Hz");
        }
        if (!double.IsFinite(OverrunFraction) || OverrunFraction <= 0 || OverrunFraction > 10)
        {
            errors.Add($"OverrunFraction: {OverrunFraction} must be in (0, 10]");
        }
        if (MaxConsecutiveOverruns < 1 || MaxConsecutiveOverruns > 1000)
        {
            errors.Add($"MaxConsecutiveOverruns: {MaxConsecutiveOverruns} is outside 1–1000");
        }
        if (RealtimePriority < 1 || RealtimePriority > 99)
        {
            errors.Add($"RealtimePriority: {RealtimePriority} is outside 1–99");
        }
        if (SpinWindow < TimeSpan.Zero || (double.IsFinite(RateHz) && RateHz > 0 && SpinWindow.TotalSeconds > 1.0 / RateHz))
        {
            errors.Add($"SpinWindow: {SpinWindow.TotalMicroseconds} µs must be between 0 and one period");
        }
        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every error when invalid.</summary>
    public void ThrowIfInvalid()
    {
        IReadOnlyList<string> errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid control loop options: " + string.Join("; ", errors));
        }
    }
}
