using System.Text.Json;
using System.Threading.Channels;
using Robot.Safety.Audit;

namespace Robot.Safety.Supervisor;

/// <summary>
/// The supervisor's side of the audit log: records are queued in order and appended by one
/// pump, so a slow store never delays a verdict. <see cref="FlushAsync"/> waits until every
/// record queued so far is acknowledged by the store (tests and shutdown use it).
/// </summary>
public sealed class SupervisorAudit : IAsyncDisposable
{
    /// <summary>Source field of records the supervisor writes.</summary>
    public const string Source = "supervisor";

    private readonly IAuditLog _log;
    private readonly TimeProvider _time;
    private readonly Channel<(AuditRecord? Record, TaskCompletionSource? Flush)> _queue =
        Channel.CreateUnbounded<(AuditRecord?, TaskCompletionSource?)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;
    private long _failures;

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

    /// <summary>Queues one record stamped now.</summary>
    public void Write(string category, string type, string result, string principal, string? robotId = null, string? zoneId = null, object? details = null)
    {
        string? json = details is null ? null : JsonSerializer.Serialize(details);
        var record = new AuditRecord(_time.GetUtcNow(), Source, category, type, result, principal, robotId, zoneId, json);
        _queue.Writer.TryWrite((record, null));
    }

    /// <summary>Completes once every record queued before the call has been appended.</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((null, done)))
        {
            done.TrySetResult();
        }
        return done.Task;
    }

    private async Task PumpAsync()
    {
        await foreach (var (record, flush) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (flush is not null)
            {
                flush.TrySetResult();
                continue;
            }
            try
            {
                await _log.AppendAsync(record!).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failing store must not stop the supervisor; it is counted and reported.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _failures);
                await Console.Error.WriteLineAsync($"audit: append failed: {e.Message}").ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }
}
