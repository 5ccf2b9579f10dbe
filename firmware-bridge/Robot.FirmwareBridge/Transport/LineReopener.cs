using Polly;
using Polly.Retry;

namespace Robot.FirmwareBridge.Transport;

/// <summary>
/// Reopens a lost serial line: close, open, and on an <see cref="IOException"/> try again after
/// an exponentially growing delay. The Dynamixel bus and the joint-board client both reconnect
/// this way; what a reconnect means for their own state (breaker, generation, re-arming) stays
/// with them.
/// </summary>
internal sealed class LineReopener
{
    private readonly ISerialTransport _transport;
    private readonly ResiliencePipeline _pipeline;

    /// <param name="transport">The line to reopen.</param>
    /// <param name="attempts">Attempts per <see cref="TryReopen"/> call (at least 1).</param>
    /// <param name="firstDelay">Delay before the second attempt; it doubles from there.</param>
    /// <param name="maxDelay">Longest delay between attempts.</param>
    public LineReopener(ISerialTransport transport, int attempts, TimeSpan firstDelay, TimeSpan maxDelay)
    {
        _transport = transport;
        // Polly counts retries after the first attempt: N attempts are N - 1 retries.
        var builder = new ResiliencePipelineBuilder();
        if (attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<IOException>(),
                MaxRetryAttempts = attempts - 1,
                Delay = firstDelay,
                MaxDelay = maxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
            });
        }
        _pipeline = builder.Build();
    }

    /// <summary>Closes and reopens the line until it opens; false when every attempt failed.</summary>
    public bool TryReopen(CancellationToken cancellationToken = default)
    {
        try
        {
            _pipeline.Execute(static (transport, _) =>
            {
                transport.Close();
                transport.Open();
            }, _transport, cancellationToken);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
