namespace Robot.Safety.Audit;

/// <summary>How the SQLite audit log syncs a commit (see docs/audit-retention.md).</summary>
public enum AuditDurability
{
    /// <summary>
    /// WAL + <c>synchronous=FULL</c> (default): every group commit fsyncs the WAL before callers
    /// are acknowledged, so an acknowledged record survives a killed process and a power loss.
    /// </summary>
    Full,

    /// <summary>
    /// WAL + <c>synchronous=NORMAL</c>: survives a killed process (the commit is in the OS page
    /// cache) but the last commits may roll back after a power loss. For benchmarks and tests.
    /// </summary>
    Normal,
}

/// <summary>Options of <see cref="SqliteAuditLog"/>, validated once when it opens.</summary>
public sealed class SqliteAuditLogOptions
{
    /// <summary>The database file; created with its tables when missing. Required.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>PEM file of the tree-head signing key (ECDSA P-256); created when missing. Default null: "&lt;DatabasePath&gt;.sth-key.pem" beside the log.</summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>How often a tree head is signed while records arrive. Default 10 s; null: only on demand and on close.</summary>
    public TimeSpan? SignInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most records committed in one transaction (group commit). Default 8192.</summary>
    public int MaxBatchRecords { get; set; } = 8192;

    /// <summary>Sync policy. Default <see cref="AuditDurability.Full"/>.</summary>
    public AuditDurability Durability { get; set; } = AuditDurability.Full;

    /// <summary>Clock for tree-head timestamps and the signing interval. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid option.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            errors.Add("DatabasePath is required");
        }
        if (SignInterval is { } interval && interval <= TimeSpan.Zero)
        {
            errors.Add($"SignInterval must be positive or null (got {interval})");
        }
        if (MaxBatchRecords is < 1 or > 1_000_000)
        {
            errors.Add($"MaxBatchRecords must be in 1..1000000 (got {MaxBatchRecords})");
        }
        if (!Enum.IsDefined(Durability))
        {
            errors.Add($"Durability {(int)Durability} is not defined");
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid audit log options: " + string.Join("; ", errors));
        }
    }
}
