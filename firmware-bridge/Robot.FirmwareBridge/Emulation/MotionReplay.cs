using System.Diagnostics;

namespace Robot.FirmwareBridge.Emulation;

/// <summary>
/// A recorded hand motion of a leader arm (torque off, moved by a person) played back on emulated
/// servos: one pose (Present Position ticks for each servo) per sample period. Before
/// <see cref="Start"/> the first pose is held; after the last sample the last pose is held. Given
/// to <see cref="DynamixelBusEmulator.Replay"/>, the pose is applied on the emulator's thread just
/// before each request is answered, so one reply never mixes two poses (a test thread setting the
/// servos one by one could be read half-way).
/// </summary>
public sealed class MotionReplay
{
    private readonly int[][] _frames;
    private readonly Func<double> _clockS;
    private double _startS = double.NaN;
    private int _lastApplied = -1;

    /// <param name="ids">Servo IDs, the order of each pose's entries.</param>
    /// <param name="frames">Poses in ticks, one per sample period; each as long as <paramref name="ids"/>.</param>
    /// <param name="samplePeriodS">Time between poses, s.</param>
    /// <param name="clockS">Seconds from any origin (null: the monotonic clock); tests of the replay itself pass their own.</param>
    public MotionReplay(IReadOnlyList<byte> ids, IReadOnlyList<int[]> frames, double samplePeriodS, Func<double>? clockS = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("a motion needs at least one pose", nameof(frames));
        }
        for (int i = 0; i < frames.Count; i++)
        {
            if (frames[i].Length != ids.Count)
            {
                throw new ArgumentException($"pose {i} has {frames[i].Length} entries; expected one per servo ({ids.Count})", nameof(frames));
            }
        }
        if (!(samplePeriodS > 0) || !double.IsFinite(samplePeriodS))
        {
            throw new ArgumentOutOfRangeException(nameof(samplePeriodS), samplePeriodS, "must be a positive number of seconds");
        }
        Ids = [.. ids];
        _frames = [.. frames.Select(f => (int[])f.Clone())];
        SamplePeriodS = samplePeriodS;
        _clockS = clockS ?? (() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency);
    }

    /// <summary>Servo IDs in pose order.</summary>
    public IReadOnlyList<byte> Ids { get; }

    /// <summary>Number of poses.</summary>
    public int Count => _frames.Length;

    /// <summary>Time between poses, s.</summary>
    public double SamplePeriodS { get; }

    /// <summary>Pose <paramref name="index"/> (ticks, <see cref="Ids"/> order).</summary>
    public ReadOnlySpan<int> Pose(int index) => _frames[index];

    /// <summary>True once <see cref="Start"/> was called.</summary>
    public bool Started => !double.IsNaN(Volatile.Read(ref _startS));

    /// <summary>True when the last pose is reached (the motion is over; the arm rests there).</summary>
    public bool Finished => CurrentIndex == _frames.Length - 1;

    /// <summary>The pose the motion is at now: 0 before <see cref="Start"/>, then one more per sample period, at most the last.</summary>
    public int CurrentIndex
    {
        get
        {
            double start = Volatile.Read(ref _startS);
            if (double.IsNaN(start))
            {
                return 0;
            }
            double elapsed = _clockS() - start;
            return elapsed <= 0 ? 0 : (int)Math.Min(_frames.Length - 1, Math.Floor(elapsed / SamplePeriodS));
        }
    }

    /// <summary>The index of the pose last written by <see cref="ApplyTo"/> (−1 before the first).</summary>
    public int LastAppliedIndex => Volatile.Read(ref _lastApplied);

    /// <summary>Starts (or restarts) playback from the first pose now.</summary>
    public void Start() => Volatile.Write(ref _startS, _clockS());

    /// <summary>
    /// Moves each servo's horn to the current pose; <paramref name="servo"/> finds a servo by ID (null: not on
    /// this bus, skipped: a motion that names a missing servo must not stop the emulator's thread).
    /// </summary>
    public void ApplyTo(Func<byte, VirtualServo?> servo)
    {
        ArgumentNullException.ThrowIfNull(servo);
        int index = CurrentIndex;
        int[] pose = _frames[index];
        for (int i = 0; i < pose.Length; i++)
        {
            servo(Ids[i])?.SetPresentPosition(pose[i]);
        }
        Volatile.Write(ref _lastApplied, index);
    }
}
