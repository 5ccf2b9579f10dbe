using Grpc.Core;
using Grpc.Net.Client;
using Polly;
using Polly.Retry;
using Robot.Runtime.Concurrency;
using Robot.Safety.Contracts;

namespace Robot.Runtime.Safety;

/// <summary>
/// The robot's connection to the site supervisor: a session stream that sends the robot's state
/// at <see cref="SafetyLinkOptions.StateRate"/>, answers every challenge, and publishes each
/// verdict with its arrival time into <see cref="Verdicts"/> for the <see cref="SafetyGate"/>.
/// A lost session is reopened with exponential backoff (Polly); while it is down no verdict
/// arrives and the gate stops the robot. Every call carries a deadline.
/// </summary>
public sealed class SafetyLink : IAsyncDisposable
{
    private readonly SafetyLinkOptions _options;
    private readonly TimeProvider _time;
    private readonly GrpcChannel _channel;
    private readonly bool _ownsChannel;
    private readonly Robot.Safety.Contracts.SafetySupervisor.SafetySupervisorClient _client;
    private readonly LatestValueSlot<RobotSafetyState> _state = new();
    private readonly ResiliencePipeline _reconnect;
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;
    private long _challenge;
    // Send time of each state by sequence (ring of SentRingSize): a verdict's age counts from
    // when the state it answers left the robot, so a verdict delayed in buffers or by a stalled
    // reader never looks fresher than it is.
    private const int SentRingSize = 256;
    private readonly long[] _sentSequence = new long[SentRingSize];
    private readonly long[] _sentAt = new long[SentRingSize];
    private long _sessions;
    private long _reconnects;
    private long _verdicts;
    private string? _lastError;

    /// <param name="options">Validated here; every error is reported at once.</param>
    /// <param name="time">Clock for send rate, deadlines, backoff and verdict timestamps; the gate must use the same one.</param>
    /// <param name="channel">An existing channel (tests, shared connections); null creates one for <see cref="SafetyLinkOptions.Address"/>.</param>
    public SafetyLink(SafetyLinkOptions options, TimeProvider? time = null, GrpcChannel? channel = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid safety link options: " + string.Join("; ", errors), nameof(options));
        }
        _options = options;
        _time = time ?? TimeProvider.System;
        _ownsChannel = channel is null;
        _channel = channel ?? GrpcChannel.ForAddress(options.Address!, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = options.CallDeadline,
                KeepAlivePingDelay = TimeSpan.FromSeconds(5),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(2),
            },
        });
        _client = new Robot.Safety.Contracts.SafetySupervisor.SafetySupervisorClient(_channel);
        _reconnect = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !_stop.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.ReconnectDelay,
                MaxDelay = options.MaxReconnectDelay,
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _reconnects);
                    Volatile.Write(ref _lastError, args.Outcome.Exception?.Message);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Verdicts as they arrive (single writer: this link).</summary>
    public LatestValueSlot<VerdictSample> Verdicts { get; } = new();

    /// <summary>The options the link was built with (robot id, reach, speeds).</summary>
    public SafetyLinkOptions Options => _options;

    /// <summary>Sessions opened so far.</summary>
    public long Sessions => Interlocked.Read(ref _sessions);

    /// <summary>Reconnect attempts after a failure.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Verdicts received.</summary>
    public long VerdictsReceived => Interlocked.Read(ref _verdicts);

    /// <summary>Why the last session failed, or null.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>A gate over this link's verdicts, on the link's clock.</summary>
    public SafetyGate CreateGate(TimeSpan? verdictTimeout = null) =>
        new(Verdicts, new SafetyGateOptions { VerdictTimeout = verdictTimeout ?? SafetyGateConstants.DefaultVerdictTimeout, MaxSpeed = _options.MaxSpeed }, _time);

    /// <summary>Publishes the robot's latest state (the control loop calls this; one writer). Allocation-free.</summary>
    public void Report(in RobotSafetyState state) => _state.Publish(state);

    /// <summary>Starts the session loop in the background.</summary>
    public void Start()
    {
        if (_run is not null)
        {
            throw new InvalidOperationException("the safety link is already started");
        }
        _run = Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // A session that ended after it worked returns normally, which restarts the
                // backoff from its first delay; one that fails early is retried with backoff.
                await _reconnect.ExecuteAsync(static (link, token) => new ValueTask(link.RunSessionAsync(token)), this, ct).ConfigureAwait(false);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Stopping: whatever ended the last session (a cancelled call, or the transport
                // failing under it, e.g. an HTTP/2 connection closed by a supervisor shutting down
                // at the same moment) is not an error any more. Only cancellation was let through
                // before, and a dropped connection during a stop made DisposeAsync throw.
                return;
            }
        }
    }

    private async Task RunSessionAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _sessions);
        using var call = _client.Session(deadline: _time.GetUtcNow().UtcDateTime + _options.SessionDeadline, cancellationToken: ct);
        var hello = new Hello
        {
            RobotId = _options.RobotId,
            Reach = _options.Reach,
            ReactionTime = _options.ReactionTime,
            MaxDeceleration = _options.MaxDeceleration,
            MaxSpeed = _options.MaxSpeed,
        };
        foreach (var (x, y) in _options.Footprint)
        {
            hello.Footprint.Add(new Vec2 { X = x, Y = y });
        }
        await WriteAsync(call.RequestStream, new RobotMessage { Hello = hello }, ct).ConfigureAwait(false);

        using var sessionEnd = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task sender = SendStatesAsync(call.RequestStream, sessionEnd.Token);
        long received = 0;
        try
        {
            await foreach (Verdict verdict in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
            {
                Interlocked.Exchange(ref _challenge, (long)verdict.Challenge);
                Verdicts.Publish(new VerdictSample(verdict.Kind, verdict.SpeedLimit, verdict.ReasonCode, verdict.StopLevel, verdict.EstopLatched, DecidedNoEarlierThan(verdict)));
                Interlocked.Increment(ref _verdicts);
                received++;
            }
        }
        finally
        {
            await sessionEnd.CancelAsync().ConfigureAwait(false);
            try
            {
                await sender.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException)
            {
                // The session is over either way.
            }
        }
        if (received == 0)
        {
            throw new IOException("the supervisor closed the session before sending a verdict");
        }
        Volatile.Write(ref _lastError, "session ended by the supervisor");
    }

    /// <summary>
    /// The timestamp a verdict's age counts from: the send time of the state it answers. A
    /// verdict pushed by the supervisor (a stop, never a permit) counts from its arrival; a reply
    /// to a state no longer in the ring counts as infinitely old.
    /// </summary>
    private long DecidedNoEarlierThan(Verdict verdict)
    {
        if (verdict.InReplyTo == 0)
        {
            return verdict.Kind == VerdictKind.Permit ? long.MinValue / 2 : _time.GetTimestamp();
        }
        int slot = (int)(verdict.InReplyTo % SentRingSize);
        long at = Volatile.Read(ref _sentAt[slot]);
        return Volatile.Read(ref _sentSequence[slot]) == (long)verdict.InReplyTo ? at : long.MinValue / 2;
    }

    private async Task SendStatesAsync(IClientStreamWriter<RobotMessage> stream, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / _options.StateRate), _time);
        ulong sequence = 0;
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            if (!_state.TryRead(out RobotSafetyState s, out _))
            {
                continue;
            }
            ulong challenge = (ulong)Interlocked.Read(ref _challenge);
            var message = new RobotMessage
            {
                State = new RobotState
                {
                    Sequence = ++sequence,
                    Challenge = challenge,
                    ChallengeResponse = Robot.Safety.Supervisor.ChallengeWindow.Answer(challenge),
                    Position = new Vec2 { X = s.X, Y = s.Y },
                    Heading = s.Heading,
                    Velocity = new Vec2 { X = s.Vx, Y = s.Vy },
                    Reach = s.Reach,
                    SentUnixNanos = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000,
                },
            };
            int slot = (int)(sequence % SentRingSize);
            Volatile.Write(ref _sentSequence[slot], -1);
            Volatile.Write(ref _sentAt[slot], _time.GetTimestamp());
            Volatile.Write(ref _sentSequence[slot], (long)sequence);
            await WriteAsync(stream, message, ct).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(IClientStreamWriter<RobotMessage> stream, RobotMessage message, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_options.CallDeadline);
        await stream.WriteAsync(message, deadline.Token).ConfigureAwait(false);
    }

    /// <summary>Stops the session loop; the gate then stops the robot on its timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            try
            {
                await _run.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException)
            {
                // Stopping.
            }
        }
        if (_ownsChannel)
        {
            _channel.Dispose();
        }
        _stop.Dispose();
    }
}
