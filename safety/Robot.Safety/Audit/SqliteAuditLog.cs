using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Robot.Safety.Audit;

/// <summary>
/// The embedded audit log: SQLite in WAL mode, an RFC 6962 Merkle tree over the records, signed
/// tree heads. One background writer takes every pending append, commits them in one
/// transaction (group commit) and only then completes the callers' tasks: an index returned by
/// <see cref="AppendAsync"/> names a record that is on disk under <see cref="AuditDurability"/>
/// (default: fsynced, so it survives a killed process and a power loss).
/// One writer per file: a second writer is detected at its next commit and fails.
/// </summary>
public sealed class SqliteAuditLog : IAuditLog, IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly TreeHeadKey _key;
    private readonly TimeProvider _time;
    private readonly int _maxBatch;
    private readonly Channel<WriteRequest> _requests = Channel.CreateUnbounded<WriteRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly ITimer? _signTimer;
    private readonly SqliteCommand _insertRecord;
    private readonly SqliteCommand _insertNode;
    private readonly SqliteCommand _insertHead;
    private readonly SqliteCommand _maxIndex;

    // Writer-thread state: the committed size and the hashes of the complete subtrees that make
    // it up (the binary decomposition of _size, largest first).
    private long _size;
    private List<(int Level, byte[] Hash)> _frontier;
    private long _signedSize = -1;
    private SignedTreeHead? _lastHead;
    private long _committedSize;
    private long _commits;
    private int _disposed;

    private SqliteAuditLog(SqliteAuditLogOptions options, SqliteConnection connection, TreeHeadKey key)
    {
        DatabasePath = options.DatabasePath;
        _connection = connection;
        _key = key;
        _time = options.TimeProvider;
        _maxBatch = options.MaxBatchRecords;
        _insertRecord = Prepare($"INSERT INTO records({AuditLogSchema.RecordColumns}) VALUES ($i, $ts, $src, $cat, $type, $res, $pr, $robot, $zone, $det, $leaf)",
            "$i", "$ts", "$src", "$cat", "$type", "$res", "$pr", "$robot", "$zone", "$det", "$leaf");
        _insertNode = Prepare("INSERT INTO tree_nodes(id, hash) VALUES ($id, $h)", "$id", "$h");
        _insertHead = Prepare($"INSERT OR IGNORE INTO tree_heads({AuditLogSchema.HeadColumns}) VALUES ($n, $t, $r, $k, $s)", "$n", "$t", "$r", "$k", "$s");
        _maxIndex = Prepare("SELECT COALESCE(MAX(idx) + 1, 0) FROM records");
        (_size, _frontier) = LoadFrontier();
        _committedSize = _size;
        using (var file = new AuditLogFile(_connection, ownsConnection: false))
        {
            _lastHead = file.LatestTreeHead();
        }
        _signedSize = _lastHead?.TreeSize ?? -1;
        _writer = Task.Factory.StartNew(WriterLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (options.SignInterval is { } interval)
        {
            _signTimer = _time.CreateTimer(_ => RequestPeriodicSign(), null, interval, interval);
        }
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Records committed so far (the next index).</summary>
    public long Count => Interlocked.Read(ref _committedSize);

    /// <summary>Transactions committed since open: appends per commit = records / commits (group commit at work).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>The public half of the tree-head key.</summary>
    public string PublicKeyPem => _key.PublicKeyPem;

    /// <summary>Opens (or creates) the log described by <paramref name="options"/>.</summary>
    public static SqliteAuditLog Open(SqliteAuditLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string keyPath = options.SigningKeyPath ?? TreeHeadKey.DefaultPathFor(options.DatabasePath);
        TreeHeadKey key = TreeHeadKey.LoadOrCreate(keyPath);
        SqliteConnection connection = AuditLogSchema.Open(options.DatabasePath, create: true);
        try
        {
            AuditLogSchema.Execute(connection, "PRAGMA journal_mode = WAL;");
            AuditLogSchema.Execute(connection, options.Durability == AuditDurability.Full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
            AuditLogSchema.Execute(connection, AuditLogSchema.Create);
            AuditLogSchema.Execute(connection, $"INSERT OR IGNORE INTO meta(key, value) VALUES ('sth-key-id', '{Convert.ToHexStringLower(key.KeyId)}')");
            return new SqliteAuditLog(options, connection, key);
        }
        catch
        {
            connection.Dispose();
            key.Dispose();
            throw;
        }
    }

    /// <summary>Opens the log at <paramref name="databasePath"/> with default options.</summary>
    public static SqliteAuditLog Open(string databasePath) => Open(new SqliteAuditLogOptions { DatabasePath = databasePath });

    /// <inheritdoc />
    public ValueTask<long> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        AuditRecordEncoding.Validate(record);
        var request = new AppendRequest([record]);
        Enqueue(request);
        return new ValueTask<long>(request.Completion.Task.WaitAsync(cancellationToken));
    }

    /// <summary>
    /// Appends <paramref name="records"/> as consecutive entries in one commit (the bulk path);
    /// completes with the index of the first once durable.
    /// </summary>
    public Task<long> AppendRangeAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (AuditRecord record in records)
        {
            AuditRecordEncoding.Validate(record);
        }
        var request = new AppendRequest(records);
        Enqueue(request);
        return request.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Signs a tree head over everything committed before this request is served (or returns the latest head when nothing new arrived).</summary>
    public Task<SignedTreeHead> SignTreeHeadAsync(CancellationToken cancellationToken = default)
    {
        var request = new SignRequest();
        Enqueue(request);
        return request.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Opens a read-side view of this log (queries, proofs, verification) on its own connection.</summary>
    public AuditLogFile OpenReader() => AuditLogFile.Open(DatabasePath);

    private void Enqueue(WriteRequest request)
    {
        if (Volatile.Read(ref _disposed) != 0 || !_requests.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(SqliteAuditLog), "the audit log is closed");
        }
    }

    private void RequestPeriodicSign()
    {
        if (Volatile.Read(ref _disposed) == 0 && Count > Interlocked.Read(ref _signedSize))
        {
            _requests.Writer.TryWrite(new SignRequest());
        }
    }

    private void WriterLoop()
    {
        var batch = new List<WriteRequest>();
        ChannelReader<WriteRequest> reader = _requests.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            int records = 0;
            while (records < _maxBatch && reader.TryRead(out WriteRequest? request))
            {
                batch.Add(request);
                records += request is AppendRequest a ? a.Records.Count : 0;
            }
            Commit(batch);
        }
        // Closing: cover the tail with a signed head so verification needs no trust in it.
        if (_size > Interlocked.Read(ref _signedSize))
        {
            Commit([new SignRequest()]);
        }
    }

    private void Commit(List<WriteRequest> batch)
    {
        var frontier = new List<(int Level, byte[] Hash)>(_frontier);
        long size = _size;
        long signedSize = Interlocked.Read(ref _signedSize);
        var heads = new List<(SignRequest Request, SignedTreeHead Head)>();
        try
        {
            using (SqliteTransaction transaction = _connection.BeginTransaction())
            {
                foreach (SqliteCommand command in (SqliteCommand[])[_insertRecord, _insertNode, _insertHead, _maxIndex])
                {
                    command.Transaction = transaction;
                }
                long onDisk = (long)_maxIndex.ExecuteScalar()!;
                if (onDisk != size)
                {
                    throw new InvalidOperationException($"the audit log '{DatabasePath}' holds {onDisk} records but this writer expected {size}: another process is writing to it");
                }
                foreach (WriteRequest request in batch)
                {
                    switch (request)
                    {
                        case AppendRequest append:
                            append.FirstIndex = size;
                            foreach (AuditRecord record in append.Records)
                            {
                                InsertRecord(size, record, frontier);
                                size++;
                            }
                            break;
                        case SignRequest sign:
                            if (size == signedSize && heads.Count == 0 && _lastHead is not null)
                            {
                                heads.Add((sign, _lastHead));
                                break;
                            }
                            if (size == signedSize)
                            {
                                heads.Add((sign, heads[^1].Head));
                                break;
                            }
                            SignedTreeHead head = SignedTreeHead.Sign(_key, size, _time.GetUtcNow(), RootOf(frontier));
                            SetParameters(_insertHead, head.TreeSize, head.Timestamp.ToUnixTimeMilliseconds(), head.RootHash, head.KeyId, head.Signature);
                            _insertHead.ExecuteNonQuery();
                            heads.Add((sign, head));
                            signedSize = size;
                            break;
                    }
                }
                transaction.Commit();
            }
        }
        catch (Exception e)
        {
            foreach (WriteRequest request in batch)
            {
                request.Fail(e);
            }
            return;
        }
        _frontier = frontier;
        _size = size;
        Interlocked.Exchange(ref _committedSize, size);
        Interlocked.Increment(ref _commits);
        Interlocked.Exchange(ref _signedSize, signedSize);
        foreach (WriteRequest request in batch)
        {
            if (request is AppendRequest append)
            {
                append.Completion.TrySetResult(append.FirstIndex);
            }
        }
        foreach ((SignRequest request, SignedTreeHead head) in heads)
        {
            _lastHead = head;
            request.Completion.TrySetResult(head);
        }
    }

    private void InsertRecord(long index, AuditRecord record, List<(int Level, byte[] Hash)> frontier)
    {
        byte[] leaf = AuditRecordEncoding.LeafHash(index, record);
        SetParameters(_insertRecord, index, AuditRecordEncoding.ToUnixMicroseconds(record.Timestamp), record.Source, record.Category, record.Type,
            record.Result, record.Principal, record.RobotId, record.ZoneId, record.Details, leaf);
        _insertRecord.ExecuteNonQuery();
        // Push the leaf and merge equal-sized neighbours: each merge completes a subtree, stored once.
        frontier.Add((0, leaf));
        while (frontier.Count >= 2 && frontier[^1].Level == frontier[^2].Level)
        {
            var (level, right) = frontier[^1];
            var left = frontier[^2].Hash;
            frontier.RemoveRange(frontier.Count - 2, 2);
            byte[] node = new byte[MerkleHash.Size];
            MerkleHash.Node(left, right, node);
            int newLevel = level + 1;
            long nodeIndex = ((index + 1) >> newLevel) - 1;
            SetParameters(_insertNode, AuditLogSchema.NodeId(newLevel, nodeIndex), node);
            _insertNode.ExecuteNonQuery();
            frontier.Add((newLevel, node));
        }
    }

    /// <summary>MTH over the frontier: right fold, Node(f0, Node(f1, …)).</summary>
    internal static byte[] RootOf(List<(int Level, byte[] Hash)> frontier)
    {
        if (frontier.Count == 0)
        {
            return MerkleHash.Empty();
        }
        byte[] root = (byte[])frontier[^1].Hash.Clone();
        for (int i = frontier.Count - 2; i >= 0; i--)
        {
            MerkleHash.Node(frontier[i].Hash, root, root);
        }
        return root;
    }

    private (long Size, List<(int Level, byte[] Hash)> Frontier) LoadFrontier()
    {
        long size = (long)_maxIndex.ExecuteScalar()!;
        var frontier = new List<(int, byte[])>();
        using var file = new AuditLogFile(_connection, ownsConnection: false);
        long start = 0;
        for (int level = 62; level >= 0; level--)
        {
            if ((size & (1L << level)) != 0)
            {
                frontier.Add((level, file.SubtreeHash(level, start >> level)));
                start += 1L << level;
            }
        }
        return (size, frontier);
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (string name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        command.Prepare();
        return command;
    }

    private static void SetParameters(SqliteCommand command, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    /// <summary>Drains pending appends, signs a final tree head when records arrived since the last one, and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_signTimer is not null)
        {
            await _signTimer.DisposeAsync().ConfigureAwait(false);
        }
        _requests.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _insertRecord.Dispose();
        _insertNode.Dispose();
        _insertHead.Dispose();
        _maxIndex.Dispose();
        _connection.Dispose();
        _key.Dispose();
    }

    private abstract class WriteRequest
    {
        public abstract void Fail(Exception e);
    }

    private sealed class AppendRequest(IReadOnlyList<AuditRecord> records) : WriteRequest
    {
        public IReadOnlyList<AuditRecord> Records { get; } = records;
        public long FirstIndex { get; set; }
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Fail(Exception e) => Completion.TrySetException(e);
    }

    private sealed class SignRequest : WriteRequest
    {
        public TaskCompletionSource<SignedTreeHead> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Fail(Exception e) => Completion.TrySetException(e);
    }
}
