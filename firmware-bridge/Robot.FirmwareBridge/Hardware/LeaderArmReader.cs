using System.Diagnostics;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Transport;

namespace Robot.FirmwareBridge.Hardware;

/// <summary>
/// Reads a teleoperation leader arm (XL330 servos, torque off, moved by hand) with Fast Sync
/// Read of Present Position on a dedicated thread, as fast as the bus allows (≥ 500 Hz on a
/// 1 Mbaud bus or a pty), and publishes joint angles lock-free. Never writes to the arm. When
/// the bus is lost it reconnects with back-off and carries on; failures are counted.
/// </summary>
public sealed class LeaderArmReader : IDisposable
{
    private readonly DynamixelBus _bus;
    private readonly SyncReadGroup _group;
    private readonly SeqLockBuffer _latest;
    private readonly double[] _scratch;
    private readonly double[] _direction;
    private readonly double[] _offset;
    private Thread? _thread;
    private volatile bool _stop;
    private long _samples;
    private long _errors;
    private double _measuredHz;

    /// <param name="bus">An open bus (its owner thread becomes the reader's).</param>
    /// <param name="ids">Servo IDs, joint order.</param>
    /// <param name="useFastSyncRead">Fast Sync Read (firmware ≥ 46 on X330) or plain Sync Read.</param>
    /// <param name="directions">±1 per joint (null: all +1).</param>
    /// <param name="offsets">Radians added per joint after the direction (null: 0).</param>
    public LeaderArmReader(DynamixelBus bus, IReadOnlyList<byte> ids, bool useFastSyncRead = true, IReadOnlyList<double>? directions = null, IReadOnlyList<double>? offsets = null)
    {
        _bus = bus;
        _group = new SyncReadGroup(X.PresentPosition, 4, ids, useFastSyncRead) { IsSigned = true };
        JointCount = ids.Count;
        _latest = new SeqLockBuffer(JointCount + 2); // angles, sample time, sample index
        _scratch = new double[JointCount + 2];
        _direction = directions is null ? Enumerable.Repeat(1.0, JointCount).ToArray() : [.. directions];
        _offset = offsets is null ? new double[JointCount] : [.. offsets];
    }

    public int JointCount { get; }

    /// <summary>Successful reads so far.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Failed reads (after the bus's own retries) so far.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Read rate over the last second, Hz.</summary>
    public double MeasuredHz => Volatile.Read(ref _measuredHz);

    /// <summary>Raised on the reader thread for bus faults.</summary>
    public event Action<BusFault>? Faulted;

    public void Start()
    {
        if (_thread is not null)
        {
            return;
        }
        _bus.Faulted += OnFault;
        _stop = false;
        _thread = new Thread(Loop) { IsBackground = true, Name = "leader arm", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void Stop()
    {
        _stop = true;
        _thread?.Join(TimeSpan.FromSeconds(5));
        _thread = null;
        _bus.Faulted -= OnFault;
    }

    public void Dispose() => Stop();

    /// <summary>
    /// Copies the latest angles (rad) into <paramref name="radians"/>; <paramref name="ageSeconds"/>
    /// is how old they are. False when no sample exists yet. Lock-free, allocation-free.
    /// </summary>
    public bool TryGetLatest(Span<double> radians, out double ageSeconds, out long sampleIndex)
    {
        Span<double> snapshot = stackalloc double[JointCount + 2];
        if (!_latest.TryRead(snapshot))
        {
            ageSeconds = double.PositiveInfinity;
            sampleIndex = -1;
            return false;
        }
        snapshot[..JointCount].CopyTo(radians);
        ageSeconds = (Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency) - snapshot[JointCount];
        sampleIndex = (long)snapshot[JointCount + 1];
        return true;
    }

    private void OnFault(BusFault fault) => Faulted?.Invoke(fault);

    private void Loop()
    {
        long windowStart = Stopwatch.GetTimestamp();
        long windowSamples = 0;
        while (!_stop)
        {
            try
            {
                if (_bus.State == BusState.Lost)
                {
                    if (!_bus.Reconnect())
                    {
                        Thread.Sleep(50);
                    }
                    continue;
                }
                _group.Read(_bus);
                for (int i = 0; i < JointCount; i++)
                {
                    _scratch[i] = (_direction[i] * DynamixelUnits.TicksToRadians(_group.Value(i))) + _offset[i];
                }
                long n = Interlocked.Increment(ref _samples);
                _scratch[JointCount] = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
                _scratch[JointCount + 1] = n;
                _latest.Write(_scratch);
                windowSamples++;
            }
            catch (DynamixelBusUnavailableException)
            {
                Interlocked.Increment(ref _errors);
                Thread.Sleep(5);
            }
            catch (IOException)
            {
                Interlocked.Increment(ref _errors);
            }
            long now = Stopwatch.GetTimestamp();
            if (now - windowStart >= Stopwatch.Frequency)
            {
                Volatile.Write(ref _measuredHz, windowSamples * (double)Stopwatch.Frequency / (now - windowStart));
                windowStart = now;
                windowSamples = 0;
            }
        }
    }
}
