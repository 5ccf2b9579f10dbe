using Robot.FirmwareBridge.Hardware;
using Robot.Policies.Recording;
using Robot.Sim.PickTask;

namespace Robot.Runtime.Demonstrations;

/// <summary>
/// Teleoperated demonstrations: the robot's right arm in <see cref="PickTaskEnvironment"/> follows a leader
/// arm read by <see cref="LeaderArmReader"/>, mapped through a <see cref="LeaderArmCalibration"/>. Each frame
/// takes the leader's latest sample as the action (so the dataset's action is exactly the calibrated leader
/// pose), records the observation before the step, then steps the simulation. The reset phase draws the next
/// scene (seed = base seed + episode index) and waits <c>resetTime</c> of real time for the operator.
/// </summary>
/// <remarks>
/// A deadman on the leader: a sample older than <see cref="StaleAfterSeconds"/> (the bus lost, the leader's
/// breaker open) is not followed. The arm holds where it was measured when the sample went stale and those
/// frames are not recorded (<see cref="FrameStatus.Held"/>); after <see cref="AbortAfterSeconds"/> the episode
/// is discarded (<see cref="FrameStatus.EpisodeAborted"/>, with the reason), and the next one waits, holding
/// and without stepping the scene, until the leader answers again.
/// </remarks>
public sealed class TeleopDemonstrationSource : IDemonstrationSource, IDisposable
{
    /// <summary>Age of the leader's sample beyond which the arm no longer follows it: three frame periods, s.</summary>
    public const double StaleAfterSeconds = 3 * PickTaskEnvironment.StepPeriod;

    /// <summary>Age of the leader's sample at which the episode in progress is discarded, s.</summary>
    public const double AbortAfterSeconds = 0.5;

    private readonly LeaderArmReader _leader;
    private readonly LeaderArmCalibration _calibration;
    private readonly PickTaskEnvironment _environment;
    private readonly int _baseSeed;
    private readonly TimeSpan _resetTime;
    private readonly double[] _angles;
    private readonly double[] _action = new double[PickTaskEnvironment.StateWidth];
    private readonly double[] _hold = new double[PickTaskEnvironment.StateWidth];
    private readonly double[] _state = new double[PickTaskEnvironment.StateWidth];
    private readonly double[] _env = new double[PickTaskEnvironment.EnvironmentWidth];
    private long _lastSample = -1;
    private bool _holding;
    private int _followedFrames; // frames of the episode in progress that followed the leader

    public TeleopDemonstrationSource(LeaderArmReader leader, LeaderArmCalibration calibration, PickTaskEnvironment environment, string task, int baseSeed, TimeSpan resetTime)
    {
        _leader = leader ?? throw new ArgumentNullException(nameof(leader));
        _calibration = calibration ?? throw new ArgumentNullException(nameof(calibration));
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        Task = task;
        _baseSeed = baseSeed;
        _resetTime = resetTime;
        _angles = new double[leader.JointCount];
    }

    /// <inheritdoc/>
    public string Task { get; }

    /// <summary>Frames whose leader sample was not newer than the previous frame's (the bus fell behind the frame rate).</summary>
    public long StaleFrames { get; private set; }

    /// <summary>Frames in which the arm held instead of following a stale leader sample (not recorded).</summary>
    public long HeldFrames { get; private set; }

    /// <inheritdoc/>
    public string? AbortReason { get; private set; }

    /// <inheritdoc/>
    public void BeginEpisode(long episodeIndex)
    {
        _environment.Reset(unchecked(_baseSeed + (int)episodeIndex));
        _followedFrames = 0;
        _holding = false;
        if (_resetTime > TimeSpan.Zero)
        {
            Thread.Sleep(_resetTime);
        }
    }

    /// <inheritdoc/>
    public FrameStatus Step(Span<float> state, Span<float> environmentState, Span<float> action)
    {
        bool sampled = _leader.TryGetLatest(_angles, out double age, out long sample);
        _environment.Observe(_state, _env);
        if (!sampled || age > StaleAfterSeconds)
        {
            return Hold(age, state, environmentState, action);
        }
        if (sample == _lastSample)
        {
            StaleFrames++;
        }
        _lastSample = sample;
        _holding = false;
        _calibration.ToAction(_angles, _action);
        ExpertDemonstrationSource.Copy(_state, state);
        ExpertDemonstrationSource.Copy(_env, environmentState);
        ExpertDemonstrationSource.Copy(_action, action);
        _environment.Step(_action);
        _followedFrames++;
        return _environment.Done ? FrameStatus.EpisodeDone : FrameStatus.Continue;
    }

    /// <summary>The deadman: holds the arm where it stood when the leader's sample went stale, and aborts a long stall.</summary>
    private FrameStatus Hold(double age, Span<float> state, Span<float> environmentState, Span<float> action)
    {
        HeldFrames++;
        if (!_holding)
        {
            // Latched once: re-reading the measured pose every frame would let the arm sag step by step.
            _state.CopyTo(_hold, 0);
            _holding = true;
        }
        ExpertDemonstrationSource.Copy(_state, state);
        ExpertDemonstrationSource.Copy(_env, environmentState);
        ExpertDemonstrationSource.Copy(_hold, action);
        if (_followedFrames == 0)
        {
            // Nothing recorded yet (the episode after a lost leader): wait for the leader with the scene paused.
            return FrameStatus.Held;
        }
        if (age >= AbortAfterSeconds)
        {
            AbortReason = double.IsFinite(age)
                ? $"the leader arm has not answered for {age:F2} s (bus lost or not answering); the episode is discarded and the next one waits for the leader"
                : "the leader arm has not answered; the episode is discarded and the next one waits for the leader";
            return FrameStatus.EpisodeAborted;
        }
        _environment.Step(_hold);
        if (_environment.Done)
        {
            AbortReason = $"the episode ended ({_environment.Outcome.Label()}) while the arm held for a leader that had not answered for {age:F2} s; the episode is discarded";
            return FrameStatus.EpisodeAborted;
        }
        return FrameStatus.Held;
    }

    /// <inheritdoc/>
    public bool? EpisodeSucceeded => _environment.Success;

    /// <inheritdoc/>
    public string? EpisodeOutcome => _environment.Done ? _environment.Outcome.Label() : "stopped";

    public void Dispose() => _environment.Dispose();
}
