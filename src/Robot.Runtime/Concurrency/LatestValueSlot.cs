namespace Robot.Runtime.Concurrency;

/// <summary>
/// A single-writer, many-reader slot holding the latest value of a slower producer (policy
/// actions at 50 Hz, safety verdicts) for the 1 kHz loop. A sequence lock: the writer never
/// waits; a reader that overlaps a write retries, so it never sees a torn value and never
/// blocks on a lock another thread may hold long. Neither side allocates.
/// </summary>
/// <typeparam name="T">A value type copied in and out whole.</typeparam>
public sealed class LatestValueSlot<T> where T : struct
{
    private T _value;
    // Even: stable; odd: a write is under way. 0 means nothing was published yet.
    private int _sequence;

    /// <summary>Publishes <paramref name="value"/>. Only one thread may call this.</summary>
    public void Publish(in T value)
    {
        int s = _sequence;
        Volatile.Write(ref _sequence, s + 1);
        Interlocked.MemoryBarrier();
        _value = value;
        Volatile.Write(ref _sequence, s + 2);
    }

    /// <summary>Number of values published so far (wraps after 2³⁰).</summary>
    public int Version => Volatile.Read(ref _sequence) >> 1;

    /// <summary>
    /// Copies the latest value into <paramref name="value"/>. Returns false (and default) when
    /// nothing was published yet. Lock-free; allocation-free.
    /// </summary>
    public bool TryRead(out T value, out int version)
    {
        var spinner = default(SpinWait);
        while (true)
        {
            int before = Volatile.Read(ref _sequence);
            if (before == 0)
            {
                value = default;
                version = 0;
                return false;
            }
            if ((before & 1) == 0)
            {
                value = _value;
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _sequence) == before)
                {
                    version = before >> 1;
                    return true;
                }
            }
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
