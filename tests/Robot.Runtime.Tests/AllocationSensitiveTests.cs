namespace Robot.Runtime.Tests;

/// <summary>
/// Tests that count garbage collections run alone: <see cref="GC.CollectionCount"/> is process-wide, so a test
/// allocating on another thread would trigger a collection and fail a tick that allocated nothing itself.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationSensitiveTests
{
    /// <summary>The collection name to put on classes that count collections.</summary>
    public const string Name = "allocation sensitive";

    /// <summary>Starts the measured span with a fresh generation-0 budget, so leftovers of earlier tests cannot trigger a collection inside it.</summary>
    public static int FreshCollectionCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
    }

    /// <summary>Collections of every generation so far.</summary>
    public static int CollectionCount() => GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
}
