using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Robot.Runtime.Tasks;

/// <summary>
/// One watcher of <see cref="TaskManager"/>: the snapshot it started with, then every change, in
/// order. The buffer is bounded: a watcher that reads too slowly loses the oldest buffered
/// events, never blocks the manager or the executor, and the next event it reads says how many
/// it missed (<see cref="TaskEvent.DroppedBefore"/>); the task in every event is current, so
/// the newest state is never lost. A watch of one task ends after that task's final event;
/// dispose it to stop watching earlier.
/// </summary>
public sealed class TaskWatch : IDisposable
{
    private readonly Channel<TaskEvent> _channel;
    private readonly Action<TaskWatch> _unregister;
    private int _pendingDropped;
    private long _dropped;

    internal TaskWatch(string? taskId, int capacity, Action<TaskWatch> unregister)
    {
        TaskId = taskId;
        _unregister = unregister;
        _channel = Channel.CreateBounded<TaskEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
            _ =>
            {
                Interlocked.Increment(ref _pendingDropped);
                Interlocked.Increment(ref _dropped);
            });
    }

    /// <summary>The task watched, or null for every task.</summary>
    public string? TaskId { get; }

    /// <summary>Events dropped so far because this watcher read too slowly.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The events, until the watched task ends, the manager stops, the watch is disposed or <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="cancellationToken">Stops reading (the watch stays registered until disposed).</param>
    public async IAsyncEnumerable<TaskEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChannelReader<TaskEvent> reader = _channel.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out TaskEvent? e))
            {
                int dropped = Interlocked.Exchange(ref _pendingDropped, 0);
                yield return dropped == 0 ? e : e with { DroppedBefore = dropped };
            }
        }
    }

    /// <summary>Stops watching: no more events are buffered and reading ends after what is buffered.</summary>
    public void Dispose()
    {
        _unregister(this);
        _channel.Writer.TryComplete();
    }

    /// <summary>Offers an event; never blocks. Returns false once the watch has ended (the manager then forgets it).</summary>
    internal bool Offer(TaskEvent e)
    {
        if (TaskId is not null && e.Task.Id != TaskId)
        {
            return true;
        }
        if (!_channel.Writer.TryWrite(e))
        {
            return false;
        }
        if (TaskId is not null && e.State.IsFinal())
        {
            _channel.Writer.TryComplete();
            return false;
        }
        return true;
    }

    /// <summary>Ends the watch from the manager's side (it is stopping).</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}
