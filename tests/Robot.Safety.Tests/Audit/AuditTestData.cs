using System.Security.Cryptography;
using Robot.Safety.Audit;

namespace Robot.Safety.Tests.Audit;

/// <summary>Shared helpers: a temporary folder, sample records and the RFC 6962 reference tree.</summary>
internal static class AuditTestData
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    public static AuditRecord Record(int n, string? robot = null) => new(
        T0.AddMilliseconds(n), "supervisor", AuditCategory.Verdict, n % 3 == 0 ? "verdict.changed" : "estop.triggered",
        n % 2 == 0 ? "permit" : "protective_stop", "operator:alice", robot ?? $"robot-{n % 4}", n % 5 == 0 ? "aisle-3" : null,
        $"{{\"n\":{n}}}");

    /// <summary>MTH(D[n]) straight from RFC 6962 §2.1 over raw leaf data.</summary>
    public static byte[] ReferenceRoot(IReadOnlyList<byte[]> leafData) => Mth(leafData.Select(LeafHash).ToList(), 0, leafData.Count);

    public static byte[] LeafHash(byte[] data) => SHA256.HashData([0x00, .. data]);

    public static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    public static byte[] Mth(IReadOnlyList<byte[]> leafHashes, long start, long n)
    {
        if (n == 0)
        {
            return SHA256.HashData([]);
        }
        if (n == 1)
        {
            return leafHashes[(int)start];
        }
        long k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }
        return Node(Mth(leafHashes, start, k), Mth(leafHashes, start + k, n - k));
    }

    /// <summary>A subtree source over in-memory leaf hashes (computed by the reference MTH).</summary>
    public static MerkleProofs.SubtreeHash Source(IReadOnlyList<byte[]> leafHashes) =>
        (level, index) => Mth(leafHashes, index << level, 1L << level);
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "robot-audit-" + Guid.NewGuid().ToString("N")[..12]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
