using System.CommandLine;
using Robot.Safety.Audit;

namespace Robot.Cli.Commands.Audit;

/// <summary>
/// <c>robot bench audit</c>: durable group-committed appends (with a one-record-per-commit
/// baseline), full verification, and inclusion proofs in a million-record log.
/// Targets: appendPerSecond ≥ 20,000; proofBytes ≤ 1,024; proofMs ≤ 1.
/// </summary>
[CliVerb(Parent = "bench")]
public static class BenchAuditCommand
{
    public sealed record Report(AuditBenchmarkResult Result, bool AppendTargetMet, bool ProofBytesTargetMet, bool ProofMsTargetMet);

    public static Command Create()
    {
        var records = new Option<int>("--records") { Description = "Records in the durable append phase.", DefaultValueFactory = _ => 100_000 };
        var appenders = new Option<int>("--appenders") { Description = "Concurrent appenders.", DefaultValueFactory = _ => 256 };
        var proofLog = new Option<int>("--proof-log-records") { Description = "Records in the log the proofs are taken from.", DefaultValueFactory = _ => 1_000_000 };
        var proofs = new Option<int>("--proofs") { Description = "Inclusion proofs timed.", DefaultValueFactory = _ => 2_000 };
        var dir = new Option<string?>("--dir") { Description = "Keep the benchmark databases in this folder (default: a temporary folder, deleted)." };
        var json = CommonOptions.Json();
        var command = new Command("audit", "Audit log: durable appends/s (group commit, many appenders, with a one-per-commit baseline), verification records/s, and proof size and time for one record among 1,000,000.")
        {
            records, appenders, proofLog, proofs, dir, json,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = CliOutput.From(parseResult);
            var options = new AuditBenchmarkOptions
            {
                AppendRecords = parseResult.GetValue(records),
                Appenders = parseResult.GetValue(appenders),
                ProofLogRecords = parseResult.GetValue(proofLog),
                Proofs = parseResult.GetValue(proofs),
                Directory = parseResult.GetValue(dir),
            };
            if (options.Validate() is { Count: > 0 } errors)
            {
                output.Error.WriteLine("robot bench audit: " + string.Join("; ", errors));
                return 2;
            }
            AuditBenchmarkResult r = await AuditBenchmark.RunAsync(options, line => output.Progress("bench audit: " + line), ct);
            var report = new Report(r, r.AppendPerSecond >= 20_000, r.ProofBytes <= 1024, r.ProofMs <= 1);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new
                {
                    appendPerSecond = Math.Round(r.AppendPerSecond),
                    verifyPerSecond = Math.Round(r.VerifyPerSecond),
                    proofBytes = r.ProofBytes,
                    proofMs = Math.Round(r.ProofMs, 4),
                    details = r,
                    targets = new { appendPerSecond = 20_000, proofBytes = 1024, proofMs = 1.0 },
                    targetsMet = new { append = report.AppendTargetMet, proofBytes = report.ProofBytesTargetMet, proofMs = report.ProofMsTargetMet },
                });
            }
            else
            {
                var table = new TextTable("measure", "value", "target");
                table.AddRow("durable appends/s (group commit)", $"{r.AppendPerSecond:F0}", ">= 20000");
                table.AddRow("  baseline: one record per commit", $"{r.BaselineAppendPerSecond:F0}", "");
                table.AddRow("  records per commit", $"{r.RecordsPerCommit:F1}", "");
                table.AddRow("  CPU µs per durable append", $"{r.AppendCpuMicrosecondsPerRecord:F1}", "");
                table.AddRow("  append latency p50/p99/max ms", $"{r.AppendLatencyMs.P50:F2} / {r.AppendLatencyMs.P99:F2} / {r.AppendLatencyMs.Max:F2}", "");
                table.AddRow("verification records/s", $"{r.VerifyPerSecond:F0}", "");
                table.AddRow($"proof log records (bulk {r.BulkAppendPerSecond:F0}/s)", $"{r.ProofLogRecords}", "");
                table.AddRow("proof bytes (audit path)", $"{r.ProofBytes} ({r.ProofHashes} hashes)", "<= 1024");
                table.AddRow("proof ms p50/p99/max", $"{r.ProofMsQuantiles.P50:F3} / {r.ProofMsQuantiles.P99:F3} / {r.ProofMsQuantiles.Max:F3}", "<= 1");
                table.AddRow("  baseline: hash-chain proof bytes", $"{r.HashChainProofBytes}", "");
                table.AddRow("proofs verified", $"{r.ProofsVerified}", "all");
                table.WriteTo(output.Out);
                output.Out.WriteLine($"durability: {r.Durability}");
            }
            return 0;
        });
        return command;
    }
}
