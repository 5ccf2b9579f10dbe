using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Robot.Safety.Supervisor;

/// <summary>
/// The challenges a session has issued recently. A robot state counts as a heartbeat only if it
/// answers one of them with its ones' complement, the challenge was issued within the heartbeat
/// timeout, and no newer challenge was answered before (answers only move forward; the same
/// challenge may be answered by several states sent before the next verdict arrived). With the
/// session's strictly increasing sequence this keeps a replayed or delayed message from ever
/// keeping a robot alive.
/// Not thread-safe: one session's reader owns it.
/// </summary>
public sealed class ChallengeWindow
{
    /// <summary>
    /// How many outstanding challenges are remembered: 32, i.e. 320 ms of verdicts at 100 Hz, more
    /// than the default heartbeat timeout (250 ms). The timeout, not the window, then bounds how
    /// old an answered challenge may be; with 8 (80 ms) a latency spike shorter than the timeout
    /// made every answer in flight invalid and the verdicts flapped between permit and stop, each
    /// flap an audited verdict change that added to the overload that caused it.
    /// </summary>
    public const int Capacity = 32;

    private readonly ulong[] _challenges = new ulong[Capacity];
    private readonly long[] _issuedAt = new long[Capacity];
    private readonly bool[] _used = new bool[Capacity];
    private int _next;

    // Random values drawn ahead, one system CSPRNG call per Capacity challenges: a call per
    // verdict (10 000 a second at 100 robots × 100 Hz) was 3 % of the machine's CPU samples
    // under bench supervisor, nearly all OpenSSL's per-call set-up, not the random bytes.
    private readonly ulong[] _random = new ulong[Capacity];
    private int _nextRandom = Capacity;

    /// <summary>The transform a robot applies to a challenge: ones' complement.</summary>
    public static ulong Answer(ulong challenge) => ~challenge;

    /// <summary>Issues a fresh random, non-zero challenge at <paramref name="timestamp"/> (TimeProvider ticks).</summary>
    public ulong Issue(long timestamp)
    {
        ulong value;
        do
        {
            if (_nextRandom == _random.Length)
            {
                RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(_random.AsSpan()));
                _nextRandom = 0;
            }
            value = _random[_nextRandom++];
        }
        while (value == 0);
        _challenges[_next] = value;
        _issuedAt[_next] = timestamp;
        _used[_next] = false;
        _next = (_next + 1) % Capacity;
        return value;
    }

    /// <summary>
    /// True when <paramref name="response"/> answers <paramref name="challenge"/>, which was
    /// issued here no earlier than <paramref name="oldestAllowed"/>, and is not older than a
    /// challenge answered before.
    /// </summary>
    public bool TryAccept(ulong challenge, ulong response, long oldestAllowed)
    {
        if (challenge == 0 || response != Answer(challenge))
        {
            return false;
        }
        for (int i = 0; i < Capacity; i++)
        {
            if (_challenges[i] == challenge && !_used[i] && _issuedAt[i] >= oldestAllowed)
            {
                // Older challenges can no longer be used either: answers must move forward.
                for (int j = 0; j < Capacity; j++)
                {
                    if (_issuedAt[j] < _issuedAt[i])
                    {
                        _used[j] = true;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
