using Polly;
using Polly.CircuitBreaker;

namespace Robot.FirmwareBridge.Transport;

/// <summary>
/// Timeouts and resilience shared by the clients of a serial line (a Dynamixel bus, a joint
/// board): how long a reply is waited for, how often a read is retried, when the circuit breaker
/// stops calling a failing device, and how a lost line is reopened. Each client's own record
/// (<see cref="Dynamixel.DynamixelBusOptions"/>, <see cref="JointBoard.JointBoardOptions"/>)
/// sets the defaults that suit its device.
/// </summary>
public abstract record SerialLineOptions
{
    /// <summary>The shortest sampling and break durations Polly's circuit breaker accepts.</summary>
    private static readonly TimeSpan s_breakerMinimum = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a transaction waits for its replies.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Extra attempts for a read that timed out or came back corrupt (reads are idempotent; commands are never re-sent).</summary>
    public int ReadRetries { get; init; } = 2;

    /// <summary>Circuit breaker: the failure ratio over <see cref="BreakerSamplingDuration"/> that opens it.</summary>
    public double BreakerFailureRatio { get; init; } = 0.9;

    /// <summary>Circuit breaker: calls needed in the window before it may open.</summary>
    public int BreakerMinimumThroughput { get; init; } = 8;

    /// <summary>Circuit breaker: the window the failure ratio is taken over (at least 500 ms).</summary>
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an open breaker refuses calls before letting one through (Polly's minimum is 500 ms).</summary>
    public TimeSpan BreakerBreakDuration { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Reconnect: first back-off delay (doubles up to <see cref="ReconnectMaxDelay"/>).</summary>
    public TimeSpan ReconnectFirstDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Reconnect: the longest delay between attempts.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Reconnect attempts per reconnect call.</summary>
    public int ReconnectAttempts { get; init; } = 20;

    /// <summary>The circuit breaker these settings describe, for the failures <paramref name="shouldHandle"/> names.</summary>
    internal CircuitBreakerStrategyOptions CircuitBreaker(PredicateBuilder<object> shouldHandle, CircuitBreakerManualControl manualControl, Action onOpened) => new()
    {
        ShouldHandle = shouldHandle,
        FailureRatio = BreakerFailureRatio,
        MinimumThroughput = BreakerMinimumThroughput,
        SamplingDuration = BreakerSamplingDuration > s_breakerMinimum ? BreakerSamplingDuration : s_breakerMinimum,
        BreakDuration = BreakerBreakDuration > s_breakerMinimum ? BreakerBreakDuration : s_breakerMinimum,
        ManualControl = manualControl,
        OnOpened = _ =>
        {
            onOpened();
            return ValueTask.CompletedTask;
        },
    };

    /// <summary>The back-off that reopens <paramref name="transport"/> when it is lost.</summary>
    internal LineReopener Reopener(ISerialTransport transport) =>
        new(transport, ReconnectAttempts, ReconnectFirstDelay, ReconnectMaxDelay);
}
