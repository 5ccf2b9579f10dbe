using Robot.Safety.Audit;

namespace Robot.Safety.Tests.Audit;

public class MerkleHashTests
{
    [Fact]
    public void Empty_IsSha256OfEmptyString()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleHash.Empty()));
    }

    [Fact]
    public void Leaf_OfEmptyData_IsSha256OfZeroByte()
    {
        Span<byte> hash = stackalloc byte[MerkleHash.Size];
        MerkleHash.Leaf([], hash);
        Assert.Equal("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void Node_DiffersFromLeafOfConcatenation()
    {
        // Domain separation: a node over (a, b) must never equal a leaf over a‖b.
        byte[] a = new byte[32], b = new byte[32];
        a[0] = 1;
        b[0] = 2;
        Span<byte> node = stackalloc byte[32];
        Span<byte> leaf = stackalloc byte[32];
        MerkleHash.Node(a, b, node);
        MerkleHash.Leaf([.. a, .. b], leaf);
        Assert.False(node.SequenceEqual(leaf));
    }
}
