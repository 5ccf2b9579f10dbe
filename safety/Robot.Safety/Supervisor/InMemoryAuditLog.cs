using Robot.Safety.Audit;

namespace Robot.Safety.Supervisor;

/// <summary>
/// An audit log held in memory only: for tests, and the supervisor's default until a durable,
/// tamper-evident store is configured. It is neither durable nor tamper-evident.
/// </summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly List<AuditRecord> _records = [];
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public ValueTask<long> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            _records.Add(record);
            return ValueTask.FromResult((long)_records.Count - 1);
        }
    }

    /// <inheritdoc />
    public Task<long> AppendRangeAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_lock)
        {
            long first = _records.Count;
            _records.AddRange(records);
            return Task.FromResult(first);
        }
    }

    /// <summary>A copy of every record so far, in append order.</summary>
    public IReadOnlyList<AuditRecord> Snapshot()
    {
        lock (_lock)
        {
            return _records.ToArray();
        }
    }
}
