using System.Security.Cryptography;

namespace Robot.Safety.Audit;

/// <summary>
/// RFC 6962 §2.1 hashing with SHA-256: a leaf is hashed as SHA-256(0x00 ‖ data) and an inner
/// node as SHA-256(0x01 ‖ left ‖ right). The prefixes keep a leaf from ever being confused with
/// a node (second-preimage resistance), which is what lets an independent verifier check proofs.
/// </summary>
public static class MerkleHash
{
    /// <summary>Hash length, bytes.</summary>
    public const int Size = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>Writes MTH({d}) = SHA-256(0x00 ‖ data) into <paramref name="destination"/> (32 bytes).</summary>
    public static void Leaf(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        // One-shot hashing of 0x00 ‖ data (no hash object per leaf): leaves are hashed on every
        // append and every verification, so this is the log's hottest line.
        byte[]? rented = null;
        Span<byte> buffer = data.Length < 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(data.Length + 1));
        buffer[0] = LeafPrefix;
        data.CopyTo(buffer[1..]);
        SHA256.HashData(buffer[..(data.Length + 1)], destination);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes SHA-256(0x01 ‖ left ‖ right) into <paramref name="destination"/> (32 bytes).</summary>
    public static void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * Size];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Size)..]);
        SHA256.HashData(buffer, destination);
    }

    /// <summary>The Merkle tree hash of an empty list: SHA-256 of the empty string.</summary>
    public static byte[] Empty() => SHA256.HashData(ReadOnlySpan<byte>.Empty);
}
