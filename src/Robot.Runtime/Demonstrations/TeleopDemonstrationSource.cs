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
public sealed class TeleopDemonstrationSource : IDemonstrationSource, IDisposable
{
    private readonly LeaderArmReader _leader;
    private readonly LeaderArmCalibration _calibration;
    private readonly PickTaskEnvironment _environment;
    private readonly int _baseSeed;
    private readonly TimeSpan _resetTime;
    private readonly double[] _angles;
    private readonly double[] _action = new double[PickTaskEnvironment.StateWidth];
    private readonly double[] _state = new double[PickTaskEnvironment.StateWidth];
    private readonly double[] _env = new double[PickTaskEnvironment.EnvironmentWidth];

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

    private long _lastSample = -1;

    /// <inheritdoc/>
    public void BeginEpisode(long episodeIndex)
    {
        _environment.Reset(unchecked(_baseSeed + (int)episodeIndex));
        if (_resetTime > TimeSpan.Zero)
        {
            Thread.Sleep(_resetTime);
        }
    }

    /// <inheritdoc/>
    public FrameStatus Step(Span<float> state, Span<float> environmentState, Span<float> action)
    {
        if (!_leader.TryGetLatest(_angles, out _, out long sample))
        {
            // No sample yet: hold the arm where it is.
            _environment.Observe(_state, _env);
            _state.CopyTo(_action, 0);
        }
        else
        {
            if (sample == _lastSample)
            {
                StaleFrames++;
            }
            _lastSample = sample;
            _calibration.ToAction(_angles, _action);
            _environment.Observe(_state, _env);
        }
        ExpertDemonstrationSource.Copy(_state, state);
        ExpertDemonstrationSource.Copy(_env, environmentState);
        ExpertDemonstrationSource.Copy(_action, action);
        _environment.Step(_action);
        return _environment.Done ? FrameStatus.EpisodeDone : FrameStatus.Continue;
    }

    /// <inheritdoc/>
    public bool? EpisodeSucceeded => _environment.Success;

    /// <inheritdoc/>
    public string? EpisodeOutcome => _environment.Done ? _environment.Outcome.Label() : "stopped";

    public void Dispose() => _environment.Dispose();
}
