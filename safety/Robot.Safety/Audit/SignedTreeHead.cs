using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Robot.Safety.Audit;

/// <summary>
/// A signed tree head: the log's commitment to its first <see cref="TreeSize"/> records. The
/// signature is ECDSA P-256 with SHA-256 (DER, as RFC 6962 uses) over the RFC 6962 §3.5
/// TreeHeadSignature structure, see <see cref="SignatureInput()"/>.
/// </summary>
/// <param name="TreeSize">Records covered.</param>
/// <param name="Timestamp">When it was signed, millisecond resolution (UTC).</param>
/// <param name="RootHash">MTH of the first <paramref name="TreeSize"/> records, 32 bytes.</param>
/// <param name="KeyId">SHA-256 of the signing key's SubjectPublicKeyInfo (DER), 32 bytes.</param>
/// <param name="Signature">DER-encoded ECDSA signature over <see cref="SignatureInput()"/>.</param>
public sealed record SignedTreeHead(long TreeSize, DateTimeOffset Timestamp, byte[] RootHash, byte[] KeyId, byte[] Signature)
{
    /// <summary>
    /// RFC 6962 §3.5: version v1 (0) ‖ signature_type tree_hash (1) ‖ uint64 timestamp (ms since
    /// the Unix epoch) ‖ uint64 tree_size ‖ sha256_root_hash (32 bytes); 50 bytes.
    /// </summary>
    public static byte[] SignatureInput(long treeSize, long timestampMs, ReadOnlySpan<byte> rootHash)
    {
        byte[] data = new byte[2 + 8 + 8 + MerkleHash.Size];
        data[0] = 0;
        data[1] = 1;
        BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(2), (ulong)timestampMs);
        BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(10), (ulong)treeSize);
        rootHash.CopyTo(data.AsSpan(18));
        return data;
    }

    /// <summary>The bytes the signature covers.</summary>
    public byte[] SignatureInput() => SignatureInput(TreeSize, Timestamp.ToUnixTimeMilliseconds(), RootHash);

    /// <summary>Signs the head of <paramref name="treeSize"/> records with root <paramref name="rootHash"/>.</summary>
    public static SignedTreeHead Sign(TreeHeadKey key, long treeSize, DateTimeOffset now, byte[] rootHash)
    {
        var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        byte[] signature = key.Sign(SignatureInput(treeSize, timestamp.ToUnixTimeMilliseconds(), rootHash));
        return new SignedTreeHead(treeSize, timestamp, rootHash, key.KeyId, signature);
    }

    /// <summary>True when the signature is valid under <paramref name="publicKey"/> (key id included).</summary>
    public bool VerifySignature(TreeHeadKey publicKey) =>
        KeyId.AsSpan().SequenceEqual(publicKey.KeyId) && publicKey.Verify(SignatureInput(), Signature);
}

/// <summary>
/// The ECDSA P-256 key that signs tree heads. The private key lives in a PEM file (PKCS#8,
/// created with mode 0600 when missing); verifiers need only the public key (SPKI PEM), which
/// <see cref="PublicKeyPem"/> exports for safekeeping away from the log.
/// </summary>
public sealed class TreeHeadKey : IDisposable
{
    private readonly ECDsa _key;

    private TreeHeadKey(ECDsa key, bool hasPrivateKey)
    {
        _key = key;
        HasPrivateKey = hasPrivateKey;
        SubjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo();
        KeyId = SHA256.HashData(SubjectPublicKeyInfo);
    }

    /// <summary>Whether this key can sign.</summary>
    public bool HasPrivateKey { get; }

    /// <summary>SubjectPublicKeyInfo, DER.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>SHA-256 of <see cref="SubjectPublicKeyInfo"/>, 32 bytes (RFC 6962's LogID).</summary>
    public byte[] KeyId { get; }

    /// <summary>The public key as a PEM "PUBLIC KEY" block.</summary>
    public string PublicKeyPem => PemEncoding.WriteString("PUBLIC KEY", SubjectPublicKeyInfo);

    /// <summary>Default key file for a log: beside it, "&lt;db&gt;.sth-key.pem".</summary>
    public static string DefaultPathFor(string databasePath) => databasePath + ".sth-key.pem";

    /// <summary>Loads the private key at <paramref name="path"/>, creating a new P-256 key there when the file does not exist.</summary>
    public static TreeHeadKey LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            string pem = PemEncoding.WriteString("PRIVATE KEY", created.ExportPkcs8PrivateKey());
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            try
            {
                using var stream = new FileStream(path, options);
                using var writer = new StreamWriter(stream);
                writer.Write(pem);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }
        return Load(path);
    }

    /// <summary>Loads a private key (signs and verifies) or a public key (verifies) from PEM at <paramref name="path"/>.</summary>
    public static TreeHeadKey Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"tree-head key file '{path}' does not exist", path);
        }
        return FromPem(File.ReadAllText(path), path);
    }

    /// <summary>Parses a PEM private or public P-256 key; <paramref name="origin"/> names it in errors.</summary>
    public static TreeHeadKey FromPem(string pem, string origin = "PEM")
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException e)
        {
            key.Dispose();
            throw new InvalidDataException($"{origin}: not an ECDSA key in PEM ({e.Message})", e);
        }
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidDataException($"{origin}: tree heads are signed with P-256; this key has {key.KeySize} bits");
        }
        bool hasPrivate = pem.Contains("PRIVATE KEY", StringComparison.Ordinal);
        return new TreeHeadKey(key, hasPrivate);
    }

    public byte[] Sign(byte[] data)
    {
        if (!HasPrivateKey)
        {
            throw new InvalidOperationException("this tree-head key is public only and cannot sign");
        }
        return _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public bool Verify(byte[] data, byte[] signature)
    {
        try
        {
            return _key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose() => _key.Dispose();
}
