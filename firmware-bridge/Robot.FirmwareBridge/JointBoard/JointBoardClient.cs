using System.Diagnostics;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Robot.Core.Hardware;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.JointBoard;

/// <summary>No (matching) reply from the board in time. Reads retry on it.</summary>
public sealed class JointBoardTimeoutException : IOException
{
    public JointBoardTimeoutException() { }

    public JointBoardTimeoutException(string message) : base(message) { }

    public JointBoardTimeoutException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A reply with a bad CRC or impossible framing. Reads retry on it.</summary>
public sealed class JointBoardCorruptReplyException : IOException
{
    public JointBoardCorruptReplyException() { }

    public JointBoardCorruptReplyException(string message) : base(message) { }

    public JointBoardCorruptReplyException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A command went out but no good State came back: it may have been applied. Not re-sent.</summary>
public sealed class JointBoardCommandUncertainException : IOException
{
    public JointBoardCommandUncertainException() { }

    public JointBoardCommandUncertainException(string message) : base(message) { }

    public JointBoardCommandUncertainException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Timeouts and resilience of a <see cref="JointBoardClient"/>: a 5 ms reply timeout (a 1 kHz
/// loop on a real line wants about 0.5 ms; tests on a loaded machine want more), and a breaker
/// that waits for 20 calls, since a board is polled every tick.
/// </summary>
public sealed record JointBoardOptions : SerialLineOptions
{
    public JointBoardOptions()
    {
        ReplyTimeout = TimeSpan.FromMilliseconds(5);
        BreakerMinimumThroughput = 20;
    }
}

/// <summary>
/// Host side of one leg/waist motor board. <see cref="ReadState"/> and <see cref="ReadHeartbeat"/>
/// are reads (retried on timeout or corruption); <see cref="Exchange"/> sends one command frame and
/// takes the State that acknowledges it, and is never re-sent: a lost reply raises
/// <see cref="JointBoardCommandUncertainException"/> and the next tick sends the next command. A
/// lost line raises <see cref="Faulted"/>; after <see cref="Reconnect"/> commands are refused
/// until <see cref="Rearm"/>. One owner thread; no allocation per exchange (the circuit breaker allocates a small
/// health window now and then, not per call).
/// </summary>
public sealed class JointBoardClient : IDisposable
{
    private readonly ISerialTransport _transport;
    private readonly byte[] _tx = new byte[JointBoardProtocol.CommandFrameLength(JointBoardProtocol.MaxJoints)];
    private int _txLength;
    private readonly byte[] _rx = new byte[4096];
    private int _rxCount;
    private byte _sequence;
    private JointBoardFrameType _expect;
    private readonly ResiliencePipeline _breakerPipeline;
    private readonly ResiliencePipeline _readRetries;
    private readonly LineReopener _reopener;
    private readonly CircuitBreakerManualControl _breaker = new();
    private bool _armed = true;

    public JointBoardClient(ISerialTransport transport, byte boardId, int jointCount, JointBoardOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jointCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jointCount, JointBoardProtocol.MaxJoints);
        _transport = transport;
        BoardId = boardId;
        JointCount = jointCount;
        Joints = new JointSample[jointCount];
        Options = options ?? new JointBoardOptions();
        // One breaker shared by reads and commands: a dead board stops both (two breakers built
        // from the same options count their failures apart, and commands kept waiting out their
        // timeouts on a board whose reads had already opened theirs).
        _breakerPipeline = new ResiliencePipelineBuilder().AddCircuitBreaker(Options.CircuitBreaker(
            new PredicateBuilder().Handle<JointBoardTimeoutException>().Handle<JointBoardCorruptReplyException>().Handle<JointBoardCommandUncertainException>().Handle<SerialWriteTimeoutException>(),
            _breaker,
            () => Faulted?.Invoke(new BusFault(_transport.PortName, BusFaultKind.CircuitOpen, $"board {BoardId}: circuit breaker opened")))).Build();
        var readBuilder = new ResiliencePipelineBuilder();
        if (Options.ReadRetries > 0)
        {
            readBuilder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<JointBoardTimeoutException>().Handle<JointBoardCorruptReplyException>(),
                MaxRetryAttempts = Options.ReadRetries,
                Delay = TimeSpan.Zero,
            });
        }
        _readRetries = readBuilder.Build();
        _reopener = Options.Reopener(_transport);
    }

    public byte BoardId { get; }

    public int JointCount { get; }

    public JointBoardOptions Options { get; }

    public ISerialTransport Transport => _transport;

    public BusState State { get; private set; } = BusState.Closed;

    public int Generation { get; private set; }

    public bool IsArmed => _armed;

    /// <summary>Joint samples of the last State frame.</summary>
    public JointSample[] Joints { get; }

    /// <summary>Header of the last State frame.</summary>
    public BoardStateHeader LastState { get; private set; }

    /// <summary>Sequence number of the last command sent.</summary>
    public byte LastCommandSequence { get; private set; }

    public event Action<BusFault>? Faulted;

    public void Open()
    {
        _transport.Open();
        State = BusState.Open;
    }

    public void Dispose()
    {
        _transport.Dispose();
        State = BusState.Closed;
    }

    public void Rearm() => _armed = true;

    /// <summary>Reopens the line with back-off; commands stay refused until <see cref="Rearm"/>.</summary>
    public bool Reconnect(CancellationToken cancellationToken = default)
    {
        if (!_reopener.TryReopen(cancellationToken))
        {
            return false;
        }
        _rxCount = 0;
        _breaker.CloseAsync(CancellationToken.None).GetAwaiter().GetResult();
        State = BusState.Open;
        Generation++;
        _armed = false;
        Faulted?.Invoke(new BusFault(_transport.PortName, BusFaultKind.Reconnected, $"board {BoardId} reconnected; commands refused until re-armed"));
        return true;
    }

    /// <summary>Reads the board's state without commanding (retried). Fills <see cref="Joints"/>.</summary>
    public BoardStateHeader ReadState()
    {
        Run(JointBoardFrameType.StateRequest);
        return LastState;
    }

    /// <summary>Liveness and board facts (retried).</summary>
    public BoardHeartbeat ReadHeartbeat()
    {
        Run(JointBoardFrameType.HeartbeatRequest);
        return LastHeartbeat;
    }

    /// <summary>Heartbeat of the last <see cref="ReadHeartbeat"/>.</summary>
    public BoardHeartbeat LastHeartbeat { get; private set; }

    /// <summary>
    /// Sends one command frame (one entry per joint) and reads the State that acknowledges it.
    /// Never re-sent. Throws <see cref="JointBoardCommandUncertainException"/> when no good State
    /// came back.
    /// </summary>
    public BoardStateHeader Exchange(ReadOnlySpan<JointCommand> commands, CommandOptions flags)
    {
        if (!_armed && (flags & CommandOptions.Enable) != 0)
        {
            throw new InvalidOperationException($"board {BoardId} reconnected: read state and Rearm() before enabling");
        }
        if (commands.Length != JointCount)
        {
            throw new ArgumentException($"board {BoardId} has {JointCount} joints; got {commands.Length} commands", nameof(commands));
        }
        _sequence++;
        _txLength = JointBoardProtocol.EncodeCommand(_tx, BoardId, _sequence, flags, commands);
        LastCommandSequence = _sequence;
        Run(JointBoardFrameType.Command);
        return LastState;
    }

    /// <summary>One request through the breaker; reads (never commands) retried around it.</summary>
    private void Run(JointBoardFrameType request)
    {
        if (State != BusState.Open)
        {
            throw new DynamixelBusUnavailableException($"board {BoardId} on {_transport.PortName} is {State}");
        }
        _expect = request;
        try
        {
            if (request == JointBoardFrameType.Command)
            {
                _breakerPipeline.Execute(static c => c.Transaction(), this);
            }
            else
            {
                _readRetries.Execute(static c => c._breakerPipeline.Execute(static b => b.Transaction(), c), this);
            }
        }
        catch (BrokenCircuitException e)
        {
            throw new DynamixelBusUnavailableException($"board {BoardId}: circuit open; not attempted", e);
        }
        catch (SerialDisconnectedException e)
        {
            State = BusState.Lost;
            _armed = false;
            Faulted?.Invoke(new BusFault(_transport.PortName, BusFaultKind.Lost, $"board {BoardId} lost: {e.Message}"));
            throw;
        }
    }

    private void Transaction()
    {
        if (_expect != JointBoardFrameType.Command)
        {
            _sequence++;
            _txLength = _expect == JointBoardFrameType.StateRequest
                ? JointBoardProtocol.EncodeStateRequest(_tx, BoardId, _sequence)
                : JointBoardProtocol.EncodeHeartbeatRequest(_tx, BoardId, _sequence, (uint)Environment.TickCount64);
        }
        _transport.DiscardInput();
        _rxCount = 0;
        _transport.Write(_tx.AsSpan(0, _txLength));
        long deadline = Stopwatch.GetTimestamp() + (long)(Options.ReplyTimeout.TotalSeconds * Stopwatch.Frequency);
        JointBoardFrameType replyType = _expect == JointBoardFrameType.HeartbeatRequest ? JointBoardFrameType.Heartbeat : JointBoardFrameType.State;
        int offset = 0;
        while (true)
        {
            DecodeStatus status = JointBoardProtocol.TryDecode(_rx.AsSpan(offset, _rxCount - offset), out JointBoardFrame frame, out int consumed);
            int frameStart = offset;
            offset += consumed;
            if (status == DecodeStatus.Ok)
            {
                if (frame.Type == replyType && frame.BoardId == BoardId && frame.Sequence == _sequence)
                {
                    ReadOnlySpan<byte> payload = _rx.AsSpan(frameStart + frame.PayloadOffset, frame.PayloadLength);
                    if (replyType == JointBoardFrameType.Heartbeat)
                    {
                        LastHeartbeat = JointBoardProtocol.ReadHeartbeat(payload);
                    }
                    else
                    {
                        LastState = JointBoardProtocol.ReadState(payload, Joints);
                        if (LastState.JointCount != JointCount)
                        {
                            throw Fail(new JointBoardCorruptReplyException($"board {BoardId} reports {LastState.JointCount} joints, configured {JointCount}"));
                        }
                    }
                    return;
                }
                continue; // a stale reply or an echo
            }
            if (status is DecodeStatus.CrcError or DecodeStatus.Malformed)
            {
                throw Fail(new JointBoardCorruptReplyException($"board {BoardId}: {status} reply"));
            }
            if (offset > 0)
            {
                _rx.AsSpan(offset, _rxCount - offset).CopyTo(_rx);
                _rxCount -= offset;
                offset = 0;
            }
            long remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0 || _rxCount == _rx.Length)
            {
                throw Fail(new JointBoardTimeoutException($"board {BoardId}: no reply within {Options.ReplyTimeout.TotalMilliseconds:F1} ms"));
            }
            _rxCount += _transport.Read(_rx.AsSpan(_rxCount), TimeSpan.FromTicks(remaining * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
        }
    }

    /// <summary>For a command, any failure after sending means "may have been applied".</summary>
    private IOException Fail(IOException e) =>
        _expect == JointBoardFrameType.Command
            ? new JointBoardCommandUncertainException($"board {BoardId}: command {_sequence} sent, outcome unknown ({e.Message}); not re-sent", e)
            : e;
}
