using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Robot.Safety.Audit;

/// <summary>One thing verification found wrong, with the records it concerns.</summary>
/// <param name="Kind">record-altered, record-inserted, record-deleted, records-missing, node-mismatch, node-missing, node-unexpected, root-mismatch, bad-signature, unknown-key, truncated, file-damaged.</param>
/// <param name="FirstIndex">First record index concerned.</param>
/// <param name="LastIndex">Last record index concerned (equal to FirstIndex when one record is named).</param>
/// <param name="Message">What was found, for a person.</param>
public sealed record AuditProblem(string Kind, long FirstIndex, long LastIndex, string Message);

/// <summary>The outcome of <see cref="AuditVerifier.Verify"/>.</summary>
/// <param name="Ok">No problem found.</param>
/// <param name="RecordCount">Records read.</param>
/// <param name="SignedHeads">Signed tree heads checked.</param>
/// <param name="LastSignedSize">Size of the largest signed head, or null.</param>
/// <param name="UnsignedTail">Records after the largest signed head: intact by recomputation but not yet covered by a signature.</param>
/// <param name="FirstBadIndex">The first record index a problem names, or null.</param>
/// <param name="Problems">Problems in the order found (at most 100).</param>
/// <param name="Warnings">Facts worth knowing that are not failures.</param>
/// <param name="Seconds">Wall time of the verification.</param>
public sealed record AuditVerificationReport(
    bool Ok, long RecordCount, long SignedHeads, long? LastSignedSize, long UnsignedTail, long? FirstBadIndex,
    IReadOnlyList<AuditProblem> Problems, IReadOnlyList<string> Warnings, double Seconds);

/// <summary>
/// Recomputes the log from its records, in one streaming pass with O(log n) memory: every
/// record's canonical encoding and leaf hash, every cached subtree hash, and the root at each
/// signed tree head, whose signature is checked against a trusted public key. Because a record's
/// encoding includes its index, an edited, moved, deleted or inserted record is named by index
/// even when only the records table was touched. A forger who also rewrites leaf hashes and
/// cached nodes is caught by the signed heads: the problem then names the span between the last
/// head that still verifies and the first that does not.
/// </summary>
public static class AuditVerifier
{
    private const int MaxProblems = 100;

    public static AuditVerificationReport Verify(AuditLogFile file, TreeHeadKey trustedKey)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(trustedKey);
        var clock = Stopwatch.StartNew();
        var state = new State();
        List<SignedTreeHead> heads = [];
        long leaves = 0;
        try
        {
            heads = file.TreeHeads();
            long previousSize = 0;
            foreach (SignedTreeHead head in heads)
            {
                if (!head.KeyId.AsSpan().SequenceEqual(trustedKey.KeyId))
                {
                    state.Add(new AuditProblem("unknown-key", previousSize, Math.Max(previousSize, head.TreeSize - 1),
                        $"signed head at size {head.TreeSize} was signed by key {Convert.ToHexStringLower(head.KeyId)[..16]}…, not the trusted key {Convert.ToHexStringLower(trustedKey.KeyId)[..16]}…"));
                }
                else if (!head.VerifySignature(trustedKey))
                {
                    state.Add(new AuditProblem("bad-signature", previousSize, Math.Max(previousSize, head.TreeSize - 1),
                        $"signed head at size {head.TreeSize}: the signature does not verify (head edited or forged)"));
                }
                previousSize = head.TreeSize;
            }
            leaves = Stream(file, heads, state);
        }
        catch (SqliteException e)
        {
            state.Add(new AuditProblem("file-damaged", state.NextIndex, state.NextIndex,
                $"the database file is damaged: reading stopped after record {state.NextIndex - 1} ({e.Message})"));
            leaves = state.NextIndex;
        }
        long? lastSigned = heads.Count > 0 ? heads[^1].TreeSize : null;
        long tail = Math.Max(0, leaves - (lastSigned ?? 0));
        if (heads.Count == 0 && leaves > 0)
        {
            state.Warnings.Add($"no signed tree head: nothing signed vouches for these {leaves} records");
        }
        else if (tail > 0)
        {
            state.Warnings.Add($"records {leaves - tail}..{leaves - 1} are not covered by a signed head yet (they recompute correctly)");
        }
        long? firstBad = state.Problems.Count == 0 ? null : state.Problems.Min(p => p.FirstIndex);
        return new AuditVerificationReport(state.Problems.Count == 0, leaves, heads.Count, lastSigned, tail, firstBad,
            state.Problems, state.Warnings, clock.Elapsed.TotalSeconds);
    }

    private static long Stream(AuditLogFile file, List<SignedTreeHead> heads, State state)
    {
        SqliteConnection connection = file.Connection;
        using var records = connection.CreateCommand();
        records.CommandText = $"SELECT {AuditLogSchema.RecordColumns} FROM records ORDER BY idx";
        using var nodes = connection.CreateCommand();
        nodes.CommandText = "SELECT id, hash FROM tree_nodes ORDER BY id";
        using SqliteDataReader recordReader = records.ExecuteReader();
        using SqliteDataReader nodeReader = nodes.ExecuteReader();
        bool nodeAvailable = nodeReader.Read();

        var frontier = new List<(int Level, byte[] Hash)>();
        int headIndex = 0;
        long lastGoodHead = 0;
        long leaves = 0;
        bool previousShiftedUp = false, previousShiftedDown = false, misaligned = false;
        while (headIndex < heads.Count && heads[headIndex].TreeSize == 0)
        {
            CheckRoot(heads[headIndex++], frontier, ref lastGoodHead, state);
        }
        while (recordReader.Read())
        {
            AuditEntry entry = AuditLogFile.ReadEntry(recordReader);
            long index = entry.Index;
            if (index != state.NextIndex)
            {
                state.Add(new AuditProblem("records-missing", state.NextIndex, index - 1,
                    index - 1 == state.NextIndex ? $"record {state.NextIndex} is missing (deleted)" : $"records {state.NextIndex}..{index - 1} are missing (deleted)"));
                // From here on positions no longer line up with the stored tree: comparing
                // cached nodes and signed roots would only repeat this finding.
                misaligned = true;
            }
            byte[] leaf;
            bool shiftedUp = false, shiftedDown = false;
            try
            {
                leaf = AuditRecordEncoding.LeafHash(index, entry.Record);
            }
            catch (ArgumentException e)
            {
                leaf = new byte[MerkleHash.Size];
                state.Add(new AuditProblem("record-altered", index, index, $"record {index} cannot be encoded: {e.Message}"));
            }
            if (!leaf.AsSpan().SequenceEqual(entry.LeafHash) && state.LastNamed < index)
            {
                // A record that hashes correctly for a neighbouring index was moved: name where the
                // run of moved records starts (an insertion just before it, or a deletion at it).
                if (index > 0 && MatchesAt(index - 1, entry))
                {
                    shiftedUp = true;
                    if (!previousShiftedUp)
                    {
                        state.Add(new AuditProblem("record-inserted", index - 1, index - 1,
                            $"record {index - 1} was inserted: the records from {index} on are shifted up by one (each matches the leaf hash of the index before its own)"));
                    }
                    state.Explain(index);
                }
                else if (MatchesAt(index + 1, entry))
                {
                    shiftedDown = true;
                    if (!previousShiftedDown)
                    {
                        state.Add(new AuditProblem("record-deleted", index, index,
                            $"a record was deleted at {index}: the records from {index} on are shifted down by one (each matches the leaf hash of the index after its own)"));
                    }
                    state.Explain(index);
                }
                else
                {
                    state.Add(new AuditProblem("record-altered", index, index,
                        $"record {index} does not match its leaf hash: its content or position was changed ({entry.Record.Type} at {entry.Record.Timestamp:O})"));
                }
            }
            previousShiftedUp = shiftedUp;
            previousShiftedDown = shiftedDown;
            // Extend the recomputed tree and compare every subtree it completes with the stored one.
            frontier.Add((0, leaf));
            while (frontier.Count >= 2 && frontier[^1].Level == frontier[^2].Level)
            {
                byte[] node = new byte[MerkleHash.Size];
                MerkleHash.Node(frontier[^2].Hash, frontier[^1].Hash, node);
                int level = frontier[^1].Level + 1;
                frontier.RemoveRange(frontier.Count - 2, 2);
                frontier.Add((level, node));
                long nodeIndex = ((leaves + 1) >> level) - 1;
                long id = AuditLogSchema.NodeId(level, nodeIndex);
                long first = nodeIndex << level;
                if (misaligned)
                {
                    continue;
                }
                while (nodeAvailable && nodeReader.GetInt64(0) < id)
                {
                    ReportUnexpectedNode(nodeReader.GetInt64(0), state);
                    nodeAvailable = nodeReader.Read();
                }
                if (!nodeAvailable || nodeReader.GetInt64(0) != id)
                {
                    state.AddRange(new AuditProblem("node-missing", first, leaves, $"the cached hash of records {first}..{leaves} is missing"));
                    continue;
                }
                if (!node.AsSpan().SequenceEqual((byte[])nodeReader.GetValue(1)))
                {
                    state.AddRange(new AuditProblem("node-mismatch", first, leaves,
                        $"the cached hash of records {first}..{leaves} differs from the recomputed one: one of these records was changed"));
                }
                nodeAvailable = nodeReader.Read();
            }
            leaves++;
            state.NextIndex = index + 1;
            while (headIndex < heads.Count && heads[headIndex].TreeSize == leaves && !misaligned)
            {
                CheckRoot(heads[headIndex++], frontier, ref lastGoodHead, state);
            }
        }
        while (nodeAvailable && !misaligned)
        {
            ReportUnexpectedNode(nodeReader.GetInt64(0), state);
            nodeAvailable = nodeReader.Read();
        }
        for (; headIndex < heads.Count; headIndex++)
        {
            SignedTreeHead head = heads[headIndex];
            if (head.TreeSize > state.NextIndex)
            {
                long next = state.NextIndex;
                state.Add(new AuditProblem("truncated", next, head.TreeSize - 1,
                    $"the signed head at size {head.TreeSize} covers records {next}..{head.TreeSize - 1}, which are gone: the log was truncated after record {next - 1}"));
                break;
            }
        }
        return leaves;
    }

    private static bool MatchesAt(long index, AuditEntry entry) =>
        AuditRecordEncoding.LeafHash(index, entry.Record).AsSpan().SequenceEqual(entry.LeafHash);

    private static void CheckRoot(SignedTreeHead head, List<(int Level, byte[] Hash)> frontier, ref long lastGoodHead, State state)
    {
        byte[] root = SqliteAuditLog.RootOf(frontier);
        if (root.AsSpan().SequenceEqual(head.RootHash))
        {
            lastGoodHead = head.TreeSize;
            return;
        }
        state.AddRange(new AuditProblem("root-mismatch", lastGoodHead, head.TreeSize - 1,
            $"the records do not reproduce the root signed at size {head.TreeSize}: a record in {lastGoodHead}..{head.TreeSize - 1} was changed (the head at size {lastGoodHead} still verifies)"));
    }

    private static void ReportUnexpectedNode(long id, State state)
    {
        int level = (int)(id & 63);
        long last = id >> 6;
        long first = last - (1L << level) + 1;
        state.AddRange(new AuditProblem("node-unexpected", first, last,
            $"a cached hash for records {first}..{last} does not belong to the recomputed tree: records were deleted or moved"));
    }

    private sealed class State
    {
        public List<AuditProblem> Problems { get; } = [];
        public List<string> Warnings { get; } = [];

        /// <summary>The index the next record should have.</summary>
        public long NextIndex { get; set; }

        /// <summary>Highest index a problem has named so far; a range already explained by it is not reported again.</summary>
        public long LastNamed { get; private set; } = -1;

        public void Add(AuditProblem problem)
        {
            if (Problems.Count < MaxProblems)
            {
                Problems.Add(problem);
            }
            LastNamed = Math.Max(LastNamed, problem.LastIndex);
        }

        /// <summary>Marks <paramref name="index"/> as explained by a problem already reported.</summary>
        public void Explain(long index) => LastNamed = Math.Max(LastNamed, index);

        /// <summary>Adds a problem about a span unless a problem already named a record inside it.</summary>
        public void AddRange(AuditProblem problem)
        {
            if (LastNamed >= problem.FirstIndex)
            {
                return;
            }
            Add(problem);
        }
    }
}
