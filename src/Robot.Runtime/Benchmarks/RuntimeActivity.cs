namespace Robot.Runtime.Benchmarks;

/// <summary>
/// The runtime's own work in a benchmark's measured window, which its timings include:
/// collections per generation, their total pause, and JIT compilation (tiered compilation
/// recompiles hot methods in the background for seconds after start-up; a window that still
/// holds it measures the JIT competing for the two cores, not the code under test).
/// </summary>
public readonly record struct RuntimeActivity(int Gen0Collections, int Gen1Collections, int Gen2Collections, double GcPauseMs, double JitMs, long JitMethods)
{
    /// <summary>The counters now, since the process started.</summary>
    public static RuntimeActivity Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
        GC.GetTotalPauseDuration().TotalMilliseconds, System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds, System.Runtime.JitInfo.GetCompiledMethodCount());

    /// <summary>
    /// The GC's gen-0 allocation budget, bytes: how much the process allocates between two
    /// gen-0 collections at most (the <c>robot</c> launcher raises it with <c>DOTNET_GCgen0size</c>).
    /// </summary>
    public static long Gen0BudgetBytes =>
        GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out object? budget) ? Convert.ToInt64(budget, System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>What happened between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public static RuntimeActivity Between(RuntimeActivity from, RuntimeActivity to) => new(
        to.Gen0Collections - from.Gen0Collections, to.Gen1Collections - from.Gen1Collections, to.Gen2Collections - from.Gen2Collections,
        to.GcPauseMs - from.GcPauseMs, to.JitMs - from.JitMs, to.JitMethods - from.JitMethods);
}
