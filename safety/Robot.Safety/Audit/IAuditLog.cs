namespace Robot.Safety.Audit;

/// <summary>
/// The append path of the audit log. An implementation acknowledges a record (completes the
/// returned task) only once the record is durable under its stated policy; the index it returns
/// is the record's position in the log (0-based), which proofs refer to.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends <paramref name="record"/>; completes with its index once it is durable.</summary>
    ValueTask<long> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="records"/> as consecutive entries, all or none (one commit where the
    /// store has commits); completes with the index of the first once they are durable.
    /// </summary>
    Task<long> AppendRangeAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default);
}
