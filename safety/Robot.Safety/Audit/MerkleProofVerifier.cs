namespace Robot.Safety.Audit;

/// <summary>
/// Checks RFC 6962 proofs the way an independent verifier does, step for step as RFC 9162
/// §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) write them down. It depends on nothing in
/// this log but <see cref="MerkleHash"/>, so a proof that passes here passes any RFC 6962 verifier.
/// </summary>
public static class MerkleProofVerifier
{
    /// <summary>True when <paramref name="path"/> proves leaf hash <paramref name="leafHash"/> at <paramref name="leafIndex"/> in the tree of <paramref name="treeSize"/> with root <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root)
    {
        // 1. leaf_index must be inside the tree.
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            return false;
        }
        // 2. fn = leaf_index, sn = tree_size - 1.  3. r = hash.
        ulong fn = (ulong)leafIndex, sn = (ulong)treeSize - 1;
        byte[] r = leafHash.ToArray();
        // 4. for each p in inclusion_path:
        foreach (byte[] p in path)
        {
            // a. if sn is 0, fail.
            if (sn == 0)
            {
                return false;
            }
            // b. if LSB(fn) is set or fn == sn: r = HASH(0x01 || p || r), then if LSB(fn) is not
            //    set, right-shift fn and sn until LSB(fn) is set or fn is 0.
            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.Node(p, r, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            // otherwise r = HASH(0x01 || r || p).
            else
            {
                MerkleHash.Node(r, p, r);
            }
            // c. right-shift fn and sn once.
            fn >>= 1;
            sn >>= 1;
        }
        // 5. sn must be 0 and r must equal the root.
        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>True when <paramref name="proof"/> shows the tree of <paramref name="newSize"/> (root <paramref name="newRoot"/>) extends the tree of <paramref name="oldSize"/> (root <paramref name="oldRoot"/>).</summary>
    public static bool VerifyConsistency(long oldSize, long newSize, ReadOnlySpan<byte> oldRoot, ReadOnlySpan<byte> newRoot, IReadOnlyList<byte[]> proof)
    {
        if (oldSize < 0 || oldSize > newSize)
        {
            return false;
        }
        if (oldSize == newSize)
        {
            // The proof between equal sizes is empty and the roots must agree.
            return proof.Count == 0 && oldRoot.SequenceEqual(newRoot);
        }
        if (oldSize == 0)
        {
            // The empty tree is a prefix of every tree; there is nothing to prove.
            return proof.Count == 0;
        }
        // 1. An empty path fails.
        if (proof.Count == 0)
        {
            return false;
        }
        // 2. If first is an exact power of 2, prepend first_hash to the path.
        var path = new List<byte[]>(proof.Count + 1);
        if ((oldSize & (oldSize - 1)) == 0)
        {
            path.Add(oldRoot.ToArray());
        }
        path.AddRange(proof);
        // 3. fn = first - 1, sn = second - 1.
        ulong fn = (ulong)oldSize - 1, sn = (ulong)newSize - 1;
        // 4. If LSB(fn) is set, right-shift fn and sn until LSB(fn) is not set.
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        // 5. fr = sr = the first value of the path.
        byte[] fr = (byte[])path[0].Clone(), sr = (byte[])path[0].Clone();
        // 6. for each subsequent value c:
        for (int i = 1; i < path.Count; i++)
        {
            byte[] c = path[i];
            // a. if sn is 0, fail.
            if (sn == 0)
            {
                return false;
            }
            // b. if LSB(fn) is set or fn == sn: fr = HASH(0x01||c||fr), sr = HASH(0x01||c||sr), then
            //    if LSB(fn) is not set, right-shift until LSB(fn) is set or fn is 0.
            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.Node(c, fr, fr);
                MerkleHash.Node(c, sr, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            // otherwise sr = HASH(0x01||sr||c).
            else
            {
                MerkleHash.Node(sr, c, sr);
            }
            // c. right-shift both once.
            fn >>= 1;
            sn >>= 1;
        }
        // 7. fr == first_hash, sr == second_hash, sn == 0.
        return sn == 0 && fr.AsSpan().SequenceEqual(oldRoot) && sr.AsSpan().SequenceEqual(newRoot);
    }
}
