namespace Robot.FirmwareBridge.Hardware;

/// <summary>
/// A single-writer, many-reader snapshot of doubles without locks or allocation: the writer
/// makes the version odd while it copies; a reader retries when the version moved.
/// </summary>
internal sealed class SeqLockBuffer
{
    private readonly double[] _data;
    private int _version;

    public SeqLockBuffer(int length) => _data = new double[length];

    public int Length => _data.Length;

    /// <summary>Number of completed writes.</summary>
    public int Writes => Volatile.Read(ref _version) / 2;

    public void Write(ReadOnlySpan<double> source)
    {
        Interlocked.Increment(ref _version);
        source.CopyTo(_data);
        Interlocked.Increment(ref _version);
    }

    /// <summary>Copies a consistent snapshot; false when none was written yet or the writer kept racing.</summary>
    public bool TryRead(Span<double> destination)
    {
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            int before = Volatile.Read(ref _version);
            if (before == 0)
            {
                return false;
            }
            if ((before & 1) != 0)
            {
                Thread.SpinWait(4);
                continue;
            }
            _data.AsSpan().CopyTo(destination);
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _version) == before)
            {
                return true;
            }
        }
        return false;
    }
}
