using Microsoft.Data.Sqlite;
using Robot.Safety.Audit;
using static Robot.Safety.Tests.Audit.AuditTestData;

namespace Robot.Safety.Tests.Audit;

/// <summary>Tampering with a closed log in every way the issue names: verify fails and says where.</summary>
public class AuditVerifierTests
{
    private const int Records = 50;

    /// <summary>50 records with signed heads at 20, 37 and 50 (the last one on close).</summary>
    private static async Task<string> BuildLogAsync(TempDir dir)
    {
        string path = dir.File("audit.db");
        await using SqliteAuditLog log = SqliteAuditLogTests.OpenLog(path);
        await log.AppendRangeAsync(Enumerable.Range(0, 20).Select(i => Record(i)).ToList());
        await log.SignTreeHeadAsync();
        await log.AppendRangeAsync(Enumerable.Range(20, 17).Select(i => Record(i)).ToList());
        await log.SignTreeHeadAsync();
        await log.AppendRangeAsync(Enumerable.Range(37, Records - 37).Select(i => Record(i)).ToList());
        return path;
    }

    private static AuditVerificationReport Verify(string path)
    {
        using TreeHeadKey key = TreeHeadKey.Load(TreeHeadKey.DefaultPathFor(path));
        using AuditLogFile file = AuditLogFile.Open(path);
        return file.Verify(key);
    }

    private static void Sql(string path, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        command.ExecuteNonQuery();
    }

    private static string Describe(AuditVerificationReport report) => string.Join(" | ", report.Problems.Select(p => $"{p.Kind} {p.FirstIndex}..{p.LastIndex}: {p.Message}"));

    [Fact]
    public async Task Verify_UntouchedLog_IsOk()
    {
        using var dir = new TempDir();
        AuditVerificationReport report = Verify(await BuildLogAsync(dir));
        Assert.True(report.Ok, Describe(report));
        Assert.Equal(Records, report.RecordCount);
        Assert.Equal(3, report.SignedHeads);
        Assert.Equal(0, report.UnsignedTail);
        Assert.Null(report.FirstBadIndex);
    }

    [Fact]
    public async Task Verify_RecordModified_NamesIt()
    {
        using var dir = new TempDir();
        string path = await BuildLogAsync(dir);
        Sql(path, "UPDATE records SET result = 'permit' WHERE idx = 23");
        AuditVerificationReport report = Verify(path);
        Assert.False(report.Ok);
        Assert.Equal(23, report.FirstBadIndex);
        Assert.Equal("record-altered", report.Problems[0].Kind);
        Assert.Contains("record 23", report.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RecordModifiedAndEveryHashRewritten_SignedHeadsNameTheSpan()
    {
        // A forger who knows the format rewrites the record, its leaf hash and every cached node;
        // only the signatures stand in the way: the span between the heads at 20 and 37 is named.
        using var dir = new TempDir();
        string path = await BuildLogAsync(dir);
        AuditRecord forged = Record(23) with { Result = "permit" };
        Sql(path, "UPDATE records SET result = 'permit', leaf_hash = $h WHERE idx = 23", ("$h", AuditRecordEncoding.LeafHash(23, forged)));
        Sql(path, "DELETE FROM tree_nodes");
        var hashes = Enumerable.Range(0, Records).Select(i => AuditRecordEncoding.LeafHash(i, i == 23 ? forged : Record(i))).ToList();
        for (int level = 1; (1 << level) <= Records; level++)
        {
            for (long index = 0; (index + 1) << level <= Records; index++)
            {
                long id = ((((index + 1) << level) - 1) << 6) | (long)level;
                Sql(path, "INSERT INTO tree_nodes(id, hash) VALUES ($id, $h)", ("$id", id), ("$h", Mth(hashes, index << level, 1L << level)));
            }
        }
        AuditVerificationReport report = Verify(path);
        Assert.False(report.Ok);
        AuditProblem problem = Assert.Single(report.Problems, p => p.Kind == "root-mismatch");
        Assert.Equal((20, 36), (problem.FirstIndex, problem.LastIndex));
        Assert.Equal(20, report.FirstBadIndex);
    }

    [Fact]
    public async Task Verify_RecordDeleted_NamesTheGap()
    {
        using var dir = new TempDir();
        string path = await BuildLogAsync(dir);
        Sql(path, "DELETE FROM records WHERE idx = 30");
        AuditVerificationReport report = Verify(path);
        Assert.False(report.Ok);
        Assert.Equal(30, report.FirstBadIndex);
        Assert.Equal("records-missing", report.Problems[0].Kind);
        Assert.Contains("record 30 is missing", report.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RecordDeletedAndLaterOnesRenumbered_NamesTheFirstMoved()
    {
        using var dir = new TempDir();
        string path = await BuildLogAsync(dir);
        Sql(path, "DELETE FROM records WHERE idx = 30");
        Sql(path, "UPDATE records SET idx = -idx WHERE idx > 30");
        Sql(path, "UPDATE records SET idx = -idx - 1 WHERE idx < 0");
        AuditVerificationReport report = Verify(path);
        Assert.False(report.Ok);
        Assert.Equal(30, report.FirstBadIndex);
        Assert.Equal("record-deleted", report.Problems[0].Kind);
        Assert.Contains("deleted at 30", report.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RecordInserted_NamesIt()
    {
        using var dir = new TempDir();
        string path = await BuildLogAsync(dir);
        // Make room at 12 and insert a well-formed record with a correct leaf hash for its place.
        Sql(path, "UPDATE records SET idx = -idx WHERE idx >= 12");
        Sql(path, "UPDATE records SET idx = -idx + 1 WHERE idx <= -12");
        AuditRecord inserted = Record(999) with { Type = "estop.reset" };
        Sql(path, """
            INSERT INTO records(idx, ts_us, source, category, type, result, principal, robot_id, zone_id, details, leaf_hash)
            VALUES (12, $ts, 'supervisor', 'verdict', 'estop.reset', 'ok', 'operator:alice', 'robot-3', NULL, NULL, $h)
            """, ("$ts", AuditRecordEncoding.ToUnixMicroseconds(inserted.Timestamp)),
            ("$h", AuditRecordEncoding.LeafHash(12, inserted with { Result = "ok", ZoneId = null, Details = null })));
        AuditVerificationReport report = Verify(path);
        Assert.False(report.Ok);
        Assert.Equal(12, report.FirstBadIndex);
        Assert.Equal("record-inserted", report.Problems[0].Kind);
        Assert.Contains("record 12 was inserted", report.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TwoRecordsSwapped_NamesTheFirst()
    {
        using var dir = new TempDir();
        string path = await BuildLogAsync(dir);
        Sql(path, "UPDATE records SET idx = -1 WHERE idx = 7");
        Sql(path, "UPDATE records SET idx = 7 WHERE idx = 41");
        Sql(path, "UPDATE records SET idx = 41 WHERE idx = -1");
        AuditVerificationReport report = Verify(path);
        Assert.False(report.Ok);
        Assert.Equal(7, report.FirstBadIndex);
        Assert.Contains(report.Problems, p => p.Kind == "record-altered" && p.FirstIndex == 41);
    }

    [Fact]
    public async Task Verify_TailDeleted_ReportsTruncation()
    {
        using var dir = new TempDir();
        string path = await BuildLogAsync(dir);
        Sql(path, "DELETE FROM records WHERE idx >= 44");
        AuditVerificationReport report = Verify(path);
        Assert.False(report.Ok);
        Assert.Equal(44, report.FirstBadIndex);
        Assert.Contains(report.Problems, p => p.Kind == "truncated" && p.Message.Contains("truncated after record 43", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_FileTruncated_FailsAndSaysWhere()
    {
        using var dir = new TempDir();
        string path = await BuildLogAsync(dir);
        // The log was closed, so the WAL is checkpointed into the main file; cut the file short.
        long length = new FileInfo(path).Length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(length / 2);
        }
        AuditVerificationReport? report = null;
        try
        {
            report = Verify(path);
        }
        catch (InvalidDataException)
        {
            // Also acceptable: the file no longer opens as an audit log at all (CLI reports it).
            return;
        }
        Assert.False(report.Ok, "a truncated file must not verify");
        Assert.NotNull(report.FirstBadIndex);
        Assert.InRange(report.FirstBadIndex.Value, 0, Records - 1);
    }

    [Fact]
    public async Task Verify_SignedHeadForged_NamesIt()
    {
        using var dir = new TempDir();
        string path = await BuildLogAsync(dir);
        Sql(path, "UPDATE tree_heads SET timestamp_ms = timestamp_ms + 1 WHERE tree_size = 37");
        AuditVerificationReport report = Verify(path);
        Assert.False(report.Ok);
        Assert.Contains(report.Problems, p => p.Kind == "bad-signature" && p.FirstIndex == 20 && p.LastIndex == 36);
    }

    [Fact]
    public async Task Verify_HeadSignedByAnotherKey_IsRejected()
    {
        using var dir = new TempDir();
        string path = await BuildLogAsync(dir);
        using TreeHeadKey other = TreeHeadKey.LoadOrCreate(dir.File("other.pem"));
        using AuditLogFile file = AuditLogFile.Open(path);
        AuditVerificationReport report = file.Verify(other);
        Assert.False(report.Ok);
        Assert.All(report.Problems, p => Assert.Equal("unknown-key", p.Kind));
    }
}
