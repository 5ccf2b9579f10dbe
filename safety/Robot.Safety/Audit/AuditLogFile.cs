using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Robot.Safety.Audit;

/// <summary>One record as stored: its index, fields and RFC 6962 leaf hash.</summary>
public sealed record AuditEntry(long Index, AuditRecord Record, byte[] LeafHash);

/// <summary>Filters of <see cref="AuditLogFile.Query"/>; null means "any".</summary>
public sealed record AuditQuery(
    DateTimeOffset? Since = null, DateTimeOffset? Until = null, string? RobotId = null, string? Type = null,
    string? ZoneId = null, string? Category = null, long? Limit = null);

/// <summary>An RFC 6962 inclusion proof of one record, with the signed head whose root it reaches.</summary>
/// <param name="LeafIndex">The record's index.</param>
/// <param name="TreeSize">Size of the tree the proof is for.</param>
/// <param name="LeafData">The record's canonical encoding (<see cref="AuditRecordEncoding"/>), the RFC 6962 entry.</param>
/// <param name="LeafHash">SHA-256(0x00 ‖ LeafData).</param>
/// <param name="AuditPath">PATH(LeafIndex, D[TreeSize]), leaf to root.</param>
/// <param name="RootHash">MTH(D[TreeSize]).</param>
/// <param name="TreeHead">The signed head at TreeSize, or null when none was signed at that size.</param>
public sealed record InclusionProof(long LeafIndex, long TreeSize, byte[] LeafData, byte[] LeafHash, IReadOnlyList<byte[]> AuditPath, byte[] RootHash, SignedTreeHead? TreeHead);

/// <summary>
/// An RFC 6962 consistency proof between two tree sizes, with their roots and signed heads where
/// they exist. <see cref="OldRoot"/> and <see cref="NewRoot"/> are the roots the proof is checked
/// against: a root kept outside the log when one was given, else the signed head's root, else
/// (no signed head at that size) the root of the stored tree.
/// </summary>
public sealed record ConsistencyProof(long OldSize, long NewSize, byte[] OldRoot, byte[] NewRoot, IReadOnlyList<byte[]> Path, SignedTreeHead? OldHead, SignedTreeHead? NewHead)
{
    /// <summary>
    /// Where the stored tree disagrees with a signed head or a root kept outside the log (each
    /// names the size and which roots differ); empty when they agree. The proof path is made from
    /// the stored tree, so a proof between two genuine heads can verify while the records under
    /// them were rewritten: these say so.
    /// </summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>True when the path proves <see cref="NewRoot"/> extends <see cref="OldRoot"/> and <see cref="Problems"/> is empty.</summary>
    public bool Verifies() => Problems.Count == 0 && MerkleProofVerifier.VerifyConsistency(OldSize, NewSize, OldRoot, NewRoot, Path);
}

/// <summary>Thrown when the stored tree is missing data it must hold.</summary>
public sealed class AuditLogCorruptException(string message) : Exception(message);

/// <summary>
/// The read side of an audit log file: queries, tree heads, roots and proofs, and signing a
/// head from outside the writer (safe beside a running writer: rows below the committed size
/// never change). Opens its own connection; not thread-safe.
/// </summary>
public sealed class AuditLogFile : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly bool _ownsConnection;
    private readonly SqliteCommand _leaf;
    private readonly SqliteCommand _node;

    internal AuditLogFile(SqliteConnection connection, bool ownsConnection)
    {
        _connection = connection;
        _ownsConnection = ownsConnection;
        _leaf = connection.CreateCommand();
        _leaf.CommandText = "SELECT leaf_hash FROM records WHERE idx = $i";
        _leaf.Parameters.Add(new SqliteParameter { ParameterName = "$i" });
        _node = connection.CreateCommand();
        _node.CommandText = "SELECT hash FROM tree_nodes WHERE id = $id";
        _node.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
    }

    /// <summary>Opens an existing log file.</summary>
    public static AuditLogFile Open(string databasePath)
    {
        SqliteConnection connection = AuditLogSchema.Open(databasePath, create: false);
        try
        {
            using var check = connection.CreateCommand();
            check.CommandText = "SELECT value FROM meta WHERE key = 'format'";
            if (check.ExecuteScalar() as string != AuditLogSchema.FormatVersion)
            {
                throw new InvalidDataException($"'{databasePath}' is not an audit log of format {AuditLogSchema.FormatVersion}");
            }
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new InvalidDataException($"'{databasePath}' is not a readable audit log: {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return new AuditLogFile(connection, ownsConnection: true);
    }

    internal SqliteConnection Connection => _connection;

    /// <summary>Records stored (the highest index + 1).</summary>
    public long Count()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(idx) + 1, 0) FROM records";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The record at <paramref name="index"/>, or null.</summary>
    public AuditEntry? Get(long index)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {AuditLogSchema.RecordColumns} FROM records WHERE idx = $i";
        command.Parameters.AddWithValue("$i", index);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? ReadEntry(reader) : null;
    }

    /// <summary>Records matching <paramref name="query"/>, in index order (streamed).</summary>
    public IEnumerable<AuditEntry> Query(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var command = _connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {AuditLogSchema.RecordColumns} FROM records WHERE 1 = 1");
        if (query.Since is { } since)
        {
            sql.Append(" AND ts_us >= $since");
            command.Parameters.AddWithValue("$since", AuditRecordEncoding.ToUnixMicroseconds(since));
        }
        if (query.Until is { } until)
        {
            sql.Append(" AND ts_us < $until");
            command.Parameters.AddWithValue("$until", AuditRecordEncoding.ToUnixMicroseconds(until));
        }
        AddEquals(sql, command, "robot_id", query.RobotId);
        AddEquals(sql, command, "type", query.Type);
        AddEquals(sql, command, "zone_id", query.ZoneId);
        AddEquals(sql, command, "category", query.Category);
        sql.Append(" ORDER BY idx");
        if (query.Limit is { } limit)
        {
            sql.Append(CultureInfo.InvariantCulture, $" LIMIT {Math.Max(0, limit)}");
        }
        command.CommandText = sql.ToString();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return ReadEntry(reader);
        }

        static void AddEquals(StringBuilder sql, SqliteCommand command, string column, string? value)
        {
            if (value is not null)
            {
                sql.Append(CultureInfo.InvariantCulture, $" AND {column} = ${column}");
                command.Parameters.AddWithValue("$" + column, value);
            }
        }
    }

    internal static AuditEntry ReadEntry(SqliteDataReader reader) =>
        new(reader.GetInt64(0), AuditLogSchema.ReadRecord(reader), (byte[])reader.GetValue(10));

    /// <summary>Every signed tree head, by tree size.</summary>
    public List<SignedTreeHead> TreeHeads()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {AuditLogSchema.HeadColumns} FROM tree_heads ORDER BY tree_size";
        using SqliteDataReader reader = command.ExecuteReader();
        var heads = new List<SignedTreeHead>();
        while (reader.Read())
        {
            heads.Add(AuditLogSchema.ReadHead(reader));
        }
        return heads;
    }

    /// <summary>The signed head with the largest tree size, or null.</summary>
    public SignedTreeHead? LatestTreeHead() => HeadWhere("ORDER BY tree_size DESC LIMIT 1", null);

    /// <summary>The signed head at exactly <paramref name="treeSize"/>, or null.</summary>
    public SignedTreeHead? TreeHeadAt(long treeSize) => HeadWhere("WHERE tree_size = $n", treeSize);

    /// <summary>The smallest signed head covering <paramref name="index"/>, or null.</summary>
    public SignedTreeHead? TreeHeadCovering(long index) => HeadWhere("WHERE tree_size > $n ORDER BY tree_size LIMIT 1", index);

    private SignedTreeHead? HeadWhere(string clause, long? value)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {AuditLogSchema.HeadColumns} FROM tree_heads {clause}";
        if (value is { } v)
        {
            command.Parameters.AddWithValue("$n", v);
        }
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? AuditLogSchema.ReadHead(reader) : null;
    }

    /// <summary>Hash of a complete aligned subtree (level 0: a leaf hash) from the stored tree: one indexed read.</summary>
    public byte[] SubtreeHash(int level, long index)
    {
        SqliteCommand command;
        if (level == 0)
        {
            command = _leaf;
            command.Parameters[0].Value = index;
        }
        else
        {
            command = _node;
            command.Parameters[0].Value = AuditLogSchema.NodeId(level, index);
        }
        return command.ExecuteScalar() as byte[]
            ?? throw new AuditLogCorruptException(level == 0
                ? $"record {index} is missing"
                : $"tree node for records {index << level}..{((index + 1) << level) - 1} is missing");
    }

    /// <summary>MTH of the first <paramref name="treeSize"/> records, from the stored tree (O(log n) reads).</summary>
    public byte[] RootAt(long treeSize) => MerkleProofs.Root(SubtreeHash, treeSize);

    /// <summary>
    /// Inclusion proof of record <paramref name="index"/> in the tree of <paramref name="treeSize"/>
    /// records; by default in the tree of the latest signed head, or of every stored record when
    /// no signed head covers the record yet (then <see cref="InclusionProof.TreeHead"/> is null).
    /// </summary>
    public InclusionProof ProveInclusion(long index, long? treeSize = null)
    {
        long size;
        SignedTreeHead? head;
        if (treeSize is { } requested)
        {
            size = requested;
            head = TreeHeadAt(size);
        }
        else
        {
            head = LatestTreeHead();
            if (head is null || head.TreeSize <= index)
            {
                head = null;
                size = Count();
            }
            else
            {
                size = head.TreeSize;
            }
        }
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"record {index} is not in a tree of {size} records");
        }
        AuditEntry entry = Get(index) ?? throw new AuditLogCorruptException($"record {index} is missing");
        List<byte[]> path = MerkleProofs.InclusionPath(SubtreeHash, index, size);
        byte[] root = head?.RootHash ?? RootAt(size);
        return new InclusionProof(index, size, AuditRecordEncoding.Encode(index, entry.Record), entry.LeafHash, path, root, head);
    }

    /// <summary>
    /// Consistency proof from <paramref name="oldSize"/> to <paramref name="newSize"/> (default: the
    /// latest signed head), checked against the signed heads' roots where they exist and against
    /// <paramref name="trustedOldRoot"/> (a root kept outside the log, 32 bytes) when given. A stored
    /// root that differs from either is named in <see cref="ConsistencyProof.Problems"/>.
    /// </summary>
    public ConsistencyProof ProveConsistency(long oldSize, long? newSize = null, byte[]? trustedOldRoot = null)
    {
        long size = newSize ?? LatestTreeHead()?.TreeSize ?? Count();
        if (oldSize <= 0 || oldSize > size)
        {
            throw new ArgumentOutOfRangeException(nameof(oldSize), $"old size must be in 1..{size} (got {oldSize})");
        }
        if (size > Count())
        {
            throw new ArgumentOutOfRangeException(nameof(newSize), $"the log holds {Count()} records, fewer than {size}");
        }
        if (trustedOldRoot is not null && trustedOldRoot.Length != MerkleHash.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(trustedOldRoot), $"the old root must be {MerkleHash.Size} bytes (SHA-256), got {trustedOldRoot.Length}");
        }
        List<byte[]> path = MerkleProofs.ConsistencyProof(SubtreeHash, oldSize, size);
        SignedTreeHead? oldHead = TreeHeadAt(oldSize), newHead = TreeHeadAt(size);
        byte[] storedOld = RootAt(oldSize), storedNew = RootAt(size);
        var problems = new List<string>();
        // The path comes from the stored nodes; checking it against roots taken from the same
        // nodes would prove only that the store agrees with itself. The roots to trust are the
        // signed heads' and one kept outside the log.
        void CheckStoredAgainst(SignedTreeHead? head, long at, byte[] stored)
        {
            if (head is not null && !head.RootHash.AsSpan().SequenceEqual(stored))
            {
                problems.Add($"stored-root-mismatch: the stored tree's root at size {at} ({Convert.ToHexStringLower(stored)}) differs from its signed tree head's ({Convert.ToHexStringLower(head.RootHash)}): records or tree nodes below {at} were altered");
            }
        }
        CheckStoredAgainst(oldHead, oldSize, storedOld);
        if (size != oldSize)
        {
            CheckStoredAgainst(newHead, size, storedNew);
        }
        byte[] oldRoot = oldHead?.RootHash ?? storedOld;
        if (trustedOldRoot is not null)
        {
            if (oldHead is not null && !oldHead.RootHash.AsSpan().SequenceEqual(trustedOldRoot))
            {
                problems.Add($"signed-head-mismatch: the signed tree head at size {oldSize} has root {Convert.ToHexStringLower(oldHead.RootHash)}, not the root kept outside the log ({Convert.ToHexStringLower(trustedOldRoot)}): the head was re-signed or replaced");
            }
            else if (oldHead is null && !storedOld.AsSpan().SequenceEqual(trustedOldRoot))
            {
                problems.Add($"stored-root-mismatch: the stored tree's root at size {oldSize} ({Convert.ToHexStringLower(storedOld)}) differs from the root kept outside the log ({Convert.ToHexStringLower(trustedOldRoot)})");
            }
            oldRoot = trustedOldRoot;
        }
        return new ConsistencyProof(oldSize, size, oldRoot, newHead?.RootHash ?? storedNew, path, oldHead, newHead) { Problems = problems };
    }

    /// <summary>Signs a head over every record stored now with <paramref name="key"/> and stores it (or returns the existing head at that size).</summary>
    public SignedTreeHead SignTreeHead(TreeHeadKey key, DateTimeOffset now)
    {
        long size = Count();
        if (TreeHeadAt(size) is { } existing)
        {
            return existing;
        }
        SignedTreeHead head = SignedTreeHead.Sign(key, size, now, RootAt(size));
        using var command = _connection.CreateCommand();
        command.CommandText = $"INSERT OR IGNORE INTO tree_heads({AuditLogSchema.HeadColumns}) VALUES ($n, $t, $r, $k, $s)";
        command.Parameters.AddWithValue("$n", head.TreeSize);
        command.Parameters.AddWithValue("$t", head.Timestamp.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$r", head.RootHash);
        command.Parameters.AddWithValue("$k", head.KeyId);
        command.Parameters.AddWithValue("$s", head.Signature);
        command.ExecuteNonQuery();
        return TreeHeadAt(size)!;
    }

    /// <summary>Recomputes the whole tree and checks every signed head; see <see cref="AuditVerifier"/>.</summary>
    public AuditVerificationReport Verify(TreeHeadKey trustedKey) => AuditVerifier.Verify(this, trustedKey);

    public void Dispose()
    {
        _leaf.Dispose();
        _node.Dispose();
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
    }
}
