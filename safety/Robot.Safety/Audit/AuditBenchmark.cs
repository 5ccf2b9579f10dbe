using System.Diagnostics;

namespace Robot.Safety.Audit;

/// <summary>What <see cref="AuditBenchmark.RunAsync"/> measures, and how much.</summary>
public sealed class AuditBenchmarkOptions
{
    /// <summary>Records appended in the durable append phase. Default 100,000.</summary>
    public int AppendRecords { get; set; } = 100_000;

    /// <summary>Concurrent appenders in that phase. Default 256.</summary>
    public int Appenders { get; set; } = 256;

    /// <summary>Seconds of the one-appender baseline (one record per commit). Default 1.</summary>
    public double BaselineSeconds { get; set; } = 1;

    /// <summary>Records in the proof log. Default 1,000,000.</summary>
    public int ProofLogRecords { get; set; } = 1_000_000;

    /// <summary>Inclusion proofs timed in the proof log. Default 2,000.</summary>
    public int Proofs { get; set; } = 2_000;

    /// <summary>Folder for the databases; null: a new temporary folder, deleted afterwards.</summary>
    public string? Directory { get; set; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (AppendRecords is < 1 or > 100_000_000)
        {
            errors.Add($"append records {AppendRecords} must be in 1..100000000");
        }
        if (Appenders is < 1 or > 10_000)
        {
            errors.Add($"appenders {Appenders} must be in 1..10000");
        }
        if (!(BaselineSeconds >= 0) || BaselineSeconds > 600)
        {
            errors.Add($"baseline seconds {BaselineSeconds} must be in 0..600");
        }
        if (ProofLogRecords is < 1 or > 100_000_000)
        {
            errors.Add($"proof log records {ProofLogRecords} must be in 1..100000000");
        }
        if (Proofs is < 1 or > 1_000_000)
        {
            errors.Add($"proofs {Proofs} must be in 1..1000000");
        }
        return errors;
    }
}

/// <summary>Median and tails, in the unit the field name says.</summary>
public sealed record Quantiles(double P50, double P99, double Max)
{
    public static Quantiles Of(List<double> values)
    {
        if (values.Count == 0)
        {
            return new Quantiles(double.NaN, double.NaN, double.NaN);
        }
        values.Sort();
        double At(double q) => values[Math.Min(values.Count - 1, (int)Math.Floor(q * values.Count))];
        return new Quantiles(At(0.5), At(0.99), values[^1]);
    }
}

/// <summary>The figures of <c>robot bench audit</c>.</summary>
/// <param name="AppendPerSecond">Durable appends per second (WAL, synchronous=FULL, group commit), many concurrent appenders.</param>
/// <param name="AppendLatencyMs">Time from AppendAsync to acknowledgement, ms.</param>
/// <param name="RecordsPerCommit">Average group-commit batch in the append phase.</param>
/// <param name="AppendCpuMicrosecondsPerRecord">Process CPU time (all threads) per durable append: the load-independent cost; on a busy machine appendPerSecond is bounded by the CPU share it gets.</param>
/// <param name="BaselineAppendPerSecond">Same-run baseline: one appender, so one record per durable commit.</param>
/// <param name="VerifyPerSecond">Records per second that full verification recomputes (leaves, cached nodes, signed roots).</param>
/// <param name="ProofLogRecords">Records in the proof log.</param>
/// <param name="BulkAppendPerSecond">Records per second of the bulk path that built the proof log (synchronous=NORMAL).</param>
/// <param name="ProofBytes">Audit path size of one inclusion proof in the proof log: hashes × 32 bytes (largest seen).</param>
/// <param name="ProofHashes">Hashes in that path.</param>
/// <param name="ProofMs">Time to build one inclusion proof from the database (record read, path, signed head), ms; the headline is the median.</param>
/// <param name="ProofMsQuantiles">Median and tails of that time.</param>
/// <param name="ProofsVerified">Proofs that the RFC verifier accepted (must equal the number timed).</param>
/// <param name="HashChainProofBytes">Baseline: bytes a plain hash chain needs to prove the median record (every later hash).</param>
/// <param name="Durability">The append phase's sync policy.</param>
public sealed record AuditBenchmarkResult(
    double AppendPerSecond, Quantiles AppendLatencyMs, double RecordsPerCommit, double AppendCpuMicrosecondsPerRecord, double BaselineAppendPerSecond,
    double VerifyPerSecond, long ProofLogRecords, double BulkAppendPerSecond, int ProofBytes, int ProofHashes,
    double ProofMs, Quantiles ProofMsQuantiles, int ProofsVerified, long HashChainProofBytes, string Durability);

/// <summary>Measures the audit log: durable group-committed appends, verification, and proofs in a large log.</summary>
public static class AuditBenchmark
{
    public static async Task<AuditBenchmarkResult> RunAsync(AuditBenchmarkOptions options, Action<string> progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join("; ", errors));
        }
        string dir = options.Directory ?? Path.Combine(Path.GetTempPath(), "robot-bench-audit-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(dir);
        try
        {
            // 1. Baseline: one appender waits for each record, so every record is its own fsynced commit.
            string appendDb = Path.Combine(dir, "append.db");
            double baseline = 0;
            await using (SqliteAuditLog log = SqliteAuditLog.Open(new SqliteAuditLogOptions { DatabasePath = Path.Combine(dir, "baseline.db"), SignInterval = null }))
            {
                progress($"baseline: one appender, one record per durable commit, {options.BaselineSeconds} s");
                var clock = Stopwatch.StartNew();
                int n = 0;
                while (clock.Elapsed.TotalSeconds < options.BaselineSeconds)
                {
                    await log.AppendAsync(Record(n++), cancellationToken).ConfigureAwait(false);
                }
                baseline = n / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            }

            // 2. Durable appends from many concurrent appenders: group commit.
            double appendPerSecond, perCommit, cpuPerRecord;
            var latencies = new List<double>(options.AppendRecords);
            await using (SqliteAuditLog log = SqliteAuditLog.Open(new SqliteAuditLogOptions { DatabasePath = appendDb, SignInterval = TimeSpan.FromSeconds(1) }))
            {
                progress($"append: {options.AppendRecords} records from {options.Appenders} concurrent appenders (WAL, synchronous=FULL)");
                int next = -1;
                var perAppender = new List<double>[options.Appenders];
                TimeSpan cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, options.Appenders).Select(a => Task.Run(async () =>
                {
                    var mine = perAppender[a] = [];
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < options.AppendRecords)
                    {
                        long start = Stopwatch.GetTimestamp();
                        await log.AppendAsync(Record(i), cancellationToken).ConfigureAwait(false);
                        mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }, cancellationToken))).ConfigureAwait(false);
                double seconds = clock.Elapsed.TotalSeconds;
                cpuPerRecord = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalMicroseconds / options.AppendRecords;
                appendPerSecond = options.AppendRecords / seconds;
                perCommit = (double)log.Count / Math.Max(1, log.Commits);
                foreach (List<double> l in perAppender)
                {
                    latencies.AddRange(l);
                }
            }

            // 3. Full verification of that log.
            progress("verify: recomputing every leaf, cached node and signed root");
            double verifyPerSecond;
            using (TreeHeadKey key = TreeHeadKey.Load(TreeHeadKey.DefaultPathFor(appendDb)))
            using (AuditLogFile file = AuditLogFile.Open(appendDb))
            {
                var clock = Stopwatch.StartNew();
                AuditVerificationReport report = file.Verify(key);
                if (!report.Ok)
                {
                    throw new InvalidOperationException("the benchmark's own log does not verify: " + report.Problems[0].Message);
                }
                verifyPerSecond = report.RecordCount / clock.Elapsed.TotalSeconds;
            }

            // 4. The proof log, built through the bulk path, then inclusion proofs at random records.
            string proofDb = Path.Combine(dir, "proof.db");
            double bulkPerSecond;
            await using (SqliteAuditLog log = SqliteAuditLog.Open(new SqliteAuditLogOptions
            {
                DatabasePath = proofDb, SignInterval = null, Durability = AuditDurability.Normal, MaxBatchRecords = 1_000_000,
            }))
            {
                progress($"proof log: {options.ProofLogRecords} records through the bulk path");
                var clock = Stopwatch.StartNew();
                const int chunk = 50_000;
                for (int start = 0; start < options.ProofLogRecords; start += chunk)
                {
                    int count = Math.Min(chunk, options.ProofLogRecords - start);
                    var records = new AuditRecord[count];
                    for (int i = 0; i < count; i++)
                    {
                        records[i] = Record(start + i);
                    }
                    await log.AppendRangeAsync(records, cancellationToken).ConfigureAwait(false);
                }
                await log.SignTreeHeadAsync(cancellationToken).ConfigureAwait(false);
                bulkPerSecond = options.ProofLogRecords / clock.Elapsed.TotalSeconds;
            }
            progress($"proofs: {options.Proofs} inclusion proofs at random records, each checked with the RFC verifier");
            var proofMs = new List<double>(options.Proofs);
            int maxHashes = 0, verified = 0;
            using (AuditLogFile file = AuditLogFile.Open(proofDb))
            {
                var random = new Random(6962);
                for (int i = 0; i < Math.Min(50, options.Proofs); i++)
                {
                    file.ProveInclusion(random.NextInt64(options.ProofLogRecords)); // warm-up: JIT and page cache
                }
                for (int i = 0; i < options.Proofs; i++)
                {
                    long index = random.NextInt64(options.ProofLogRecords);
                    long start = Stopwatch.GetTimestamp();
                    InclusionProof proof = file.ProveInclusion(index);
                    proofMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    maxHashes = Math.Max(maxHashes, proof.AuditPath.Count);
                    if (MerkleProofVerifier.VerifyInclusion(proof.LeafIndex, proof.TreeSize, proof.LeafHash, proof.AuditPath, proof.RootHash))
                    {
                        verified++;
                    }
                }
            }
            Quantiles proofQ = Quantiles.Of(proofMs);
            return new AuditBenchmarkResult(appendPerSecond, Quantiles.Of(latencies), perCommit, cpuPerRecord, baseline, verifyPerSecond,
                options.ProofLogRecords, bulkPerSecond, maxHashes * MerkleHash.Size, maxHashes, proofQ.P50, proofQ, verified,
                (long)options.ProofLogRecords / 2 * MerkleHash.Size, "WAL + synchronous=FULL (fsync per group commit)");
        }
        finally
        {
            if (options.Directory is null)
            {
                try
                {
                    System.IO.Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A realistic verdict record (about 200 bytes encoded).</summary>
    private static AuditRecord Record(int i) => new(
        s_t0.AddTicks(i * 10_000L), "supervisor", AuditCategory.Verdict, "verdict.changed", (i & 1) == 0 ? "permit" : "protective_stop",
        "robot:robot-" + (i % 8), "robot-" + (i % 8), (i % 5) == 0 ? "aisle-3" : null,
        $"{{\"speedLimit\":{(i % 15) / 10.0:F1},\"reason\":\"separation\",\"seq\":{i}}}");
}
