namespace Robot.Policies.Tests.Torch;

/// <summary>
/// Tests that seed torch's process-wide generator (initialisation, dropout, CVAE sampling) run one at a time:
/// run in parallel they would draw from each other's sequence and reproducibility checks would fail for that reason alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGenerator
{
    public const string Name = "torch global generator";
}
