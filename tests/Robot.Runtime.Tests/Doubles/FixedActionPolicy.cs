using Robot.Policies.Inference;

namespace Robot.Runtime.Tests.Doubles;

/// <summary>
/// A stand-in policy: a fixed action, or NaN in entry 3 from a given step on. A broken network
/// cannot be produced on demand, so the runner's and the arm overlay's fault paths use this.
/// </summary>
internal sealed class FixedActionPolicy(double[] action, int nanFromStep = int.MaxValue) : IStepPolicy
{
    /// <summary>Steps asked for since the last reset.</summary>
    public int Calls { get; private set; }

    public void Reset() => Calls = 0;

    public void Act(ReadOnlySpan<double> state, ReadOnlySpan<double> environment, Span<double> result)
    {
        action.CopyTo(result);
        if (Calls >= nanFromStep)
        {
            result[3] = double.NaN;
        }
        Calls++;
    }
}
