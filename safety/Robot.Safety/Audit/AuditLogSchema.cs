using Microsoft.Data.Sqlite;

namespace Robot.Safety.Audit;

/// <summary>
/// The SQLite layout of the audit log. <c>records</c> holds one row per record (queryable
/// columns plus its RFC 6962 leaf hash); <c>tree_nodes</c> caches the hash of every complete,
/// aligned subtree of two or more leaves, so roots and proofs need O(log n) reads;
/// <c>tree_heads</c> holds the signed tree heads. Every row is written once and never updated.
/// </summary>
internal static class AuditLogSchema
{
    /// <summary>The layout version written to <c>meta</c>.</summary>
    public const string FormatVersion = "1";

    public const string Create = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS records(
            idx INTEGER PRIMARY KEY,
            ts_us INTEGER NOT NULL,
            source TEXT NOT NULL,
            category TEXT NOT NULL,
            type TEXT NOT NULL,
            result TEXT NOT NULL,
            principal TEXT NOT NULL,
            robot_id TEXT,
            zone_id TEXT,
            details TEXT,
            leaf_hash BLOB NOT NULL) STRICT;
        CREATE INDEX IF NOT EXISTS records_ts ON records(ts_us);
        CREATE TABLE IF NOT EXISTS tree_nodes(id INTEGER PRIMARY KEY, hash BLOB NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS tree_heads(
            tree_size INTEGER PRIMARY KEY,
            timestamp_ms INTEGER NOT NULL,
            root_hash BLOB NOT NULL,
            key_id BLOB NOT NULL,
            signature BLOB NOT NULL) STRICT;
        INSERT OR IGNORE INTO meta(key, value) VALUES ('format', '1'), ('leaf-encoding', '1'), ('hash', 'rfc6962-sha256');
        """;

    public const string RecordColumns = "idx, ts_us, source, category, type, result, principal, robot_id, zone_id, details, leaf_hash";

    /// <summary>
    /// Key of the complete subtree of 2^level leaves (level ≥ 1) starting at leaf index × 2^level.
    /// It is (last leaf covered) × 64 + level, so keys ascend in the order the nodes are completed
    /// while appending: a verifier streams them in one pass beside the records.
    /// </summary>
    public static long NodeId(int level, long index) => ((((index + 1) << level) - 1) << 6) | (long)level;

    public static SqliteConnection Open(string path, bool create)
    {
        if (!create && !File.Exists(path))
        {
            throw new FileNotFoundException($"audit log '{path}' does not exist", path);
        }
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ConnectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 10000;");
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static AuditRecord ReadRecord(SqliteDataReader reader, int offset = 1) => new(
        AuditRecordEncoding.FromUnixMicroseconds(reader.GetInt64(offset)),
        reader.GetString(offset + 1),
        reader.GetString(offset + 2),
        reader.GetString(offset + 3),
        reader.GetString(offset + 4),
        reader.GetString(offset + 5),
        reader.IsDBNull(offset + 6) ? null : reader.GetString(offset + 6),
        reader.IsDBNull(offset + 7) ? null : reader.GetString(offset + 7),
        reader.IsDBNull(offset + 8) ? null : reader.GetString(offset + 8));

    public static SignedTreeHead ReadHead(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        (byte[])reader.GetValue(2),
        (byte[])reader.GetValue(3),
        (byte[])reader.GetValue(4));

    public const string HeadColumns = "tree_size, timestamp_ms, root_hash, key_id, signature";
}
