using Robot.Policies.Tests.Torch;
using System.Buffers.Binary;
using Robot.Policies.Models;
using Robot.Policies.Tests.Datasets;
using Robot.Policies.Tests.Training;
using TorchSharp;

namespace Robot.Policies.Tests.Models;

[Collection(TorchGenerator.Name)]
public class SafeTensorsFileTests
{
    [Fact]
    public void WriteThenRead_NetworkWeights_RoundTripBitForBit()
    {
        using var dir = new TempDir();
        torch.random.manual_seed(3);
        using IPolicyNetwork network = PolicyNetworks.Create(PolicyDatasetFixture.TinyAct);
        IReadOnlyList<NamedTensor> weights = PolicyNetworks.ExportWeights(network.Module);
        string path = dir.Sub("model.safetensors");
        SafeTensorsFile.Write(path, weights, new Dictionary<string, string> { ["format"] = "pt" });

        var (read, metadata) = SafeTensorsFile.Read(path);

        Assert.Equal("pt", metadata["format"]);
        Assert.Equal(weights.Count, read.Count);
        foreach (NamedTensor w in weights)
        {
            Assert.Equal(w.Shape, read[w.Name].Shape);
            Assert.Equal(w.Values, read[w.Name].Values);
        }
        // And into a fresh network: same predictions.
        torch.random.manual_seed(99);
        using IPolicyNetwork other = PolicyNetworks.Create(PolicyDatasetFixture.TinyAct);
        PolicyNetworks.ImportWeights(other.Module, read, path);
        network.Module.eval();
        other.Module.eval();
        using var x = torch.randn(2, 22);
        using var a = network.PredictChunk(x);
        using var b = other.PredictChunk(x);
        Assert.True(a.equal(b).all().item<bool>());
    }

    [Fact]
    public void Write_LayoutFollowsTheFormat()
    {
        using var dir = new TempDir();
        string path = dir.Sub("t.safetensors");
        SafeTensorsFile.Write(path, [new NamedTensor("b", [2], [1f, 2f]), new NamedTensor("a", [1, 1], [3f])]);
        byte[] bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, (8 + n) % 8);
        string header = SafeTensorsFile.ReadHeader(path);
        Assert.Contains("\"a\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]}", header, StringComparison.Ordinal);
        Assert.Contains("\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}", header, StringComparison.Ordinal);
        Assert.Equal(3f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)n)));
        Assert.Equal(8 + (int)n + 12, bytes.Length);
    }

    [Fact]
    public void Read_TruncatedFile_ThrowsNamingTheFile()
    {
        using var dir = new TempDir();
        string path = dir.Sub("t.safetensors");
        SafeTensorsFile.Write(path, [new NamedTensor("w", [4], [1f, 2f, 3f, 4f])]);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(path));
        Assert.Contains("t.safetensors: tensor 'w' data_offsets", e.Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("shorter than the 8-byte header length", Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(path)).Message, StringComparison.Ordinal);
    }
}
