using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Robot.Safety.Audit;

namespace Robot.Cli.Tests.Commands.Audit;

public sealed class AuditCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "robot-cli-audit-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _db;

    public AuditCommandTests()
    {
        Directory.CreateDirectory(_dir);
        _db = Path.Combine(_dir, "audit.db");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static readonly DateTimeOffset s_t0 = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    private async Task BuildAsync(int records)
    {
        await using SqliteAuditLog log = SqliteAuditLog.Open(new SqliteAuditLogOptions { DatabasePath = _db, SignInterval = null });
        for (int i = 0; i < records; i++)
        {
            await log.AppendAsync(new AuditRecord(s_t0.AddMinutes(i), "supervisor", i % 2 == 0 ? AuditCategory.Verdict : AuditCategory.EmergencyStop,
                i % 2 == 0 ? "verdict.changed" : "estop.reset", "ok", "safety-engineer:alice", $"robot-{i % 3}", i % 4 == 0 ? "dock" : null, $"{{\"i\":{i},\"note\":\"a, \\\"b\\\"\"}}"));
        }
    }

    [Fact]
    public async Task Verify_IntactLog_ExitsZero_TamperedLog_NamesTheRecord()
    {
        await BuildAsync(12);
        var (code, stdout, _) = CliRunner.Run("audit", "verify", "--db", _db);
        Assert.Equal(0, code);
        Assert.Contains("audit log OK", stdout, StringComparison.Ordinal);

        using (var connection = new SqliteConnection($"Data Source={_db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE records SET principal = 'operator:mallory' WHERE idx = 7";
            command.ExecuteNonQuery();
        }
        (code, stdout, _) = CliRunner.Run("audit", "verify", "--db", _db, "--json");
        Assert.Equal(1, code);
        using JsonDocument report = JsonDocument.Parse(stdout);
        Assert.False(report.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(7, report.RootElement.GetProperty("firstBadIndex").GetInt64());
    }

    [Fact]
    public async Task Prove_Json_ChecksWithAnIndependentRfc6962Fold()
    {
        await BuildAsync(11);
        var (code, stdout, _) = CliRunner.Run("audit", "prove", "--db", _db, "--entry", "6", "--json");
        Assert.Equal(0, code);
        using JsonDocument proof = JsonDocument.Parse(stdout);
        JsonElement p = proof.RootElement;
        Assert.Equal(11, p.GetProperty("treeSize").GetInt64());
        byte[] leaf = SHA256.HashData([0x00, .. Convert.FromHexString(p.GetProperty("leafData").GetString()!)]);
        Assert.Equal(p.GetProperty("leafHash").GetString(), Convert.ToHexStringLower(leaf));
        // The fold of RFC 9162 §2.1.3.2, written again here from the RFC.
        ulong fn = 6, sn = 10;
        byte[] r = leaf;
        foreach (JsonElement element in p.GetProperty("auditPath").EnumerateArray())
        {
            byte[] sibling = Convert.FromHexString(element.GetString()!);
            if ((fn & 1) == 1 || fn == sn)
            {
                r = SHA256.HashData([0x01, .. sibling, .. r]);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = SHA256.HashData([0x01, .. r, .. sibling]);
            }
            fn >>= 1;
            sn >>= 1;
        }
        Assert.Equal(0UL, sn);
        JsonElement head = p.GetProperty("signedTreeHead");
        Assert.Equal(head.GetProperty("rootHash").GetString(), Convert.ToHexStringLower(r));
        using var key = ECDsa.Create();
        key.ImportFromPem(head.GetProperty("publicKeyPem").GetString()!);
        Assert.True(key.VerifyData(Convert.FromHexString(head.GetProperty("signatureInput").GetString()!), Convert.FromHexString(head.GetProperty("signature").GetString()!),
            HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task Query_Export_Sth_Consistency_Work()
    {
        await BuildAsync(10);
        var (code, stdout, _) = CliRunner.Run("audit", "query", "--db", _db, "--type", "estop.reset", "--robot", "robot-1", "--since", "2026-11-29T08:00:00Z", "--json");
        Assert.Equal(0, code);
        using (JsonDocument q = JsonDocument.Parse(stdout))
        {
            Assert.Equal([1L, 7L], q.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("index").GetInt64()));
        }

        string csv = Path.Combine(_dir, "out.csv");
        (code, stdout, _) = CliRunner.Run("audit", "export", "--db", _db, "--format", "csv", "--out", csv, "--json");
        Assert.Equal(0, code);
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal(11, lines.Length);
        Assert.StartsWith("index,timestamp,source,category,type,result,principal,robotId,zoneId,details,leafHash", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"{\"\"i\"\":0,\"\"note\"\":\"\"a, \\\"\"b\\\"\"\"\"}\"", lines[1], StringComparison.Ordinal);

        (code, stdout, _) = CliRunner.Run("audit", "sth", "--db", _db, "--json");
        Assert.Equal(0, code);
        using (JsonDocument sth = JsonDocument.Parse(stdout))
        {
            Assert.Equal(10, sth.RootElement.GetProperty("treeSize").GetInt64());
            Assert.True(sth.RootElement.GetProperty("signatureValid").GetBoolean());
        }

        (code, stdout, _) = CliRunner.Run("audit", "consistency", "--db", _db, "--old", "3", "--json");
        Assert.Equal(0, code);
        using (JsonDocument c = JsonDocument.Parse(stdout))
        {
            Assert.True(c.RootElement.GetProperty("verified").GetBoolean());
            Assert.Equal(10, c.RootElement.GetProperty("newSize").GetInt64());
        }
    }

    [Fact]
    public async Task Consistency_StoredNodeRewritten_DoesNotVerifyAndNamesTheSignedHead()
    {
        await using (SqliteAuditLog log = SqliteAuditLog.Open(new SqliteAuditLogOptions { DatabasePath = _db, SignInterval = null }))
        {
            for (int i = 0; i < 8; i++)
            {
                await log.AppendAsync(new AuditRecord(s_t0.AddMinutes(i), "supervisor", AuditCategory.Verdict, "verdict.changed", "ok", "system", "robot-1", null, null));
                if (i == 3)
                {
                    await log.SignTreeHeadAsync();
                }
            }
        }
        // The node over records 0..3 is the stored root at size 4; the proof path to 8 does not
        // include it, so only the signed head at 4 can tell.
        using (var connection = new SqliteConnection($"Data Source={_db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE tree_nodes SET hash = zeroblob(32) WHERE id = (3 << 6) | 2";
            Assert.Equal(1, command.ExecuteNonQuery());
        }
        var (code, stdout, _) = CliRunner.Run("audit", "consistency", "--db", _db, "--old", "4", "--json");
        Assert.Equal(1, code);
        using (JsonDocument c = JsonDocument.Parse(stdout))
        {
            Assert.False(c.RootElement.GetProperty("verified").GetBoolean());
            Assert.StartsWith("stored-root-mismatch: the stored tree's root at size 4 (0000", c.RootElement.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
        }

        (code, _, string stderr) = CliRunner.Run("audit", "consistency", "--db", _db, "--old", "4", "--old-root", "abc");
        Assert.Equal(2, code);
        Assert.Equal("robot audit consistency: --old-root: expected 64 hex digits (a SHA-256 root), got 'abc'", stderr.Trim());
    }

    [Fact]
    public void Verify_MissingFileOrKey_ExitsTwo()
    {
        var (code, _, stderr) = CliRunner.Run("audit", "verify", "--db", Path.Combine(_dir, "none.db"));
        Assert.Equal(2, code);
        Assert.Contains("key", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Pki_InitAndIssue_WriteCertificates()
    {
        string pki = Path.Combine(_dir, "pki");
        var (code, stdout, stderr) = CliRunner.Run("pki", "init", "--dir", pki, "--site", "plant-7", "--json");
        Assert.True(code == 0, stderr);
        (code, stdout, stderr) = CliRunner.Run("pki", "issue", "--dir", pki, "--role", "auditor", "--name", "eve", "--json");
        Assert.True(code == 0, stderr);
        using JsonDocument issued = JsonDocument.Parse(stdout);
        Assert.Equal("auditor", issued.RootElement.GetProperty("role").GetString());
        Assert.True(File.Exists(Path.Combine(pki, "eve.crt.pem")));
        (code, _, stderr) = CliRunner.Run("pki", "issue", "--dir", pki, "--role", "admin", "--name", "x");
        Assert.Equal(2, code);
        Assert.Contains("role 'admin' is not one of", stderr, StringComparison.Ordinal);
        (code, _, _) = CliRunner.Run("pki", "issue", "--dir", pki, "--server", "--name", "supervisor", "--dns", "localhost", "--ip", "127.0.0.1");
        Assert.Equal(0, code);
    }
}
