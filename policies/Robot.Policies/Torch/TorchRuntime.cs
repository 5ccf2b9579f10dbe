using TorchSharp;
using static TorchSharp.torch;

namespace Robot.Policies.Torch;

/// <summary>Checks that TorchSharp and its native libtorch load and compute on this machine.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Loads libtorch, computes a small matrix product on the CPU and checks its value.
    /// Returns a one-line description such as "libtorch 2.10.0, 2 threads".
    /// </summary>
    /// <exception cref="InvalidOperationException">The result was wrong.</exception>
    /// <exception cref="DllNotFoundException">The native libraries did not load.</exception>
    public static string Probe()
    {
        using var scope = NewDisposeScope();
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = tensor(new float[] { 5, 6, 7, 8 }).reshape(2, 2);
        using var c = matmul(a, b);
        float[] values = c.data<float>().ToArray();
        float[] expected = [19, 22, 43, 50];
        if (!values.SequenceEqual(expected))
        {
            throw new InvalidOperationException($"libtorch computed [{string.Join(", ", values)}] for a 2×2 product, expected [19, 22, 43, 50]");
        }
        return $"TorchSharp {typeof(torch).Assembly.GetName().Version}, {get_num_threads()} threads";
    }
}
