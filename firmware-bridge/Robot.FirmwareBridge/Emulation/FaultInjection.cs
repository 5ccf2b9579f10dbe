namespace Robot.FirmwareBridge.Emulation;

/// <summary>
/// Faults an emulator injects into what it sends, adjustable while it runs. Rates are
/// probabilities in [0, 1]; the random source is seeded so a failing test reproduces.
/// </summary>
public sealed class FaultInjection
{
    private readonly Random _random;
    private readonly object _gate = new();

    public FaultInjection(int seed = 1) => _random = new Random(seed);

    /// <summary>Probability that each byte of a reply is flipped (one random bit).</summary>
    public double CorruptByteRate { get; set; }

    /// <summary>Probability that a whole reply is not sent (the request was still carried out).</summary>
    public double DropReplyRate { get; set; }

    /// <summary>Probability that only the first part of a reply is sent.</summary>
    public double TruncateReplyRate { get; set; }

    /// <summary>When true the device neither acts nor answers (powered off, cable cut on the device side).</summary>
    public bool Silent { get; set; }

    /// <summary>Counts, for tests and the CLI.</summary>
    public int CorruptedBytes { get; private set; }

    public int DroppedReplies { get; private set; }

    public int TruncatedReplies { get; private set; }

    /// <summary>True when there is nothing to inject (the fast path).</summary>
    public bool IsClean => CorruptByteRate <= 0 && DropReplyRate <= 0 && TruncateReplyRate <= 0;

    /// <summary>Applies the faults to a reply in place; returns how many bytes to send (0 = drop).</summary>
    public int Apply(Span<byte> reply)
    {
        if (IsClean)
        {
            return reply.Length;
        }
        lock (_gate)
        {
            if (DropReplyRate > 0 && _random.NextDouble() < DropReplyRate)
            {
                DroppedReplies++;
                return 0;
            }
            int length = reply.Length;
            if (TruncateReplyRate > 0 && _random.NextDouble() < TruncateReplyRate && length > 1)
            {
                TruncatedReplies++;
                length = _random.Next(1, length);
            }
            if (CorruptByteRate > 0)
            {
                for (int i = 0; i < length; i++)
                {
                    if (_random.NextDouble() < CorruptByteRate)
                    {
                        reply[i] ^= (byte)(1 << _random.Next(8));
                        CorruptedBytes++;
                    }
                }
            }
            return length;
        }
    }
}
