using Robot.Safety.Audit;
using static Robot.Safety.Tests.Audit.AuditTestData;

namespace Robot.Safety.Tests.Audit;

public class MerkleProofsTests
{
    // The eight leaves of the RFC 6962 reference implementation's tests (certificate-transparency).
    private static readonly byte[][] s_ctLeaves =
    [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ];

    private static readonly string[] s_ctRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static List<byte[]> CtLeafHashes => s_ctLeaves.Select(LeafHash).ToList();

    [Fact]
    public void Root_ReferenceVectors_MatchRfc6962Implementation()
    {
        List<byte[]> hashes = CtLeafHashes;
        for (int n = 1; n <= 8; n++)
        {
            Assert.Equal(s_ctRoots[n - 1], Convert.ToHexStringLower(MerkleProofs.Root(Source(hashes), n)));
        }
    }

    [Fact]
    public void InclusionPath_Leaf0Of8_MatchesReferenceVector()
    {
        List<byte[]> path = MerkleProofs.InclusionPath(Source(CtLeafHashes), 0, 8);
        Assert.Equal(
            ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
            path.Select(Convert.ToHexStringLower));
    }

    [Fact]
    public void InclusionPath_SmallTrees_MatchHandDerivedPaths()
    {
        // Leaves a..g; derived by hand from RFC 6962 §2.1.1 PATH(m, D[n]).
        List<byte[]> l = CtLeafHashes;
        MerkleProofs.SubtreeHash source = Source(l);
        byte[] ab = Node(l[0], l[1]), cd = Node(l[2], l[3]), ef = Node(l[4], l[5]);
        // n = 3: tree ((a b) c)
        Assert.Equal([l[1], l[2]], MerkleProofs.InclusionPath(source, 0, 3));
        Assert.Equal([ab], MerkleProofs.InclusionPath(source, 2, 3));
        // n = 5: tree (((a b)(c d)) e)
        Assert.Equal([l[2], ab, l[4]], MerkleProofs.InclusionPath(source, 3, 5));
        Assert.Equal([Node(ab, cd)], MerkleProofs.InclusionPath(source, 4, 5));
        // n = 7: tree (((a b)(c d)) ((e f) g))
        Assert.Equal([ef, Node(ab, cd)], MerkleProofs.InclusionPath(source, 6, 7));
        Assert.Equal([l[5], l[6], Node(ab, cd)], MerkleProofs.InclusionPath(source, 4, 7));
        // n = 1: nothing to prove
        Assert.Empty(MerkleProofs.InclusionPath(source, 0, 1));
    }

    [Fact]
    public void ConsistencyProof_SmallTrees_MatchHandDerivedProofs()
    {
        // Derived by hand from RFC 6962 §2.1.2 PROOF(m, D[n]).
        List<byte[]> l = CtLeafHashes;
        MerkleProofs.SubtreeHash source = Source(l);
        byte[] ab = Node(l[0], l[1]), cd = Node(l[2], l[3]), ef = Node(l[4], l[5]);
        Assert.Equal([l[1], l[2]], MerkleProofs.ConsistencyProof(source, 1, 3));
        Assert.Equal([l[2]], MerkleProofs.ConsistencyProof(source, 2, 3));
        Assert.Equal([l[2], l[3], ab], MerkleProofs.ConsistencyProof(source, 3, 4));
        // RFC 6962 §2.1.3's example: PROOF(3, D[7]) = [c, d, g, l] (c, d leaves; g = (a b); l = ((e f) g))
        Assert.Equal([l[2], l[3], ab, Node(ef, l[6])], MerkleProofs.ConsistencyProof(source, 3, 7));
        // PROOF(4, D[7]) = [l]; PROOF(6, D[7]) = [i, j, k] (i = (e f)... as the RFC: [i, j, k])
        Assert.Equal([Node(ef, l[6])], MerkleProofs.ConsistencyProof(source, 4, 7));
        Assert.Equal([ef, l[6], Node(ab, cd)], MerkleProofs.ConsistencyProof(source, 6, 7));
        Assert.Empty(MerkleProofs.ConsistencyProof(source, 5, 5));
    }

    [Fact]
    public void Verifier_EveryProofInTreesUpTo33_Verifies()
    {
        var leaves = Enumerable.Range(0, 33).Select(i => LeafHash([(byte)i, (byte)(i * 7)])).ToList();
        MerkleProofs.SubtreeHash source = Source(leaves);
        for (int n = 1; n <= leaves.Count; n++)
        {
            byte[] root = Mth(leaves, 0, n);
            Assert.Equal(root, MerkleProofs.Root(source, n));
            for (int m = 0; m < n; m++)
            {
                List<byte[]> path = MerkleProofs.InclusionPath(source, m, n);
                Assert.True(MerkleProofVerifier.VerifyInclusion(m, n, leaves[m], path, root), $"inclusion {m} in {n}");
                if (n > 1)
                {
                    Assert.False(MerkleProofVerifier.VerifyInclusion(m, n, leaves[(m + 1) % n], path, root), $"wrong leaf {m} in {n}");
                }
                byte[] wrongRoot = (byte[])root.Clone();
                wrongRoot[31] ^= 0x80;
                Assert.False(MerkleProofVerifier.VerifyInclusion(m, n, leaves[m], path, wrongRoot), $"wrong root {m} in {n}");
            }
            for (int m = 1; m <= n; m++)
            {
                byte[] oldRoot = Mth(leaves, 0, m);
                List<byte[]> proof = MerkleProofs.ConsistencyProof(source, m, n);
                Assert.True(MerkleProofVerifier.VerifyConsistency(m, n, oldRoot, root, proof), $"consistency {m} -> {n}");
                if (m < n)
                {
                    byte[] wrongOld = Mth(leaves, 1, m);
                    Assert.False(MerkleProofVerifier.VerifyConsistency(m, n, wrongOld, root, proof), $"wrong old root {m} -> {n}");
                }
            }
        }
    }

    [Fact]
    public void Verifier_AlteredPathElement_Fails()
    {
        List<byte[]> l = CtLeafHashes;
        List<byte[]> path = MerkleProofs.InclusionPath(Source(l), 5, 8);
        path[1] = (byte[])path[1].Clone();
        path[1][0] ^= 1;
        Assert.False(MerkleProofVerifier.VerifyInclusion(5, 8, l[5], path, Convert.FromHexString(s_ctRoots[7])));
    }
}
