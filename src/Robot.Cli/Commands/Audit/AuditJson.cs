using Robot.Safety.Audit;

namespace Robot.Cli.Commands.Audit;

/// <summary>JSON shapes of the audit verbs: hashes and signatures as lower-case hex.</summary>
public static class AuditJson
{
    public sealed record RecordJson(long Index, string Timestamp, string Source, string Category, string Type, string Result, string Principal,
        string? RobotId, string? ZoneId, string? Details, string LeafHash);

    public sealed record TreeHeadJson(long TreeSize, long TimestampMs, string Timestamp, string RootHash, string KeyId, string Signature,
        string SignatureInput, string SignatureAlgorithm, bool? SignatureValid, string? PublicKeyPem);

    /// <summary>
    /// An inclusion proof an independent RFC 6962 verifier can check: leafHash = SHA-256(0x00 ‖ leafData),
    /// fold auditPath per RFC 9162 §2.1.3.2 to rootHash; the signed head's signature (ECDSA P-256,
    /// SHA-256, DER) covers signatureInput = RFC 6962 §3.5 TreeHeadSignature.
    /// </summary>
    public sealed record InclusionProofJson(string Format, long LeafIndex, long TreeSize, string LeafData, string LeafHash,
        IReadOnlyList<string> AuditPath, string RootHash, bool Verified, TreeHeadJson? SignedTreeHead, RecordJson Record, string LeafEncoding);

    /// <summary>
    /// A consistency proof checked against the signed heads' roots (or a root kept outside the log);
    /// Problems names a stored root that differs from them; Verified needs the proof, no problem
    /// and no invalid signature.
    /// </summary>
    public sealed record ConsistencyProofJson(string Format, long OldSize, long NewSize, string OldRoot, string NewRoot,
        IReadOnlyList<string> Proof, bool Verified, TreeHeadJson? OldSignedTreeHead, TreeHeadJson? NewSignedTreeHead, IReadOnlyList<string> Problems);

    public const string Format = "rfc6962-sha256";

    public const string LeafEncodingDescription =
        "v1: u8 1 | u64 index | i64 unix microseconds | 8 x (i32 length, -1 = null | UTF-8): source, category, type, result, principal, robotId, zoneId, details; big-endian";

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static RecordJson From(AuditEntry entry) => new(entry.Index, entry.Record.Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        entry.Record.Source, entry.Record.Category, entry.Record.Type, entry.Record.Result, entry.Record.Principal,
        entry.Record.RobotId, entry.Record.ZoneId, entry.Record.Details, Hex(entry.LeafHash));

    public static TreeHeadJson? From(SignedTreeHead? head, TreeHeadKey? key) => head is null ? null : new(
        head.TreeSize, head.Timestamp.ToUnixTimeMilliseconds(), head.Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        Hex(head.RootHash), Hex(head.KeyId), Hex(head.Signature), Hex(head.SignatureInput()), "ecdsa-p256-sha256 (DER)",
        key is null ? null : head.VerifySignature(key), key?.PublicKeyPem);
}
