using System.Diagnostics;
using Robot.Policies.Inference;
using Robot.Runtime.Concurrency;

namespace Robot.Runtime.Policy;

/// <summary>
/// Runs an upper-body policy at 50 Hz on its own thread and hands its targets to the 1 kHz loop through
/// <see cref="Targets"/> (a <see cref="LatestValueSlot{T}"/>; the loop interpolates with <see cref="PolicyTarget.TrySample"/>).
/// <para>Each step reads the latest <see cref="PolicyObservation"/>, asks the policy for an action, and checks it:
/// a NaN or ±∞ entry, an entry further outside its limits than <see cref="PolicyRunnerOptions.OutOfRangeFraction"/>
/// of the range, or an exception from the policy latches a fault — a <see cref="PolicyTarget"/> with
/// <see cref="PolicyTarget.Fault"/> set and no command — and the runner stops stepping. Otherwise the action is
/// clamped to the position limits and to the velocity limits (from the previous target), then published.</para>
/// <para>The first target starts from the observed state, so the arm is not yanked toward a stale target.</para>
/// </summary>
public sealed class PolicyRunner : IDisposable
{
    private readonly IStepPolicy _policy;
    private readonly LatestValueSlot<PolicyObservation> _observations;
    private readonly double _period;
    private readonly double[] _lower = new double[ArmVector.Length], _upper = new double[ArmVector.Length], _maxStep = new double[ArmVector.Length], _tolerance = new double[ArmVector.Length];
    private readonly double[] _raw = new double[ArmVector.Length];
    private readonly ManualResetEventSlim _faulted = new(false);
    private ArmVector _last;
    private long _steps;
    private volatile string? _fault;
    private Thread? _thread;
    private volatile bool _stopping;

    /// <exception cref="ArgumentException">Invalid options; the message lists every problem.</exception>
    public PolicyRunner(IStepPolicy policy, PolicyRunnerOptions options, LatestValueSlot<PolicyObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(observations);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid policy runner options: " + string.Join("; ", errors), nameof(options));
        }
        _policy = policy;
        _observations = observations;
        _period = options.Period.TotalSeconds;
        for (int i = 0; i < ArmVector.Length; i++)
        {
            _lower[i] = options.LowerLimits[i];
            _upper[i] = options.UpperLimits[i];
            _maxStep[i] = options.MaxVelocities[i] * _period;
            _tolerance[i] = options.OutOfRangeFraction * (_upper[i] - _lower[i]);
        }
    }

    /// <summary>The latest target for the loop.</summary>
    public LatestValueSlot<PolicyTarget> Targets { get; } = new();

    /// <summary>Why the runner stopped, or null while healthy. Latched.</summary>
    public string? Fault => _fault;

    /// <summary>Set once a fault latched (for waiting without polling).</summary>
    public WaitHandle FaultSignal => _faulted.WaitHandle;

    /// <summary>Policy steps published.</summary>
    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>
    /// One policy step at runner time <paramref name="time"/> (s). Returns true when a target was published; false
    /// when there is no observation yet or the runner is faulted (then <see cref="Fault"/> says why). Public so
    /// simulations and tests can step the runner deterministically instead of starting its thread.
    /// </summary>
    public bool Step(double time)
    {
        if (_fault is not null)
        {
            return false;
        }
        if (!_observations.TryRead(out PolicyObservation observation, out _))
        {
            return false;
        }
        ReadOnlySpan<double> state = observation.State;
        if (_steps == 0)
        {
            state.CopyTo(_last);
        }
        try
        {
            _policy.Act(state, observation.Environment, _raw);
        }
        catch (Exception e)
        {
            return Trip($"the policy threw {e.GetType().Name}: {e.Message}");
        }
        var target = new PolicyTarget { From = _last, IssuedAt = time, Period = _period, Step = _steps + 1 };
        Span<double> to = target.To;
        ReadOnlySpan<double> last = _last;
        for (int i = 0; i < ArmVector.Length; i++)
        {
            double v = _raw[i];
            if (!double.IsFinite(v))
            {
                return Trip($"policy output action[{i}] is {v}; nothing was commanded");
            }
            if (v < _lower[i] - _tolerance[i] || v > _upper[i] + _tolerance[i])
            {
                return Trip($"policy output action[{i}] = {v:G6} lies outside [{_lower[i]:G6}, {_upper[i]:G6}] by more than {_tolerance[i]:G3}; nothing was commanded");
            }
            double clamped = Math.Clamp(v, _lower[i], _upper[i]);
            to[i] = Math.Clamp(clamped, last[i] - _maxStep[i], last[i] + _maxStep[i]);
        }
        _last = target.To;
        Targets.Publish(target);
        Interlocked.Increment(ref _steps);
        return true;
    }

    private bool Trip(string reason)
    {
        _fault = reason;
        // A fault target carries the last good targets only for diagnosis; TrySample refuses it, so the loop stops.
        Targets.Publish(new PolicyTarget { From = _last, To = _last, Period = _period, Step = _steps + 1, Fault = true });
        _faulted.Set();
        return false;
    }

    /// <summary>Starts the 50 Hz thread (its own monotonic clock, from zero). Stops by itself on a fault.</summary>
    public void Start()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("the runner is already started");
        }
        _stopping = false;
        _thread = new Thread(Run) { IsBackground = true, Name = "policy-runner" };
        _thread.Start();
    }

    private void Run()
    {
        var clock = Stopwatch.StartNew();
        long tick = 0;
        while (!_stopping && _fault is null)
        {
            Step(clock.Elapsed.TotalSeconds);
            tick++;
            double wait = tick * _period - clock.Elapsed.TotalSeconds;
            if (wait > 0)
            {
                // Overruns are not caught up: the next step starts at once and the schedule continues from the tick count.
                _faulted.Wait(TimeSpan.FromSeconds(wait));
            }
        }
    }

    /// <summary>Stops the thread and waits for it.</summary>
    public void Stop()
    {
        _stopping = true;
        _faulted.Set();
        _thread?.Join();
        _thread = null;
        if (_fault is null)
        {
            _faulted.Reset();
        }
    }

    public void Dispose()
    {
        Stop();
        _faulted.Dispose();
    }
}
