using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Robot.Safety.Audit;
using static Robot.Cli.Commands.Audit.AuditJson;

namespace Robot.Cli.Commands.Audit;

/// <summary>
/// <c>robot audit verify|query|export|prove|sth|consistency --db FILE</c>: the tamper-evident
/// audit log for safety engineers. Every subcommand has --json; verify exits 1 when the log
/// does not verify and names the first bad record.
/// </summary>
[CliVerb]
public static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "The tamper-evident safety audit log: verify, query, export, inclusion and consistency proofs, signed tree heads.");
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Query());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Prove());
        command.Subcommands.Add(Sth());
        command.Subcommands.Add(Consistency());
        return command;
    }

    private static Option<string> Db() => new("--db") { Description = "The audit log database (SQLite).", Required = true };

    private static Option<string?> Key() => new("--key")
    {
        Description = "Trusted tree-head key, PEM (public or private). Default: DB.sth-key.pem beside the log. Keep a copy of the public key away from the log.",
    };

    /// <summary>Loads the trusted key, or null with a message when there is none.</summary>
    private static TreeHeadKey? LoadKey(string db, string? keyPath, CliOutput output, string verb, bool required)
    {
        string path = keyPath ?? TreeHeadKey.DefaultPathFor(db);
        if (!File.Exists(path))
        {
            if (required)
            {
                output.Error.WriteLine($"robot audit {verb}: no tree-head key at '{path}'; pass --key PUBLIC.pem (the log's public key)");
            }
            return null;
        }
        try
        {
            return TreeHeadKey.Load(path);
        }
        catch (InvalidDataException e)
        {
            output.Error.WriteLine($"robot audit {verb}: {e.Message}");
            return null;
        }
    }

    private static AuditLogFile? OpenFile(string db, CliOutput output, string verb)
    {
        try
        {
            return AuditLogFile.Open(db);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            output.Error.WriteLine($"robot audit {verb}: {e.Message}");
            return null;
        }
    }

    private static Command Verify()
    {
        var db = Db();
        var key = Key();
        var json = CommonOptions.Json();
        var command = new Command("verify", "Recompute the whole tree from the records, check every signed tree head (signature and root); exit 1 and name the first bad record when anything is wrong.")
        {
            db, key, json,
        };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            string path = parseResult.GetValue(db)!;
            using TreeHeadKey? trusted = LoadKey(path, parseResult.GetValue(key), output, "verify", required: true);
            if (trusted is null)
            {
                return 2;
            }
            AuditVerificationReport report;
            if (!File.Exists(path))
            {
                output.Error.WriteLine($"robot audit verify: '{path}' does not exist");
                return 2;
            }
            try
            {
                using AuditLogFile file = AuditLogFile.Open(path);
                output.Progress($"verifying {path} …");
                report = file.Verify(trusted);
            }
            catch (InvalidDataException e)
            {
                report = new AuditVerificationReport(false, 0, 0, null, 0, 0,
                    [new AuditProblem("file-damaged", 0, 0, e.Message)], [], 0);
            }
            if (parseResult.GetValue(json))
            {
                output.WriteJson(report);
            }
            else
            {
                TextWriter o = output.Out;
                o.WriteLine($"{report.RecordCount} records, {report.SignedHeads} signed tree heads (largest at size {report.LastSignedSize?.ToString(CultureInfo.InvariantCulture) ?? "none"}), {report.Seconds:F2} s");
                foreach (string warning in report.Warnings)
                {
                    o.WriteLine($"note: {warning}");
                }
                foreach (AuditProblem p in report.Problems)
                {
                    o.WriteLine($"{p.Kind} [{p.FirstIndex}..{p.LastIndex}]: {p.Message}");
                }
                o.WriteLine(report.Ok ? "audit log OK: every record recomputes and every signed head verifies" : $"audit log FAILED: first bad record {report.FirstBadIndex}");
            }
            return report.Ok ? 0 : 1;
        });
        return command;
    }

    private sealed record Filters(Option<string?> Since, Option<string?> Until, Option<string?> Robot, Option<string?> Type, Option<string?> Zone, Option<string?> Category, Option<long?> Limit)
    {
        public static Filters Create() => new(
            new Option<string?>("--since") { Description = "Records at or after this time (ISO 8601, UTC if no offset)." },
            new Option<string?>("--until") { Description = "Records before this time (ISO 8601)." },
            new Option<string?>("--robot") { Description = "Only this robot id." },
            new Option<string?>("--type") { Description = "Only this event type, e.g. estop.reset." },
            new Option<string?>("--zone") { Description = "Only this zone id." },
            new Option<string?>("--category") { Description = "Only this category (verdict, stop, estop, zones, session, access, deployment, task)." },
            new Option<long?>("--limit") { Description = "At most this many records." });

        public void AddTo(Command command)
        {
            command.Options.Add(Since);
            command.Options.Add(Until);
            command.Options.Add(Robot);
            command.Options.Add(Type);
            command.Options.Add(Zone);
            command.Options.Add(Category);
            command.Options.Add(Limit);
        }

        public AuditQuery? Build(ParseResult parseResult, CliOutput output, string verb)
        {
            DateTimeOffset? Time(Option<string?> option)
            {
                string? text = parseResult.GetValue(option);
                if (text is null)
                {
                    return null;
                }
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t))
                {
                    return t;
                }
                throw new FormatException($"{option.Name} '{text}' is not an ISO 8601 time (e.g. 2026-11-29T08:00:00Z)");
            }
            try
            {
                return new AuditQuery(Time(Since), Time(Until), parseResult.GetValue(Robot), parseResult.GetValue(Type), parseResult.GetValue(Zone),
                    parseResult.GetValue(Category), parseResult.GetValue(Limit));
            }
            catch (FormatException e)
            {
                output.Error.WriteLine($"robot audit {verb}: {e.Message}");
                return null;
            }
        }
    }

    private static Command Query()
    {
        var db = Db();
        var json = CommonOptions.Json();
        var filters = Filters.Create();
        var command = new Command("query", "List records by time, robot, type, zone or category.") { db, json };
        filters.AddTo(command);
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            AuditQuery? query = filters.Build(parseResult, output, "query");
            using AuditLogFile? file = query is null ? null : OpenFile(parseResult.GetValue(db)!, output, "query");
            if (file is null)
            {
                return 2;
            }
            List<RecordJson> records = file.Query(query!).Select(From).ToList();
            if (parseResult.GetValue(json))
            {
                output.WriteJson(new { count = records.Count, records });
                return 0;
            }
            var table = new TextTable("index", "time (UTC)", "category", "type", "result", "principal", "robot", "zone");
            foreach (RecordJson r in records)
            {
                table.AddRow(r.Index.ToString(CultureInfo.InvariantCulture), r.Timestamp, r.Category, r.Type, r.Result, r.Principal, r.RobotId ?? "", r.ZoneId ?? "");
            }
            table.WriteTo(output.Out);
            output.Out.WriteLine($"{records.Count} records");
            return 0;
        });
        return command;
    }

    private static Command Export()
    {
        var db = Db();
        var format = new Option<string>("--format") { Description = "csv or jsonl.", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var outFile = new Option<string?>("--out") { Description = "Write to this file instead of stdout." };
        var json = CommonOptions.Json();
        var filters = Filters.Create();
        var command = new Command("export", "Export records (with index and leaf hash) as CSV or JSON lines; --json prints a summary (needs --out).") { db, format, outFile, json };
        filters.AddTo(command);
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            string? outPath = parseResult.GetValue(outFile);
            bool summary = parseResult.GetValue(json);
            if (summary && outPath is null)
            {
                output.Error.WriteLine("robot audit export: --json prints a summary and needs --out FILE for the records");
                return 2;
            }
            AuditQuery? query = filters.Build(parseResult, output, "export");
            using AuditLogFile? file = query is null ? null : OpenFile(parseResult.GetValue(db)!, output, "export");
            if (file is null)
            {
                return 2;
            }
            bool csv = parseResult.GetValue(format) == "csv";
            using TextWriter writer = outPath is null ? new NonClosingWriter(output.Out) : new StreamWriter(outPath, false, new UTF8Encoding(false));
            long count = 0;
            if (csv)
            {
                writer.WriteLine("index,timestamp,source,category,type,result,principal,robotId,zoneId,details,leafHash");
            }
            var jsonOptions = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
            foreach (AuditEntry entry in file.Query(query!))
            {
                RecordJson r = From(entry);
                writer.WriteLine(csv
                    ? string.Join(',', new[] { r.Index.ToString(CultureInfo.InvariantCulture), r.Timestamp, r.Source, r.Category, r.Type, r.Result, r.Principal, r.RobotId, r.ZoneId, r.Details, r.LeafHash }.Select(Csv))
                    : JsonSerializer.Serialize(r, jsonOptions));
                count++;
            }
            writer.Flush();
            if (summary)
            {
                output.WriteJson(new { format = csv ? "csv" : "jsonl", count, @out = outPath });
            }
            else
            {
                output.Progress($"exported {count} records");
            }
            return 0;
        });
        return command;
    }

    /// <summary>RFC 4180 field: quoted when it holds a comma, quote or line break; null is empty.</summary>
    private static string Csv(string? value) => value is null ? ""
        : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static Command Prove()
    {
        var db = Db();
        var key = Key();
        var entry = new Option<long>("--entry") { Description = "Index of the record to prove.", Required = true };
        var size = new Option<long?>("--tree-size") { Description = "Prove against this tree size (default: the latest signed tree head)." };
        var json = CommonOptions.Json();
        var command = new Command("prove", "Inclusion proof of one record (RFC 6962 audit path to a signed tree head), checkable by any RFC 6962 verifier.") { db, entry, size, key, json };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            string path = parseResult.GetValue(db)!;
            using AuditLogFile? file = OpenFile(path, output, "prove");
            if (file is null)
            {
                return 2;
            }
            using TreeHeadKey? trusted = LoadKey(path, parseResult.GetValue(key), output, "prove", required: false);
            InclusionProof proof;
            try
            {
                proof = file.ProveInclusion(parseResult.GetValue(entry), parseResult.GetValue(size));
            }
            catch (Exception e) when (e is ArgumentOutOfRangeException or AuditLogCorruptException)
            {
                output.Error.WriteLine($"robot audit prove: {e.Message}");
                return 1;
            }
            bool verified = MerkleProofVerifier.VerifyInclusion(proof.LeafIndex, proof.TreeSize, proof.LeafHash, proof.AuditPath, proof.RootHash)
                && proof.LeafHash.AsSpan().SequenceEqual(System.Security.Cryptography.SHA256.HashData([0x00, .. proof.LeafData]));
            AuditEntry record = file.Get(proof.LeafIndex)!;
            var result = new InclusionProofJson(Format, proof.LeafIndex, proof.TreeSize, Hex(proof.LeafData), Hex(proof.LeafHash),
                proof.AuditPath.Select(Hex).ToList(), Hex(proof.RootHash), verified, From(proof.TreeHead, trusted), From(record), LeafEncodingDescription);
            if (proof.TreeHead is null)
            {
                output.Progress($"note: no signed tree head covers record {proof.LeafIndex} yet; the proof is against the current root (run `robot audit sth --sign`)");
            }
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                TextWriter o = output.Out;
                o.WriteLine($"record {result.LeafIndex} in a tree of {result.TreeSize}: {record.Record.Type} {record.Record.Result} by {record.Record.Principal} at {result.Record.Timestamp}");
                o.WriteLine($"leaf hash  {result.LeafHash}");
                for (int i = 0; i < result.AuditPath.Count; i++)
                {
                    o.WriteLine($"path[{i,2}]   {result.AuditPath[i]}");
                }
                o.WriteLine($"root       {result.RootHash}");
                o.WriteLine(result.SignedTreeHead is { } h ? $"signed at  {h.Timestamp} (signature {(h.SignatureValid switch { true => "valid", false => "INVALID", null => "not checked: no key" })})" : "not yet covered by a signed tree head");
                o.WriteLine(verified ? "proof verifies (RFC 9162 §2.1.3.2)" : "proof does NOT verify");
            }
            return verified && result.SignedTreeHead?.SignatureValid != false ? 0 : 1;
        });
        return command;
    }

    private static Command Sth()
    {
        var db = Db();
        var key = Key();
        var sign = new Option<bool>("--sign") { Description = "Sign a new tree head over every record stored now (needs the private key)." };
        var all = new Option<bool>("--all") { Description = "List every signed tree head, not only the latest." };
        var json = CommonOptions.Json();
        var command = new Command("sth", "Show the latest signed tree head (size, root, timestamp, signature), or sign one on demand.") { db, key, sign, all, json };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            string path = parseResult.GetValue(db)!;
            using AuditLogFile? file = OpenFile(path, output, "sth");
            if (file is null)
            {
                return 2;
            }
            using TreeHeadKey? trusted = LoadKey(path, parseResult.GetValue(key), output, "sth", required: parseResult.GetValue(sign));
            if (parseResult.GetValue(sign))
            {
                if (trusted is not { HasPrivateKey: true })
                {
                    output.Error.WriteLine("robot audit sth --sign: needs the private tree-head key (--key or DB.sth-key.pem)");
                    return 2;
                }
                file.SignTreeHead(trusted, DateTimeOffset.UtcNow);
            }
            List<SignedTreeHead> heads = parseResult.GetValue(all) ? file.TreeHeads() : file.LatestTreeHead() is { } latest ? [latest] : [];
            List<TreeHeadJson> result = heads.Select(h => From(h, trusted)!).ToList();
            if (parseResult.GetValue(json))
            {
                if (parseResult.GetValue(all))
                {
                    output.WriteJson(new { records = file.Count(), heads = result });
                }
                else
                {
                    output.WriteJson(result.FirstOrDefault());
                }
            }
            else if (result.Count == 0)
            {
                output.Out.WriteLine($"no signed tree head yet ({file.Count()} records); sign one with --sign");
            }
            else
            {
                var table = new TextTable("tree size", "signed (UTC)", "root hash", "signature");
                foreach (TreeHeadJson h in result)
                {
                    table.AddRow(h.TreeSize.ToString(CultureInfo.InvariantCulture), h.Timestamp, h.RootHash, h.SignatureValid switch { true => "valid", false => "INVALID", null => "not checked" });
                }
                table.WriteTo(output.Out);
            }
            return result.All(h => h.SignatureValid != false) ? 0 : 1;
        });
        return command;
    }

    private static Command Consistency()
    {
        var db = Db();
        var key = Key();
        var old = new Option<long>("--old") { Description = "The older tree size (e.g. from a signed head kept elsewhere).", Required = true };
        var newer = new Option<long?>("--new") { Description = "The newer tree size (default: the latest signed tree head)." };
        var oldRoot = new Option<string?>("--old-root") { Description = "The root hash at --old kept outside the log (64 hex digits, e.g. from `robot audit sth --json` saved elsewhere): checked in place of the log's own head." };
        var json = CommonOptions.Json();
        var command = new Command("consistency", "Consistency proof (RFC 6962 §2.1.2) that the log at --new extends the log at --old without changing it, against the signed heads' roots.") { db, old, newer, oldRoot, key, json };
        command.SetAction(parseResult =>
        {
            var output = CliOutput.From(parseResult);
            string path = parseResult.GetValue(db)!;
            using AuditLogFile? file = OpenFile(path, output, "consistency");
            if (file is null)
            {
                return 2;
            }
            using TreeHeadKey? trusted = LoadKey(path, parseResult.GetValue(key), output, "consistency", required: false);
            byte[]? keptRoot = null;
            if (parseResult.GetValue(oldRoot) is { } hex)
            {
                try
                {
                    keptRoot = Convert.FromHexString(hex);
                }
                catch (FormatException)
                {
                }
                if (keptRoot?.Length != MerkleHash.Size)
                {
                    output.Error.WriteLine($"robot audit consistency: --old-root: expected {2 * MerkleHash.Size} hex digits (a SHA-256 root), got '{hex}'");
                    return 2;
                }
            }
            ConsistencyProof proof;
            try
            {
                proof = file.ProveConsistency(parseResult.GetValue(old), parseResult.GetValue(newer), keptRoot);
            }
            catch (Exception e) when (e is ArgumentOutOfRangeException or AuditLogCorruptException)
            {
                output.Error.WriteLine($"robot audit consistency: {e.Message}");
                return 1;
            }
            TreeHeadJson? oldHead = From(proof.OldHead, trusted), newHead = From(proof.NewHead, trusted);
            bool verified = proof.Verifies() && oldHead?.SignatureValid != false && newHead?.SignatureValid != false;
            var result = new ConsistencyProofJson(Format, proof.OldSize, proof.NewSize, Hex(proof.OldRoot), Hex(proof.NewRoot),
                proof.Path.Select(Hex).ToList(), verified, oldHead, newHead, proof.Problems);
            if (parseResult.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                TextWriter o = output.Out;
                o.WriteLine($"old size {result.OldSize}  root {result.OldRoot}{(result.OldSignedTreeHead is null ? "" : " (signed)")}");
                o.WriteLine($"new size {result.NewSize}  root {result.NewRoot}{(result.NewSignedTreeHead is null ? "" : " (signed)")}");
                for (int i = 0; i < result.Proof.Count; i++)
                {
                    o.WriteLine($"proof[{i,2}] {result.Proof[i]}");
                }
                foreach (string problem in result.Problems)
                {
                    o.WriteLine(problem);
                }
                o.WriteLine(verified ? "consistency proof verifies (RFC 9162 §2.1.4.2)" : "consistency proof does NOT verify");
            }
            return verified ? 0 : 1;
        });
        return command;
    }

    /// <summary>Lets a using block write to the CLI's stdout without closing it.</summary>
    private sealed class NonClosingWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void Write(string? value) => inner.Write(value);

        public override void WriteLine(string? value) => inner.WriteLine(value);

        public override void Flush() => inner.Flush();

        protected override void Dispose(bool disposing)
        {
            inner.Flush();
            base.Dispose(disposing);
        }
    }
}
