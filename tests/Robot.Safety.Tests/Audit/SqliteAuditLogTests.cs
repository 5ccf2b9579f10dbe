using Microsoft.Data.Sqlite;
using Robot.Safety.Audit;
using static Robot.Safety.Tests.Audit.AuditTestData;

namespace Robot.Safety.Tests.Audit;

public class SqliteAuditLogTests
{
    internal static SqliteAuditLog OpenLog(string path, AuditDurability durability = AuditDurability.Full) =>
        SqliteAuditLog.Open(new SqliteAuditLogOptions { DatabasePath = path, SignInterval = null, Durability = durability });

    [Fact]
    public async Task AppendAsync_ReturnsConsecutiveIndices_AndRecordsReadBack()
    {
        using var dir = new TempDir();
        await using (SqliteAuditLog log = OpenLog(dir.File("a.db")))
        {
            for (int i = 0; i < 10; i++)
            {
                Assert.Equal(i, await log.AppendAsync(Record(i)));
            }
        }
        using AuditLogFile file = AuditLogFile.Open(dir.File("a.db"));
        Assert.Equal(10, file.Count());
        Assert.Equal(Record(4), file.Get(4)!.Record);
        Assert.Equal(AuditRecordEncoding.LeafHash(4, Record(4)), file.Get(4)!.LeafHash);
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrentAppenders_GetDistinctIndicesAndMatchingRecords()
    {
        using var dir = new TempDir();
        await using SqliteAuditLog log = OpenLog(dir.File("a.db"));
        long[] indices = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => log.AppendAsync(Record(i)).AsTask()));
        Assert.Equal(2000, indices.Distinct().Count());
        using AuditLogFile file = log.OpenReader();
        for (int i = 0; i < indices.Length; i += 97)
        {
            Assert.Equal(Record(i), file.Get(indices[i])!.Record);
        }
    }

    [Fact]
    public async Task Reopen_ContinuesTheSameTree()
    {
        using var dir = new TempDir();
        string path = dir.File("a.db");
        await using (SqliteAuditLog log = OpenLog(path))
        {
            await log.AppendRangeAsync(Enumerable.Range(0, 13).Select(i => Record(i)).ToList());
        }
        await using (SqliteAuditLog log = OpenLog(path))
        {
            Assert.Equal(13, await log.AppendAsync(Record(13)));
            await log.AppendRangeAsync(Enumerable.Range(14, 20).Select(i => Record(i)).ToList());
        }
        using AuditLogFile file = AuditLogFile.Open(path);
        var leafHashes = Enumerable.Range(0, 34).Select(i => AuditRecordEncoding.LeafHash(i, Record(i))).ToList();
        Assert.Equal(Mth(leafHashes, 0, 34), file.RootAt(34));
        Assert.Equal(Mth(leafHashes, 0, 13), file.RootAt(13));
        using TreeHeadKey key = TreeHeadKey.Load(TreeHeadKey.DefaultPathFor(path));
        AuditVerificationReport report = file.Verify(key);
        Assert.True(report.Ok, string.Join("; ", report.Problems));
        Assert.Equal(2, report.SignedHeads); // one signed at each close
    }

    [Fact]
    public async Task SignTreeHeadAsync_SignsRfc6962StructureWithTheKeyBesideTheLog()
    {
        using var dir = new TempDir();
        string path = dir.File("a.db");
        await using SqliteAuditLog log = OpenLog(path);
        await log.AppendRangeAsync(Enumerable.Range(0, 5).Select(i => Record(i)).ToList());
        SignedTreeHead head = await log.SignTreeHeadAsync();
        Assert.Equal(5, head.TreeSize);
        using TreeHeadKey publicKey = TreeHeadKey.FromPem(log.PublicKeyPem);
        Assert.True(head.VerifySignature(publicKey));
        byte[] input = head.SignatureInput();
        Assert.Equal(50, input.Length);
        Assert.Equal(0, input[0]); // v1
        Assert.Equal(1, input[1]); // tree_hash
        Assert.Equal(head.RootHash, input[18..]);
        // Nothing new: the same head comes back.
        Assert.Equal(head, await log.SignTreeHeadAsync());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TreeHeadKey.DefaultPathFor(path)));
        }
    }

    [Fact]
    public async Task SignInterval_SignsHeadsWhileRecordsArrive()
    {
        using var dir = new TempDir();
        var time = new ManualTime();
        await using SqliteAuditLog log = SqliteAuditLog.Open(new SqliteAuditLogOptions
        {
            DatabasePath = dir.File("a.db"), SignInterval = TimeSpan.FromSeconds(10), TimeProvider = time,
        });
        await log.AppendAsync(Record(0));
        await log.AppendAsync(Record(1));
        time.Fire();
        SignedTreeHead? head = null;
        for (int i = 0; i < 200 && head is null; i++)
        {
            using AuditLogFile file = log.OpenReader();
            head = file.LatestTreeHead();
            if (head is null)
            {
                await Task.Delay(10);
            }
        }
        Assert.NotNull(head);
        Assert.Equal(2, head.TreeSize);
    }

    [Fact]
    public async Task Proofs_FromTheStore_VerifyWithTheRfcVerifier()
    {
        using var dir = new TempDir();
        await using SqliteAuditLog log = OpenLog(dir.File("a.db"));
        await log.AppendRangeAsync(Enumerable.Range(0, 21).Select(i => Record(i)).ToList());
        SignedTreeHead old = await log.SignTreeHeadAsync();
        await log.AppendRangeAsync(Enumerable.Range(21, 19).Select(i => Record(i)).ToList());
        SignedTreeHead head = await log.SignTreeHeadAsync();
        using AuditLogFile file = log.OpenReader();
        for (long i = 0; i < 40; i++)
        {
            InclusionProof proof = file.ProveInclusion(i);
            Assert.Equal(40, proof.TreeSize);
            Assert.Same(proof.RootHash, proof.TreeHead!.RootHash);
            Assert.Equal(head.RootHash, proof.RootHash);
            Assert.Equal(AuditTestData.LeafHash(proof.LeafData), proof.LeafHash);
            Assert.True(MerkleProofVerifier.VerifyInclusion(i, proof.TreeSize, proof.LeafHash, proof.AuditPath, proof.RootHash), $"record {i}");
        }
        ConsistencyProof consistency = file.ProveConsistency(old.TreeSize);
        Assert.Equal(old.RootHash, consistency.OldRoot);
        Assert.Equal(head.RootHash, consistency.NewRoot);
        Assert.True(MerkleProofVerifier.VerifyConsistency(21, 40, old.RootHash, head.RootHash, consistency.Path));
    }

    [Fact]
    public async Task ProveConsistency_RecordAndEveryHashAboveItRewritten_DoesNotVerifyAndNamesTheStoredRoot()
    {
        // A forger rewrites record 1, its leaf hash and the tree nodes above it. The proof path is
        // made from the stored tree, so it only fails against the roots the signed heads hold.
        using var dir = new TempDir();
        string path = dir.File("a.db");
        SignedTreeHead old, head;
        await using (SqliteAuditLog log = OpenLog(path))
        {
            await log.AppendRangeAsync(Enumerable.Range(0, 4).Select(i => Record(i)).ToList());
            old = await log.SignTreeHeadAsync();
            await log.AppendRangeAsync(Enumerable.Range(4, 4).Select(i => Record(i)).ToList());
            head = await log.SignTreeHeadAsync();
        }
        AuditRecord forged = Record(1) with { Result = "permit" };
        var hashes = Enumerable.Range(0, 8).Select(i => AuditRecordEncoding.LeafHash(i, i == 1 ? forged : Record(i))).ToList();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Execute(connection, "UPDATE records SET result = 'permit', leaf_hash = $h WHERE idx = 1", ("$h", hashes[1]));
            for (int level = 1; level <= 3; level++)
            {
                long id = ((1L << level) - 1) << 6 | (long)level; // the node over leaves 0 .. 2^level - 1
                Execute(connection, "UPDATE tree_nodes SET hash = $h WHERE id = $id", ("$id", id), ("$h", Mth(hashes, 0, 1L << level)));
            }
        }

        using AuditLogFile file = AuditLogFile.Open(path);
        Assert.NotEqual(old.RootHash, file.RootAt(4)); // the tampering reached the stored roots
        ConsistencyProof proof = file.ProveConsistency(4, 8);
        Assert.Equal(old.RootHash, proof.OldRoot);
        Assert.Equal(head.RootHash, proof.NewRoot);
        Assert.False(proof.Verifies());
        Assert.Equal(2, proof.Problems.Count);
        Assert.StartsWith("stored-root-mismatch: the stored tree's root at size 4 (", proof.Problems[0], StringComparison.Ordinal);
        Assert.EndsWith("records or tree nodes below 4 were altered", proof.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith("stored-root-mismatch: the stored tree's root at size 8 (", proof.Problems[1], StringComparison.Ordinal);

        // A root kept outside the log is checked against the signed head as well.
        byte[] kept = (byte[])old.RootHash.Clone();
        kept[0] ^= 1;
        ConsistencyProof against = file.ProveConsistency(4, 8, kept);
        Assert.Equal(kept, against.OldRoot);
        Assert.Contains(against.Problems, p => p.StartsWith("signed-head-mismatch: the signed tree head at size 4 has root", StringComparison.Ordinal));
        Assert.False(against.Verifies());
        Assert.Equal("the old root must be 32 bytes (SHA-256), got 3 (Parameter 'trustedOldRoot')",
            Assert.Throws<ArgumentOutOfRangeException>(() => file.ProveConsistency(4, 8, [1, 2, 3])).Message);
    }

    [Fact]
    public async Task ProveConsistency_UntouchedLog_VerifiesAgainstTheSignedHeadsAndAKeptRoot()
    {
        using var dir = new TempDir();
        await using SqliteAuditLog log = OpenLog(dir.File("a.db"));
        await log.AppendRangeAsync(Enumerable.Range(0, 5).Select(i => Record(i)).ToList());
        SignedTreeHead old = await log.SignTreeHeadAsync();
        await log.AppendRangeAsync(Enumerable.Range(5, 6).Select(i => Record(i)).ToList());
        await log.SignTreeHeadAsync();
        using AuditLogFile file = log.OpenReader();
        ConsistencyProof proof = file.ProveConsistency(5, null, old.RootHash);
        Assert.Empty(proof.Problems);
        Assert.True(proof.Verifies());
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    [Fact]
    public async Task Query_FiltersByTimeRobotTypeAndZone()
    {
        using var dir = new TempDir();
        await using SqliteAuditLog log = OpenLog(dir.File("a.db"));
        await log.AppendRangeAsync(Enumerable.Range(0, 60).Select(i => Record(i)).ToList());
        using AuditLogFile file = log.OpenReader();
        var hits = file.Query(new AuditQuery(Since: T0.AddMilliseconds(10), Until: T0.AddMilliseconds(40), RobotId: "robot-2", Type: "estop.triggered")).ToList();
        Assert.Equal(Enumerable.Range(10, 30).Where(i => i % 4 == 2 && i % 3 != 0).Select(i => (long)i), hits.Select(h => h.Index));
        Assert.Equal(12, file.Query(new AuditQuery(ZoneId: "aisle-3")).Count());
        Assert.Equal(5, file.Query(new AuditQuery(Limit: 5)).Count());
    }

    [Fact]
    public async Task AppendAsync_InvalidRecord_ThrowsAndWritesNothing()
    {
        using var dir = new TempDir();
        await using SqliteAuditLog log = OpenLog(dir.File("a.db"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await log.AppendAsync(Record(0) with { Source = "\udc00" }));
        Assert.Equal(0, log.Count);
    }

    [Fact]
    public async Task SecondWriter_IsDetectedAtCommit()
    {
        using var dir = new TempDir();
        string path = dir.File("a.db");
        await using SqliteAuditLog first = OpenLog(path);
        await using SqliteAuditLog second = OpenLog(path);
        await first.AppendAsync(Record(0));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await second.AppendAsync(Record(1)));
        Assert.Contains("another process", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Invalid_ReportsEveryError()
    {
        var e = Assert.Throws<ArgumentException>(() => SqliteAuditLog.Open(new SqliteAuditLogOptions { SignInterval = TimeSpan.Zero, MaxBatchRecords = 0 }));
        Assert.Equal("invalid audit log options: DatabasePath is required; SignInterval must be positive or null (got 00:00:00); MaxBatchRecords must be in 1..1000000 (got 0)", e.Message);
    }

    /// <summary>A TimeProvider whose timers fire only when told.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private readonly List<(TimerCallback Callback, object? State)> _timers = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (_timers)
            {
                _timers.Add((callback, state));
            }
            return new NoTimer();
        }

        public void Fire()
        {
            lock (_timers)
            {
                foreach (var (callback, state) in _timers)
                {
                    callback(state);
                }
            }
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
