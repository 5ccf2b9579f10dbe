using System.Diagnostics;
using Grpc.Core;
using Robot.Core.Diagnostics;
using Robot.Runtime.Benchmarks;
using Robot.Safety.Contracts;

namespace Robot.Cli.Commands.Safety;

/// <summary>
/// The measuring client of <c>robot bench supervisor</c>: simulated robots, each with its own
/// session stream, all paced by ONE sender thread on a precise schedule (robot r's k-th state is
/// due at t0 + k/hz + r/(hz·robots)). One thread however many robots: a timer or task per robot
/// oversubscribed the two cores and measured the client's own scheduling (p99 ≈ 400 ms), not the
/// supervisor.
/// <para>
/// The sender never waits for a write: it starts the stream write and moves on to the next robot;
/// a write issued while the robot's previous one is still pending is chained behind it (a gRPC
/// stream allows one pending write at a time). Each state carries its send time in
/// <c>sent_unix_nanos</c> (the bench's monotonic clock, expressed as Unix time) and the verdict
/// echoes it, so latency is receipt time − echoed send time: no lookup table, no lock, and the
/// time a state waits in the client's queue counts against the supervisor, never for it.
/// </para>
/// </summary>
internal sealed class SupervisorLoadClient
{
    private readonly SafetySupervisor.SafetySupervisorClient _client;
    private readonly int _robots;
    private readonly double _hz;
    private readonly double _extent;
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly long _originUnixNanos = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    /// <param name="client">Client of the supervisor under test.</param>
    /// <param name="robots">Robots to simulate; the site must list r0 … r(robots−1).</param>
    /// <param name="hz">States per second per robot.</param>
    /// <param name="extent">Side of the square the robots stand in, metres (site frame, from the origin).</param>
    public SupervisorLoadClient(SafetySupervisor.SafetySupervisorClient client, int robots, double hz, double extent)
    {
        _client = client;
        _robots = robots;
        _hz = hz;
        _extent = extent;
    }

    /// <summary>What one run measured (states sent in the measured window only).</summary>
    /// <param name="LatenciesMs">Verdict latency of every answered measured state, sorted, ms.</param>
    /// <param name="Sent">Measured states sent.</param>
    /// <param name="Answered">Measured states whose verdict arrived.</param>
    /// <param name="Rejected">Verdicts that refused a state as a heartbeat (stale or unknown challenge).</param>
    /// <param name="SendLatenessMs">How late the sender was against its schedule, sorted, ms.</param>
    /// <param name="Window">What the runtime did in this process during the measured window (GC, JIT).</param>
    /// <param name="Cpu">How the whole machine's CPUs spent the measured window (busy, stolen by the hypervisor).</param>
    public sealed record Result(double[] LatenciesMs, long Sent, long Answered, long Rejected, double[] SendLatenessMs, RuntimeActivity Window, HostCpuShare Cpu);

    /// <summary>
    /// Opens every session, sends for <paramref name="warmup"/> (JIT tiering, connection windows;
    /// not measured) plus <paramref name="seconds"/>, drains replies for up to 5 s.
    /// </summary>
    public async Task<Result> RunAsync(double warmup, double seconds, CancellationToken ct)
    {
        var robots = new LoadRobot[_robots];
        DateTime deadline = DateTime.UtcNow.AddSeconds(warmup + seconds + 60);
        for (int r = 0; r < _robots; r++)
        {
            robots[r] = new LoadRobot(this, r, _client.Session(deadline: deadline, cancellationToken: ct), (int)(seconds * _hz * 1.1) + 64, _extent);
        }
        await Task.WhenAll(robots.Select(r => r.StartAsync(ct))).ConfigureAwait(false);

        var lateness = new List<double>((int)(seconds * _hz * _robots) + 1024);
        var marks = new WindowMark[2];
        // Awaited, never joined: a pool thread blocked in Join for the whole run is one of the two
        // workers a 2-core machine starts with, and every stream's continuation queued behind it.
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sender = new Thread(() =>
        {
            try
            {
                SendAll(robots, warmup, seconds, lateness, marks);
                sent.SetResult();
            }
            catch (Exception e)
            {
                sent.SetException(e);
            }
        }) { Name = "bench-sender", IsBackground = true, Priority = ThreadPriority.AboveNormal };
        sender.Start();
        await sent.Task.WaitAsync(ct).ConfigureAwait(false);

        long drainEnd = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < drainEnd && robots.Any(r => Volatile.Read(ref r.Answered) < r.Sent))
        {
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
        await Task.WhenAll(robots.Select(r => r.StopAsync())).ConfigureAwait(false);

        double[] latencies = robots.SelectMany(r => r.Latencies.Take(r.LatencyCount)).ToArray();
        Array.Sort(latencies);
        double[] late = lateness.ToArray();
        Array.Sort(late);
        return new Result(latencies, robots.Sum(r => r.Sent), robots.Sum(r => Volatile.Read(ref r.Answered)), robots.Sum(r => Volatile.Read(ref r.Rejected)), late,
            RuntimeActivity.Between(marks[0].Runtime, marks[1].Runtime), HostCpuTime.Between(marks[0].Cpu, marks[1].Cpu));
    }

    /// <summary>
    /// The sender thread: every robot's states on schedule for <paramref name="warmup"/> +
    /// <paramref name="seconds"/>. The schedule starts when this thread first runs, not when it
    /// was created: on a loaded machine a thread can wait long before its first slice, and a
    /// window fixed at creation then measured nothing (CI: 0 states sent at load 6). Every state
    /// the schedule holds is sent, late if the thread was descheduled; the lateness is reported.
    /// </summary>
    /// <param name="robots">The robots to send for.</param>
    /// <param name="warmup">Unmeasured seconds first.</param>
    /// <param name="seconds">Measured seconds.</param>
    /// <param name="lateness">Receives how late each measured state went out, ms.</param>
    /// <param name="marks">Receives the runtime's counters and the machine's CPU times when the measured window opens [0] and closes [1].</param>
    private void SendAll(LoadRobot[] robots, double warmup, double seconds, List<double> lateness, WindowMark[] marks)
    {
        bool measuring = false;
        long period = (long)(Stopwatch.Frequency / _hz);
        long start = Stopwatch.GetTimestamp();
        long measureFrom = start + (long)(warmup * Stopwatch.Frequency);
        long end = measureFrom + (long)(seconds * Stopwatch.Frequency);
        foreach (LoadRobot robot in robots)
        {
            Volatile.Write(ref robot.MeasuredFromNanos, ToUnixNanos(measureFrom));
        }
        var due = new long[robots.Length];
        for (int r = 0; r < robots.Length; r++)
        {
            due[r] = start + period * r / robots.Length;
        }
        double toMs = 1000.0 / Stopwatch.Frequency;
        while (true)
        {
            long now = Stopwatch.GetTimestamp();
            if (!measuring && now >= measureFrom)
            {
                marks[0] = WindowMark.Now();
                measuring = true;
            }
            long next = long.MaxValue;
            for (int r = 0; r < robots.Length; r++)
            {
                while (due[r] <= now && due[r] < end)
                {
                    long sentAt = Stopwatch.GetTimestamp();
                    robots[r].Send(ToUnixNanos(sentAt), measured: sentAt >= measureFrom);
                    if (sentAt >= measureFrom)
                    {
                        lateness.Add((sentAt - due[r]) * toMs);
                    }
                    due[r] += period;
                }
                next = Math.Min(next, due[r]);
            }
            if (next >= end)
            {
                marks[1] = WindowMark.Now();
                return;
            }
            // Sleep whenever nothing is due (the OS sleeps about 1 ms at least): the states that
            // fall due meanwhile go out together on waking. Never spin or yield in a loop: on two
            // cores a busy sender steals the CPU the supervisor under test needs. Lateness
            // against the schedule is reported; latency counts from the actual send.
            if (next > Stopwatch.GetTimestamp())
            {
                Thread.Sleep(1);
            }
        }
    }

    /// <summary>The counters read at one edge of the measured window.</summary>
    private readonly record struct WindowMark(RuntimeActivity Runtime, HostCpuTime? Cpu)
    {
        public static WindowMark Now() => new(RuntimeActivity.Now(), HostCpuTime.Now());
    }

    private long ToUnixNanos(long timestamp) =>
        _originUnixNanos + (long)((timestamp - _origin) * (1e9 / Stopwatch.Frequency));

    /// <summary>One simulated robot of the load: its stream, its writer and reader, its counters.</summary>
    private sealed class LoadRobot
    {
        private readonly SupervisorLoadClient _clock;
        private readonly int _index;
        private readonly AsyncDuplexStreamingCall<RobotMessage, Verdict> _call;
        private readonly double _x, _y;
        private readonly TaskCompletionSource _firstChallenge = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task _writes = Task.CompletedTask;
        private Task? _reader;
        private long _challenge;
        private ulong _sequence;

        public LoadRobot(SupervisorLoadClient clock, int index, AsyncDuplexStreamingCall<RobotMessage, Verdict> call, int capacity, double extent)
        {
            _clock = clock;
            _index = index;
            _call = call;
            Latencies = new double[capacity];
            var random = new Random(index);
            (_x, _y) = (random.NextDouble() * extent, random.NextDouble() * extent);
        }

        /// <summary>Latency of each answered measured state, ms (first <see cref="LatencyCount"/> entries; written by the reader only).</summary>
        public double[] Latencies { get; }
        public int LatencyCount;
        public long Sent;
        public long Answered;
        public long Rejected;
        /// <summary>States sent at or after this time (Unix ns, bench clock) are measured.</summary>
        public long MeasuredFromNanos = long.MaxValue;

        /// <summary>Sends the hello and waits for the first verdict (its challenge).</summary>
        public async Task StartAsync(CancellationToken ct)
        {
            var hello = new Hello { RobotId = $"r{_index}", Reach = 0.3, ReactionTime = 0.05, MaxDeceleration = 1.0, MaxSpeed = 1.5 };
            hello.Footprint.Add(new Vec2 { X = 0.3, Y = 0.25 });
            hello.Footprint.Add(new Vec2 { X = -0.3, Y = 0.25 });
            hello.Footprint.Add(new Vec2 { X = -0.3, Y = -0.25 });
            await _call.RequestStream.WriteAsync(new RobotMessage { Hello = hello }, ct).ConfigureAwait(false);
            _reader = Task.Run(() => ReadAsync(ct), ct);
            await _firstChallenge.Task.WaitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        }

        /// <summary>Queues one state answering the latest challenge (the sender thread only; never waits).</summary>
        public void Send(long sentUnixNanos, bool measured)
        {
            ulong challenge = (ulong)Volatile.Read(ref _challenge);
            var state = new RobotState
            {
                Sequence = ++_sequence,
                Challenge = challenge,
                ChallengeResponse = ~challenge,
                Position = new Vec2 { X = _x, Y = _y },
                Velocity = new Vec2 { X = 0.5, Y = 0.2 },
                SentUnixNanos = sentUnixNanos,
            };
            if (measured)
            {
                Interlocked.Increment(ref Sent);
            }
            var message = new RobotMessage { State = state };
            // Usually the previous write (10 ms ago at 100 Hz) is long done: write at once.
            _writes = _writes.IsCompletedSuccessfully ? _call.RequestStream.WriteAsync(message) : WriteAfterAsync(_writes, message);
        }

        private async Task WriteAfterAsync(Task previous, RobotMessage message)
        {
            await previous.ConfigureAwait(false);
            await _call.RequestStream.WriteAsync(message).ConfigureAwait(false);
        }

        private async Task ReadAsync(CancellationToken ct)
        {
            await foreach (Verdict verdict in _call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
            {
                long receivedAt = Stopwatch.GetTimestamp();
                Volatile.Write(ref _challenge, (long)verdict.Challenge);
                _firstChallenge.TrySetResult();
                if (verdict.ReasonCode == ReasonCode.ReasonHeartbeatInvalid)
                {
                    Interlocked.Increment(ref Rejected);
                }
                if (verdict.InReplyTo == 0 || verdict.EchoSentUnixNanos < Volatile.Read(ref MeasuredFromNanos))
                {
                    continue;
                }
                double ms = (_clock.ToUnixNanos(receivedAt) - verdict.EchoSentUnixNanos) / 1e6;
                if (LatencyCount < Latencies.Length)
                {
                    Latencies[LatencyCount++] = ms;
                }
                Interlocked.Increment(ref Answered);
            }
        }

        /// <summary>Ends the session: the last write finishes, the stream completes, the reader ends.</summary>
        public async Task StopAsync()
        {
            try
            {
                await _writes.ConfigureAwait(false);
                await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
                if (_reader is not null)
                {
                    await _reader.ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException or InvalidOperationException)
            {
                // The session is over either way.
            }
            _call.Dispose();
        }
    }
}
