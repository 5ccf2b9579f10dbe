using Microsoft.Data.Sqlite;

namespace Robot.Runtime.Tasks;

/// <summary>
/// The durable record of tasks: one SQLite file in WAL mode with <c>synchronous=FULL</c> (a
/// change the manager has acknowledged survives a killed process and a power loss), holding
/// each task's current row and every event that changed it. The idempotency key is unique in
/// the table, so a duplicate can never be stored twice. One store owns a file at a time: it
/// holds an exclusive lock on <c>&lt;file&gt;.lock</c> beside it for its lifetime (the kernel
/// releases it when the process dies; the empty lock file stays), and a second
/// <see cref="Open"/> of the same file throws <see cref="TaskStoreInUseException"/>. Calls are
/// serialised on one connection.
/// </summary>
public sealed class TaskStore : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS tasks(
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            box_id TEXT NOT NULL,
            source TEXT NOT NULL,
            destination TEXT NOT NULL,
            priority INTEGER NOT NULL,
            idempotency_key TEXT UNIQUE,
            state TEXT NOT NULL,
            reason TEXT NOT NULL,
            phase TEXT,
            attempts INTEGER NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            submitted_by TEXT NOT NULL) STRICT;
        CREATE INDEX IF NOT EXISTS tasks_state ON tasks(state);
        CREATE TABLE IF NOT EXISTS task_events(
            idx INTEGER PRIMARY KEY,
            task_seq INTEGER NOT NULL REFERENCES tasks(seq),
            time_ms INTEGER NOT NULL,
            previous_state TEXT,
            state TEXT NOT NULL,
            phase TEXT,
            reason TEXT NOT NULL) STRICT;
        CREATE INDEX IF NOT EXISTS task_events_task ON task_events(task_seq, idx);
        INSERT OR IGNORE INTO meta(key, value) VALUES ('format', '1');
        """;

    // What .NET's IOException carries as HResult when a FileShare.None lock is held elsewhere:
    // ERROR_SHARING_VIOLATION on Windows; on Unix flock's errno EWOULDBLOCK (11 on Linux, 35 on macOS).
    private const int SharingViolation = unchecked((int)0x80070020);
    private const int LinuxWouldBlock = 11;
    private const int MacWouldBlock = 35;

    private const string Columns = "seq, id, box_id, source, destination, priority, idempotency_key, state, reason, phase, attempts, created_ms, updated_ms, submitted_by";

    // SQLite's own locks cannot keep a second runtime out: it would read, recover (failing this
    // runtime's running task) and run the same queued tasks. The owner lock lives in a separate
    // file because opening and closing the database file itself would drop SQLite's POSIX locks.
    private readonly FileStream _owner;
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    private TaskStore(string path, FileStream owner, SqliteConnection connection)
    {
        DatabasePath = path;
        _owner = owner;
        _connection = connection;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Opens the store at <paramref name="path"/>, creating the file and its tables when missing,
    /// and takes ownership of it. Throws <see cref="TaskStoreInUseException"/>, opening nothing,
    /// when another store holds the file.
    /// </summary>
    public static TaskStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        FileStream owner = TakeOwnership(full);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
            Execute(connection, Schema);
            return new TaskStore(full, owner, connection);
        }
        catch
        {
            connection.Dispose();
            owner.Dispose();
            throw;
        }
    }

    /// <summary>The lock file beside <paramref name="databasePath"/> that its owner holds.</summary>
    public static string LockPathOf(string databasePath) => databasePath + ".lock";

    /// <summary>The sequence number the next inserted task gets (1 for an empty store).</summary>
    public long NextSequence()
    {
        lock (_lock)
        {
            using SqliteCommand command = Command("SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks");
            return (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>
    /// Stores a new task and its creation event in one transaction. Returns false, storing
    /// nothing, when a task with the same idempotency key exists; <paramref name="existing"/> is then that task.
    /// </summary>
    /// <param name="created">The creation event (<see cref="TaskStateMachine.Create"/>).</param>
    /// <param name="existing">The task that already holds the key, when false is returned.</param>
    public bool TryInsert(TaskEvent created, out TaskRecord? existing)
    {
        ArgumentNullException.ThrowIfNull(created);
        TaskRecord task = created.Task;
        lock (_lock)
        {
            existing = task.Request.IdempotencyKey is { } key ? FindByKeyUnsynchronized(key) : null;
            if (existing is not null)
            {
                return false;
            }
            using SqliteTransaction transaction = _connection.BeginTransaction();
            using (SqliteCommand insert = Command($"INSERT INTO tasks({Columns}) VALUES ($seq, $id, $box, $src, $dst, $pri, $key, $state, $reason, $phase, $att, $created, $updated, $by)", transaction))
            {
                Bind(insert, task);
                insert.Parameters.AddWithValue("$box", task.Request.BoxId);
                insert.Parameters.AddWithValue("$src", task.Request.Source);
                insert.Parameters.AddWithValue("$dst", task.Request.Destination);
                insert.Parameters.AddWithValue("$pri", task.Request.Priority);
                insert.Parameters.AddWithValue("$key", (object?)task.Request.IdempotencyKey ?? DBNull.Value);
                insert.Parameters.AddWithValue("$created", task.CreatedAt.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$by", task.SubmittedBy);
                insert.ExecuteNonQuery();
            }
            InsertEvent(created, transaction);
            transaction.Commit();
            return true;
        }
    }

    /// <summary>
    /// Stores a change of an existing task: its new row and the event, in one transaction. The
    /// change applies only to the task in the state it was made from
    /// (<see cref="TaskEvent.PreviousState"/>); otherwise it throws
    /// <see cref="InvalidOperationException"/> and stores nothing.
    /// </summary>
    /// <param name="change">The event (<see cref="TaskStateMachine"/>) whose task replaces the stored one.</param>
    public void Append(TaskEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.PreviousState is not { } previous)
        {
            throw new ArgumentException($"task {change.Task.Id}: a creation event is stored with TryInsert, not Append", nameof(change));
        }
        lock (_lock)
        {
            using SqliteTransaction transaction = _connection.BeginTransaction();
            using (SqliteCommand update = Command("UPDATE tasks SET state = $state, reason = $reason, phase = $phase, attempts = $att, updated_ms = $updated WHERE seq = $seq AND id = $id AND state = $previous", transaction))
            {
                Bind(update, change.Task);
                update.Parameters.AddWithValue("$previous", previous.ToName());
                if (update.ExecuteNonQuery() != 1)
                {
                    string stored = StoredStateUnsynchronized(change.Task.Id, transaction) is { } state ? $"is {state}" : "is not";
                    throw new InvalidOperationException($"task {change.Task.Id} {stored} in the store {DatabasePath}; the change {previous.ToName()} → {change.State.ToName()} ({change.Reason}) was not stored");
                }
            }
            InsertEvent(change, transaction);
            transaction.Commit();
        }
    }

    /// <summary>The task with <paramref name="id"/>, or null.</summary>
    public TaskRecord? Get(string id)
    {
        lock (_lock)
        {
            using SqliteCommand command = Command($"SELECT {Columns} FROM tasks WHERE id = $id");
            command.Parameters.AddWithValue("$id", id);
            return ReadAll(command).FirstOrDefault();
        }
    }

    /// <summary>The task holding <paramref name="key"/> as its idempotency key, or null.</summary>
    public TaskRecord? FindByKey(string key)
    {
        lock (_lock)
        {
            return FindByKeyUnsynchronized(key);
        }
    }

    /// <summary>Tasks newest first, only those in <paramref name="state"/> when given, at most <paramref name="limit"/>.</summary>
    /// <param name="state">Only this state; null for all.</param>
    /// <param name="limit">Most rows returned (≥ 1).</param>
    public IReadOnlyList<TaskRecord> List(TaskState? state = null, int limit = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_lock)
        {
            using SqliteCommand command = Command($"SELECT {Columns} FROM tasks {(state is null ? "" : "WHERE state = $state")} ORDER BY seq DESC LIMIT $limit");
            if (state is { } s)
            {
                command.Parameters.AddWithValue("$state", s.ToName());
            }
            command.Parameters.AddWithValue("$limit", limit);
            return ReadAll(command);
        }
    }

    /// <summary>Every task not in a final state (queued, underway, blocked), oldest first.</summary>
    public IReadOnlyList<TaskRecord> Unfinished()
    {
        lock (_lock)
        {
            using SqliteCommand command = Command($"SELECT {Columns} FROM tasks WHERE state IN ('queued', 'underway', 'blocked') ORDER BY seq");
            return ReadAll(command);
        }
    }

    /// <summary>Every stored event of task <paramref name="id"/>, oldest first (the task field of each is the task as it is now).</summary>
    public IReadOnlyList<(DateTimeOffset Time, TaskState? Previous, TaskState State, TaskPhase? Phase, string Reason)> History(string id)
    {
        lock (_lock)
        {
            using SqliteCommand command = Command("SELECT e.time_ms, e.previous_state, e.state, e.phase, e.reason FROM task_events e JOIN tasks t ON t.seq = e.task_seq WHERE t.id = $id ORDER BY e.idx");
            command.Parameters.AddWithValue("$id", id);
            using SqliteDataReader reader = command.ExecuteReader();
            var events = new List<(DateTimeOffset, TaskState?, TaskState, TaskPhase?, string)>();
            while (reader.Read())
            {
                events.Add((DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                    reader.IsDBNull(1) ? null : ParseState(reader.GetString(1)),
                    ParseState(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : ParsePhase(reader.GetString(3)),
                    reader.GetString(4)));
            }
            return events;
        }
    }

    /// <summary>Number of stored tasks.</summary>
    public long Count()
    {
        lock (_lock)
        {
            using SqliteCommand command = Command("SELECT COUNT(*) FROM tasks");
            return (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>Closes the file and gives up ownership.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
            _owner.Dispose();
        }
    }

    /// <summary>The exclusively locked lock file of <paramref name="databasePath"/>, or <see cref="TaskStoreInUseException"/>.</summary>
    private static FileStream TakeOwnership(string databasePath)
    {
        string lockPath = LockPathOf(databasePath);
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock on Unix) that fails at once when held.
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            throw new TaskStoreInUseException(databasePath, lockPath, e);
        }
    }

    private static bool IsHeldElsewhere(IOException e) =>
        OperatingSystem.IsWindows() ? e.HResult == SharingViolation
        : OperatingSystem.IsMacOS() ? e.HResult == MacWouldBlock
        : e.HResult == LinuxWouldBlock;

    private string? StoredStateUnsynchronized(string id, SqliteTransaction transaction)
    {
        using SqliteCommand command = Command("SELECT state FROM tasks WHERE id = $id", transaction);
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() as string;
    }

    private TaskRecord? FindByKeyUnsynchronized(string key)
    {
        using SqliteCommand command = Command($"SELECT {Columns} FROM tasks WHERE idempotency_key = $key");
        command.Parameters.AddWithValue("$key", key);
        return ReadAll(command).FirstOrDefault();
    }

    /// <summary>Binds the columns that change over a task's life.</summary>
    private static void Bind(SqliteCommand command, TaskRecord task)
    {
        command.Parameters.AddWithValue("$seq", task.Sequence);
        command.Parameters.AddWithValue("$id", task.Id);
        command.Parameters.AddWithValue("$state", task.State.ToName());
        command.Parameters.AddWithValue("$reason", task.Reason);
        command.Parameters.AddWithValue("$phase", (object?)task.Phase?.ToName() ?? DBNull.Value);
        command.Parameters.AddWithValue("$att", task.Attempts);
        command.Parameters.AddWithValue("$updated", task.UpdatedAt.ToUnixTimeMilliseconds());
    }

    private void InsertEvent(TaskEvent e, SqliteTransaction transaction)
    {
        using SqliteCommand insert = Command("INSERT INTO task_events(task_seq, time_ms, previous_state, state, phase, reason) VALUES ($seq, $t, $prev, $state, $phase, $reason)", transaction);
        insert.Parameters.AddWithValue("$seq", e.Task.Sequence);
        insert.Parameters.AddWithValue("$t", e.Time.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$prev", (object?)e.PreviousState?.ToName() ?? DBNull.Value);
        insert.Parameters.AddWithValue("$state", e.State.ToName());
        insert.Parameters.AddWithValue("$phase", (object?)e.Phase?.ToName() ?? DBNull.Value);
        insert.Parameters.AddWithValue("$reason", e.Reason);
        insert.ExecuteNonQuery();
    }

    private static List<TaskRecord> ReadAll(SqliteCommand command)
    {
        using SqliteDataReader reader = command.ExecuteReader();
        var tasks = new List<TaskRecord>();
        while (reader.Read())
        {
            var request = new PickTaskRequest(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6));
            tasks.Add(new TaskRecord(
                reader.GetString(1),
                request,
                ParseState(reader.GetString(7)),
                reader.GetString(8),
                reader.IsDBNull(9) ? null : ParsePhase(reader.GetString(9)),
                reader.GetInt32(10),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
                reader.GetString(13),
                reader.GetInt64(0)));
        }
        return tasks;
    }

    private static TaskState ParseState(string name) => TaskStates.TryParse(name, out TaskState state)
        ? state
        : throw new InvalidDataException($"unknown task state '{name}' in the task store");

    private static TaskPhase ParsePhase(string name) => TaskPhases.TryParse(name, out TaskPhase phase)
        ? phase
        : throw new InvalidDataException($"unknown task phase '{name}' in the task store");

    private SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
