namespace Robot.Policies.Datasets;

/// <summary>
/// The frames of the episode being recorded, in memory until it is saved. Storage is reserved up front
/// (capacity frames × widths) so <see cref="AddFrame"/> copies three short vectors and a time and
/// allocates nothing; beyond capacity it doubles (amortised, logged by <see cref="Grown"/>).
/// Not thread-safe: one recording loop owns it.
/// </summary>
public sealed class EpisodeBuffer
{
    private float[] _state;
    private float[] _environment;
    private float[] _action;
    private double[] _realTimeS;

    public EpisodeBuffer(int stateWidth, int environmentWidth, int actionWidth, int capacityFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stateWidth, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(environmentWidth);
        ArgumentOutOfRangeException.ThrowIfLessThan(actionWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityFrames, 1);
        StateWidth = stateWidth;
        EnvironmentWidth = environmentWidth;
        ActionWidth = actionWidth;
        _state = new float[capacityFrames * stateWidth];
        _environment = new float[capacityFrames * environmentWidth];
        _action = new float[capacityFrames * actionWidth];
        _realTimeS = new double[capacityFrames];
    }

    public int StateWidth { get; }
    public int EnvironmentWidth { get; }
    public int ActionWidth { get; }

    /// <summary>Frames recorded so far.</summary>
    public int Count { get; private set; }

    public int Capacity => _realTimeS.Length;

    /// <summary>Times the storage had to grow (each one an allocation on the recording path).</summary>
    public int Grown { get; private set; }

    /// <summary>Row-major state values, Count × StateWidth.</summary>
    public ReadOnlySpan<float> State => _state.AsSpan(0, Count * StateWidth);

    /// <summary>Row-major environment-state values, Count × EnvironmentWidth.</summary>
    public ReadOnlySpan<float> Environment => _environment.AsSpan(0, Count * EnvironmentWidth);

    /// <summary>Row-major actions, Count × ActionWidth.</summary>
    public ReadOnlySpan<float> Action => _action.AsSpan(0, Count * ActionWidth);

    /// <summary>Capture time of each frame, s on the recorder's monotonic clock.</summary>
    public ReadOnlySpan<double> RealTimeS => _realTimeS.AsSpan(0, Count);

    internal float[] StateArray => _state;
    internal float[] EnvironmentArray => _environment;
    internal float[] ActionArray => _action;

    /// <summary>
    /// Appends one frame. <paramref name="state"/> length StateWidth, <paramref name="environment"/>
    /// length EnvironmentWidth, <paramref name="action"/> length ActionWidth; <paramref name="realTimeS"/>
    /// is the capture time, s, on a monotonic clock. Per-frame path: no allocation within capacity, no I/O.
    /// </summary>
    public void AddFrame(ReadOnlySpan<float> state, ReadOnlySpan<float> environment, ReadOnlySpan<float> action, double realTimeS)
    {
        if (state.Length != StateWidth || environment.Length != EnvironmentWidth || action.Length != ActionWidth)
        {
            ThrowWidth(state.Length, environment.Length, action.Length);
        }
        if (Count == Capacity)
        {
            Grow();
        }
        state.CopyTo(_state.AsSpan(Count * StateWidth));
        environment.CopyTo(_environment.AsSpan(Count * EnvironmentWidth));
        action.CopyTo(_action.AsSpan(Count * ActionWidth));
        _realTimeS[Count] = realTimeS;
        Count++;
    }

    /// <summary>Forgets every frame (discard or re-record); keeps the storage.</summary>
    public void Clear() => Count = 0;

    private void Grow()
    {
        int capacity = Capacity * 2;
        Array.Resize(ref _state, capacity * StateWidth);
        Array.Resize(ref _environment, capacity * EnvironmentWidth);
        Array.Resize(ref _action, capacity * ActionWidth);
        Array.Resize(ref _realTimeS, capacity);
        Grown++;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowWidth(int s, int e, int a) =>
        throw new ArgumentException($"frame widths state {s}, environment {e}, action {a}; expected {StateWidth}, {EnvironmentWidth}, {ActionWidth}");
}
