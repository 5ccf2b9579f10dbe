using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Robot.Safety.Contracts;
using Robot.Safety.Geofence;
using Robot.Safety.Hosting;

namespace Robot.Cli.Commands.Safety;

/// <summary>
/// <c>robot bench supervisor</c>: simulated robots stream states over loopback to an in-process
/// supervisor; reports verdict latency percentiles, throughput, lost messages, and the geofence
/// decision time at 1000 zones measured in-process.
/// </summary>
[CliVerb(Parent = "bench")]
public static class BenchSupervisorCommand
{
    public static Command Create()
    {
        var robots = new Option<int>("--robots") { Description = "Simulated robots, each with its own session stream.", DefaultValueFactory = _ => 100 };
        var rate = new Option<double>("--rate") { Description = "States per second per robot (Hz).", DefaultValueFactory = _ => 100 };
        var seconds = new Option<double>("--seconds") { Description = "Measured duration, seconds (after a 1 s warm-up).", DefaultValueFactory = _ => 10 };
        var zones = new Option<int>("--zones") { Description = "Zones for the in-process decision benchmark.", DefaultValueFactory = _ => 1000 };
        var json = CommonOptions.Json();
        var command = new Command("supervisor", "Benchmark the safety supervisor: verdict latency over loopback gRPC and geofence decision time.") { robots, rate, seconds, zones, json };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = CliOutput.From(parseResult);
            int n = parseResult.GetValue(robots);
            double hz = parseResult.GetValue(rate), duration = parseResult.GetValue(seconds);
            int zoneCount = parseResult.GetValue(zones);
            if (n is < 1 or > 1000 || hz is < 1 or > 1000 || duration is <= 0 or > 600 || zoneCount is < 1 or > 100_000)
            {
                output.Error.WriteLine("error: expected --robots 1..1000, --rate 1..1000 Hz, --seconds 0..600, --zones 1..100000");
                return 2;
            }
            output.Progress($"bench supervisor: decision time at {zoneCount} zones …");
            var decision = MeasureDecisions(zoneCount);
            output.Progress($"bench supervisor: {n} robots × {hz} Hz for {duration} s over loopback …");
            var stream = await MeasureStreamsAsync(n, hz, duration, ct);
            var result = new
            {
                robots = n,
                rateHz = hz,
                seconds = duration,
                verdictLatencyMs = new { p50 = stream.P50, p99 = stream.P99, p999 = stream.P999, max = stream.Max },
                messagesPerSecond = stream.MessagesPerSecond,
                sent = stream.Sent,
                answered = stream.Answered,
                lostMessages = stream.Sent - stream.Answered,
                heartbeatRejections = stream.Rejected,
                zones = zoneCount,
                decisionUs = new { p50 = decision.P50, p99 = decision.P99, p999 = decision.P999, samples = decision.Samples },
                targets = new { verdictLatencyP99Ms = 2.0, lostMessages = 0, decisionP99Us = 5.0 },
            };
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                output.Out.WriteLine(string.Create(c, $"verdict latency ms: p50 {stream.P50:0.###}  p99 {stream.P99:0.###}  p99.9 {stream.P999:0.###}  max {stream.Max:0.###}  (target p99 <= 2)"));
                output.Out.WriteLine(string.Create(c, $"messages/s: {stream.MessagesPerSecond:0}; sent {stream.Sent}, answered {stream.Answered}, lost {stream.Sent - stream.Answered}, heartbeat rejections {stream.Rejected}"));
                output.Out.WriteLine(string.Create(c, $"decision µs at {zoneCount} zones: p50 {decision.P50:0.###}  p99 {decision.P99:0.###}  p99.9 {decision.P999:0.###}  (target p99 <= 5)"));
            }
            return 0;
        });
        return command;
    }

    private sealed record DecisionResult(double P50, double P99, double P999, int Samples);

    private sealed record StreamResult(double P50, double P99, double P999, double Max, double MessagesPerSecond, long Sent, long Answered, long Rejected);

    /// <summary>A grid site: <paramref name="count"/> 3 × 3 m zones at 10 m spacing, alternately keep-out and speed-limited, plus two shared zones.</summary>
    internal static string GridSite(int count, int robots)
    {
        var sb = new StringBuilder("site: bench\nversion: 1\nrobots:\n");
        for (int i = 0; i < robots; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  - id: r{i}\n");
        }
        sb.Append("zones:\n");
        int side = (int)Math.Ceiling(Math.Sqrt(count));
        for (int i = 0; i < count; i++)
        {
            int x = i % side * 10, y = i / side * 10;
            string kind = i % 2 == 0 ? "keep_out" : "speed_limit\n    max_speed: 0.5";
            sb.Append(CultureInfo.InvariantCulture, $"  - id: z{i}\n    kind: {kind}\n    polygon: [[{x}, {y}], [{x + 3}, {y}], [{x + 3}, {y + 3}], [{x}, {y + 3}]]\n");
        }
        return sb.ToString();
    }

    private static DecisionResult MeasureDecisions(int zoneCount)
    {
        SiteModel site = SiteFileParser.Parse(GridSite(zoneCount, 1));
        var evaluator = new GeofenceEvaluator();
        var profile = new RobotProfile(0.4, 0.6, 0.05, 1.0, 1.5);
        var random = new Random(8);
        double extent = Math.Ceiling(Math.Sqrt(zoneCount)) * 10;
        TrackedPerson[] persons = Enumerable.Range(0, 5).Select(i => new TrackedPerson(random.NextDouble() * extent, random.NextDouble() * extent, 0, $"p{i}")).ToArray();
        const int samples = 200_000;
        var motions = new RobotMotion[4096];
        for (int i = 0; i < motions.Length; i++)
        {
            double angle = random.NextDouble() * 2 * Math.PI, speed = random.NextDouble() * 1.5;
            motions[i] = new RobotMotion(random.NextDouble() * extent, random.NextDouble() * extent, speed * Math.Cos(angle), speed * Math.Sin(angle));
        }
        for (int i = 0; i < 20_000; i++)
        {
            evaluator.Decide(site, "r0", profile, motions[i & 4095], persons);
        }
        var times = new double[samples];
        double toUs = 1e6 / Stopwatch.Frequency;
        for (int i = 0; i < samples; i++)
        {
            long start = Stopwatch.GetTimestamp();
            evaluator.Decide(site, "r0", profile, motions[i & 4095], persons);
            times[i] = (Stopwatch.GetTimestamp() - start) * toUs;
        }
        Array.Sort(times);
        return new DecisionResult(Percentile(times, 0.5), Percentile(times, 0.99), Percentile(times, 0.999), samples);
    }

    private static async Task<StreamResult> MeasureStreamsAsync(int robots, double hz, double seconds, CancellationToken ct)
    {
        var builder = new SupervisorHostBuilder(SiteFileParser.Parse(GridSite(200, robots)));
        builder.Options.Urls.Clear();
        builder.Options.Urls.Add("http://127.0.0.1:0");
        await using SupervisorHost host = await builder.StartAsync(ct);
        using var channel = GrpcChannel.ForAddress(host.Addresses[0], new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var client = new SafetySupervisor.SafetySupervisorClient(channel);
        long warmupEnd = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        long measureEnd = warmupEnd + (long)(seconds * Stopwatch.Frequency);
        var latencies = new List<double>[robots];
        long sent = 0, answered = 0, rejected = 0;
        var tasks = new Task[robots];
        for (int r = 0; r < robots; r++)
        {
            int robot = r;
            latencies[r] = new List<double>((int)(seconds * hz) + 16);
            tasks[r] = Task.Run(async () =>
            {
                var (s, a, x) = await RunRobotAsync(client, robot, robots, hz, warmupEnd, measureEnd, latencies[robot], ct);
                Interlocked.Add(ref sent, s);
                Interlocked.Add(ref answered, a);
                Interlocked.Add(ref rejected, x);
            }, ct);
        }
        await Task.WhenAll(tasks);
        double[] all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new StreamResult(Percentile(all, 0.5), Percentile(all, 0.99), Percentile(all, 0.999), all.Length > 0 ? all[^1] : double.NaN, answered / seconds, sent, answered, rejected);
    }

    /// <summary>One simulated robot: sends a state every 1/hz s (phase-shifted per robot), answers challenges, times replies.</summary>
    private static async Task<(long Sent, long Answered, long Rejected)> RunRobotAsync(SafetySupervisor.SafetySupervisorClient client, int robot, int robots, double hz,
        long warmupEnd, long measureEnd, List<double> latencies, CancellationToken ct)
    {
        double extent = Math.Ceiling(Math.Sqrt(200)) * 10;
        using var call = client.Session(deadline: DateTime.UtcNow.AddSeconds((measureEnd - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency + 30), cancellationToken: ct);
        var hello = new Hello { RobotId = $"r{robot}", Reach = 0.3, ReactionTime = 0.05, MaxDeceleration = 1.0, MaxSpeed = 1.5 };
        hello.Footprint.Add(new Vec2 { X = 0.3, Y = 0.25 });
        hello.Footprint.Add(new Vec2 { X = -0.3, Y = 0.25 });
        hello.Footprint.Add(new Vec2 { X = -0.3, Y = -0.25 });
        await call.RequestStream.WriteAsync(new RobotMessage { Hello = hello }, ct);
        long challenge = 0;
        var sentAt = new Dictionary<ulong, long>();
        var sync = new object();
        long sentMeasured = 0, answeredMeasured = 0, rejectedCount = 0;
        Task reader = Task.Run(async () =>
        {
            await foreach (Verdict v in call.ResponseStream.ReadAllAsync(ct))
            {
                long now = Stopwatch.GetTimestamp();
                Interlocked.Exchange(ref challenge, (long)v.Challenge);
                if (v.ReasonCode == ReasonCode.ReasonHeartbeatInvalid)
                {
                    Interlocked.Increment(ref rejectedCount);
                }
                if (v.InReplyTo == 0)
                {
                    continue;
                }
                lock (sync)
                {
                    if (sentAt.Remove(v.InReplyTo, out long at))
                    {
                        latencies.Add((now - at) * 1000.0 / Stopwatch.Frequency);
                        answeredMeasured++;
                    }
                }
            }
        }, ct);
        // Wait for the first challenge.
        while (Interlocked.Read(ref challenge) == 0)
        {
            await Task.Delay(1, ct);
        }
        var random = new Random(robot);
        double x = random.NextDouble() * extent, y = random.NextDouble() * extent;
        long period = (long)(Stopwatch.Frequency / hz);
        long next = Stopwatch.GetTimestamp() + period * robot / robots;
        ulong sequence = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        while (true)
        {
            long now = Stopwatch.GetTimestamp();
            if (now >= measureEnd)
            {
                break;
            }
            if (now < next)
            {
                await timer.WaitForNextTickAsync(ct);
                continue;
            }
            next += period;
            ulong c = (ulong)Interlocked.Read(ref challenge);
            var state = new RobotState
            {
                Sequence = ++sequence,
                Challenge = c,
                ChallengeResponse = ~c,
                Position = new Vec2 { X = x, Y = y },
                Velocity = new Vec2 { X = 0.5, Y = 0.2 },
            };
            bool measured = now >= warmupEnd;
            if (measured)
            {
                lock (sync)
                {
                    sentAt[sequence] = Stopwatch.GetTimestamp();
                }
                sentMeasured++;
            }
            await call.RequestStream.WriteAsync(new RobotMessage { State = state }, ct);
        }
        // Give the last replies up to 1 s, then end the session.
        long drainEnd = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < drainEnd)
        {
            lock (sync)
            {
                if (sentAt.Count == 0)
                {
                    break;
                }
            }
            await Task.Delay(5, ct);
        }
        await call.RequestStream.CompleteAsync();
        try
        {
            await reader;
        }
        catch (RpcException)
        {
            // Session closed.
        }
        lock (sync)
        {
            return (sentMeasured, answeredMeasured, Interlocked.Read(ref rejectedCount));
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], 4);
}
