using System.Text.Json;
using System.Threading.Channels;
using Robot.Safety.Audit;

namespace Robot.Safety.Supervisor;

/// <summary>
/// The supervisor's side of the audit log: records are queued in order and appended by one
/// pump, so a slow store never delays a verdict. The pump takes every record queued since its
/// last append in one call (<see cref="IAuditLog.AppendRangeAsync"/>: one commit). <see cref="FlushAsync"/> waits until every record queued so far has been
/// handed to the store (tests and shutdown use it); <see cref="DurableAsync"/> also says whether
/// they were all acknowledged, for actions that must not answer before their record is durable.
/// </summary>
public sealed class SupervisorAudit : IAsyncDisposable
{
    /// <summary>Source field of records the supervisor writes.</summary>
    public const string Source = "supervisor";

    // Most records one append carries; bounds the work lost to one failing batch's retry.
    private const int MaxBatch = 512;

    private readonly IAuditLog _log;
    private readonly TimeProvider _time;
    private readonly Channel<QueueItem> _queue =
        Channel.CreateUnbounded<QueueItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;
    private long _failures;
    private volatile string? _lastError;
    private volatile string? _lastFailure;

    /// <summary>Starts the pump that appends queued records to <paramref name="log"/>.</summary>
    public SupervisorAudit(IAuditLog log, TimeProvider time)
    {
        _log = log;
        _time = time;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The store records go to.</summary>
    public IAuditLog Log => _log;

    /// <summary>Appends that failed (the store threw); each is also reported on stderr.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>
    /// The store's error when its latest append failed, null once an append succeeds again.
    /// Actions that let robots move again are refused while it is set.
    /// </summary>
    public string? StoreError => _lastError;

    /// <summary>Queues one record stamped now.</summary>
    public void Write(string category, string type, string result, string principal, string? robotId = null, string? zoneId = null, object? details = null)
    {
        string? json = details is null ? null : JsonSerializer.Serialize(details);
        var record = new AuditRecord(_time.GetUtcNow(), Source, category, type, result, principal, robotId, zoneId, json);
        _queue.Writer.TryWrite(new QueueItem(record, null, Durable: false));
    }

    /// <summary>Completes once every record queued before the call has been handed to the store (appended or failed).</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new QueueItem(null, done, Durable: false)))
        {
            done.TrySetResult();
        }
        return done.Task;
    }

    /// <summary>
    /// Completes once every record queued before the call is durable; faults with
    /// <see cref="SupervisorError.Unavailable"/> naming the store's error when any of them could
    /// not be appended (or the pump has stopped).
    /// </summary>
    public Task DurableAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new QueueItem(null, done, Durable: true)))
        {
            done.TrySetException(new SupervisorException(SupervisorError.Unavailable, "the audit log is closed: the record is not durable"));
        }
        return done.Task;
    }

    private async Task PumpAsync()
    {
        var batch = new List<AuditRecord>(MaxBatch);
        ChannelReader<QueueItem> reader = _queue.Reader;
        // Failures since the last marker: a marker answers for the records queued before it
        // (one that failed before an earlier marker was reported there).
        long failedSinceMarker = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Records up to the next marker go in one append; the marker is answered after it.
            QueueItem marker = default;
            while (batch.Count < MaxBatch && reader.TryRead(out QueueItem item))
            {
                if (item.Record is null)
                {
                    marker = item;
                    break;
                }
                batch.Add(item.Record);
            }
            if (batch.Count > 0)
            {
                failedSinceMarker += await AppendAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
            if (marker.Done is { } done)
            {
                if (!marker.Durable || failedSinceMarker == 0)
                {
                    done.TrySetResult();
                }
                else
                {
                    done.TrySetException(new SupervisorException(SupervisorError.Unavailable,
                        $"{failedSinceMarker} audit record(s) could not be written: {_lastFailure}"));
                }
                failedSinceMarker = 0;
            }
        }
    }

    /// <summary>Appends <paramref name="batch"/>; returns how many records failed.</summary>
    private async Task<int> AppendAsync(List<AuditRecord> batch)
    {
        if (batch.Count > 1)
        {
            try
            {
                await _log.AppendRangeAsync(batch).ConfigureAwait(false);
                _lastError = null;
                return 0;
            }
#pragma warning disable CA1031 // One transaction: nothing of the batch was written; retried one by one below.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
        int failed = 0;
        foreach (AuditRecord record in batch)
        {
            try
            {
                await _log.AppendAsync(record).ConfigureAwait(false);
                _lastError = null;
            }
#pragma warning disable CA1031 // A failing store must not stop the supervisor; it is counted and reported.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _lastError = _lastFailure = e.Message;
                failed++;
                Interlocked.Increment(ref _failures);
                await Console.Error.WriteLineAsync($"audit: append failed: {e.Message}").ConfigureAwait(false);
            }
        }
        return failed;
    }

    /// <summary>Stops accepting records and waits until the pump has handed every queued one to the store.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }

    /// <param name="Record">A record to append, or null for a marker.</param>
    /// <param name="Done">A marker's completion.</param>
    /// <param name="Durable">True for a <see cref="DurableAsync"/> marker (it faults on a failed record), false for a flush.</param>
    private readonly record struct QueueItem(AuditRecord? Record, TaskCompletionSource? Done, bool Durable);
}
