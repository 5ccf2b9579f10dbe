using Robot.Policies.Recording;
using Robot.Sim.PickTask;

namespace Robot.Runtime.Demonstrations;

/// <summary>
/// Scripted demonstrations: episode i is the pick task drawn from seed <c>baseSeed + i</c>, performed by
/// <see cref="ScriptedPickExpert"/>. Episode indices continue across resumed datasets, so a resumed run
/// records exactly the episodes an uninterrupted one would have. Each frame holds the observation before
/// the step and the action the expert then took.
/// </summary>
public sealed class ExpertDemonstrationSource : IDemonstrationSource, IDisposable
{
    private readonly PickTaskEnvironment _environment;
    private readonly ScriptedPickExpert _expert;
    private readonly int _baseSeed;
    private readonly double[] _state = new double[PickTaskEnvironment.StateWidth];
    private readonly double[] _env = new double[PickTaskEnvironment.EnvironmentWidth];
    private readonly double[] _action = new double[PickTaskEnvironment.StateWidth];

    public ExpertDemonstrationSource(int baseSeed, PickTaskOptions? options = null, string task = PickTaskDataset.DefaultTask)
    {
        _baseSeed = baseSeed;
        _environment = new PickTaskEnvironment(options);
        _expert = new ScriptedPickExpert(_environment);
        Task = task;
    }

    /// <inheritdoc/>
    public string Task { get; }

    /// <summary>The environment (ground truth of the episode in progress).</summary>
    public PickTaskEnvironment Environment => _environment;

    /// <summary>Seed of the episode in progress.</summary>
    public int Seed { get; private set; }

    /// <inheritdoc/>
    public void BeginEpisode(long episodeIndex)
    {
        Seed = unchecked(_baseSeed + (int)episodeIndex);
        _environment.Reset(Seed);
        _expert.Begin(Seed);
    }

    /// <inheritdoc/>
    public FrameStatus Step(Span<float> state, Span<float> environmentState, Span<float> action)
    {
        _environment.Observe(_state, _env);
        _expert.NextAction(_action);
        Copy(_state, state);
        Copy(_env, environmentState);
        Copy(_action, action);
        _environment.Step(_action);
        return _environment.Done ? FrameStatus.EpisodeDone : FrameStatus.Continue;
    }

    internal static void Copy(ReadOnlySpan<double> from, Span<float> to)
    {
        for (int i = 0; i < from.Length; i++)
        {
            to[i] = (float)from[i];
        }
    }

    /// <inheritdoc/>
    public bool? EpisodeSucceeded => _environment.Success;

    /// <inheritdoc/>
    public string? EpisodeOutcome => _environment.Outcome.Label();

    public void Dispose() => _environment.Dispose();
}
