namespace Robot.Policies.Inference;

/// <summary>
/// ACT's temporal ensembling: every step a new chunk of k actions is predicted; the action executed at step t
/// is the weighted mean of every stored prediction for t, weights exp(−m·i) with i = 0 the oldest prediction
/// (m = 0.01 in the paper: older predictions weigh slightly more, which smooths the motion).
/// Preallocated: <see cref="Add"/> and <see cref="Next"/> allocate nothing.
/// </summary>
public sealed class TemporalEnsembler
{
    private readonly int _k, _width;
    private readonly double _decay;
    private readonly float[] _chunks; // ring of k chunks, slot = birth step mod k; each k × width
    private long _step; // the step the next Next() serves
    private long _added; // chunks added so far (the newest was predicted at step _added - 1)

    /// <param name="chunkLength">k, actions per chunk.</param>
    /// <param name="actionWidth">Entries per action.</param>
    /// <param name="decay">m, ≥ 0.</param>
    public TemporalEnsembler(int chunkLength, int actionWidth, double decay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(actionWidth, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(decay);
        _k = chunkLength;
        _width = actionWidth;
        _decay = decay;
        _chunks = new float[chunkLength * chunkLength * actionWidth];
    }

    /// <summary>Forgets every prediction (a new episode).</summary>
    public void Reset()
    {
        _step = 0;
        _added = 0;
    }

    /// <summary>Stores the chunk predicted at the current step (length k × width: actions for this step and the next k − 1).</summary>
    public void Add(ReadOnlySpan<float> chunk)
    {
        if (_added != _step)
        {
            throw new InvalidOperationException($"one chunk per step: call Next() after each Add() (step {_step}, chunks {_added})");
        }
        chunk[..(_k * _width)].CopyTo(_chunks.AsSpan((int)(_step % _k) * _k * _width, _k * _width));
        _added++;
    }

    /// <summary>Writes the ensembled action of the current step into <paramref name="action"/> (length width) and moves to the next step.</summary>
    public void Next(Span<float> action)
    {
        if (_added == 0 || _added <= _step)
        {
            throw new InvalidOperationException("no prediction covers this step: Add() a chunk first");
        }
        long oldest = Math.Max(0, _step - _k + 1);
        action[.._width].Clear();
        double total = 0;
        for (long born = oldest; born <= _step; born++)
        {
            double weight = Math.Exp(-_decay * (born - oldest));
            int at = (int)(born % _k) * _k * _width + (int)(_step - born) * _width;
            for (int j = 0; j < _width; j++)
            {
                action[j] += (float)(weight * _chunks[at + j]);
            }
            total += weight;
        }
        for (int j = 0; j < _width; j++)
        {
            action[j] = (float)(action[j] / total);
        }
        _step++;
    }
}
