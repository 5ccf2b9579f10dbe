using System.Numerics;

namespace Robot.Safety.Audit;

/// <summary>
/// Builds RFC 6962 §2.1.1 audit paths and §2.1.2 consistency proofs from any source of
/// complete-subtree hashes. Every range the recursion asks for starts at a multiple of the
/// largest power of two not above its size, so each lookup is one complete, aligned subtree
/// (stored) or splits into O(log n) of them: a proof costs O(log n) reads.
/// </summary>
public static class MerkleProofs
{
    /// <summary>
    /// Hash of the complete subtree of 2^<paramref name="level"/> leaves whose first leaf is
    /// <paramref name="index"/> × 2^level (level 0 is a leaf hash). Returns 32 bytes.
    /// </summary>
    public delegate byte[] SubtreeHash(int level, long index);

    /// <summary>Largest power of two strictly less than <paramref name="n"/> (n ≥ 2), RFC 6962's k.</summary>
    public static long SplitPoint(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>MTH(D[start : start+size]) for an aligned range (see the class remarks).</summary>
    public static byte[] RangeHash(SubtreeHash subtree, long start, long size)
    {
        if (size <= 0)
        {
            return MerkleHash.Empty();
        }
        if (BitOperations.IsPow2(size))
        {
            int level = BitOperations.Log2((ulong)size);
            if (start % size != 0)
            {
                throw new InvalidOperationException($"range [{start}, {start + size}) is not aligned");
            }
            return subtree(level, start >> level);
        }
        long k = SplitPoint(size);
        byte[] node = new byte[MerkleHash.Size];
        MerkleHash.Node(RangeHash(subtree, start, k), RangeHash(subtree, start + k, size - k), node);
        return node;
    }

    /// <summary>Root of the first <paramref name="treeSize"/> leaves.</summary>
    public static byte[] Root(SubtreeHash subtree, long treeSize) => RangeHash(subtree, 0, treeSize);

    /// <summary>RFC 6962 PATH(m, D[n]): sibling hashes from the leaf up to the root.</summary>
    public static List<byte[]> InclusionPath(SubtreeHash subtree, long leafIndex, long treeSize)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), $"leaf {leafIndex} is not in a tree of {treeSize} leaves");
        }
        var path = new List<byte[]>();
        Path(subtree, leafIndex, 0, treeSize, path);
        return path;
    }

    private static void Path(SubtreeHash subtree, long m, long start, long n, List<byte[]> path)
    {
        if (n == 1)
        {
            return;
        }
        long k = SplitPoint(n);
        if (m < k)
        {
            Path(subtree, m, start, k, path);
            path.Add(RangeHash(subtree, start + k, n - k));
        }
        else
        {
            Path(subtree, m - k, start + k, n - k, path);
            path.Add(RangeHash(subtree, start, k));
        }
    }

    /// <summary>RFC 6962 PROOF(m, D[n]) for 0 &lt; m ≤ n (empty when m = n).</summary>
    public static List<byte[]> ConsistencyProof(SubtreeHash subtree, long oldSize, long newSize)
    {
        if (oldSize <= 0 || oldSize > newSize)
        {
            throw new ArgumentOutOfRangeException(nameof(oldSize), $"a consistency proof needs 0 < old ({oldSize}) <= new ({newSize})");
        }
        var proof = new List<byte[]>();
        SubProof(subtree, oldSize, 0, newSize, true, proof);
        return proof;
    }

    private static void SubProof(SubtreeHash subtree, long m, long start, long n, bool complete, List<byte[]> proof)
    {
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(RangeHash(subtree, start, n));
            }
            return;
        }
        long k = SplitPoint(n);
        if (m <= k)
        {
            SubProof(subtree, m, start, k, complete, proof);
            proof.Add(RangeHash(subtree, start + k, n - k));
        }
        else
        {
            SubProof(subtree, m - k, start + k, n - k, false, proof);
            proof.Add(RangeHash(subtree, start, k));
        }
    }
}
