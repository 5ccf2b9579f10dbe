namespace Robot.Policies.Recording;

/// <summary>What a demonstration source says after producing a frame.</summary>
public enum FrameStatus
{
    /// <summary>The frame is part of the episode; more follow.</summary>
    Continue,

    /// <summary>The frame is the episode's last (goal reached, time up, or the source gave up).</summary>
    EpisodeDone,

    /// <summary>
    /// The source held the robot instead of following its operator (a teleoperation leader whose sample is stale):
    /// the frame is no demonstration and is not recorded; the gap shows in the episode's cadence as dropped frames.
    /// </summary>
    Held,

    /// <summary>
    /// The source cannot go on with the episode (a teleoperation leader that stopped answering): the recorder
    /// discards the episode's frames, reports <see cref="IDemonstrationSource.AbortReason"/>, and records the same
    /// episode index again after a new reset phase.
    /// </summary>
    EpisodeAborted,
}

/// <summary>
/// Produces the frames of demonstrations: the scripted IK expert in simulation, or a teleoperation
/// session reading the leader arm and the robot. The recorder calls <see cref="BeginEpisode"/> (the
/// source runs its reset phase: home the arm, randomise the box), then <see cref="Step"/> once per
/// frame at the dataset's fps; the source fills the three vectors for that instant.
/// </summary>
public interface IDemonstrationSource
{
    /// <summary>Task text of the next episode ("pick the box from the shelf and place it in the tote").</summary>
    string Task { get; }

    /// <summary>Reset phase before episode <paramref name="episodeIndex"/>; may take real time (teleop) or none (simulation).</summary>
    void BeginEpisode(long episodeIndex);

    /// <summary>
    /// Fills one frame: <paramref name="state"/> (observation.state, length n: arm joints then gripper, rad and m),
    /// <paramref name="environmentState"/> (observation.environment_state, length m: object poses) and
    /// <paramref name="action"/> (the command sent this step, length n). Called at the recording rate; must not block longer than a period.
    /// </summary>
    FrameStatus Step(Span<float> state, Span<float> environmentState, Span<float> action);

    /// <summary>Whether the episode just finished reached its goal; null when the source cannot tell.</summary>
    bool? EpisodeSucceeded { get; }

    /// <summary>How the episode just finished ended, in a word ("success", "dropped", "not_grasped", …); null when the source cannot tell.</summary>
    string? EpisodeOutcome => null;

    /// <summary>Why the source returned <see cref="FrameStatus.EpisodeAborted"/>, in a sentence; null when it did not.</summary>
    string? AbortReason => null;
}

/// <summary>Operator commands during recording (keys in a teleoperation session).</summary>
public enum RecorderCommand
{
    None,

    /// <summary>End the current episode now and save it.</summary>
    NextEpisode,

    /// <summary>Throw away the current episode's frames and record it again (same episode index).</summary>
    ReRecord,

    /// <summary>Throw away the current episode and go on to the next one (its index is reused).</summary>
    Discard,

    /// <summary>Save nothing more: discard the current episode and stop.</summary>
    Stop,
}

/// <summary>Polled once per frame for an operator command; never blocks.</summary>
public interface IRecorderControl
{
    RecorderCommand Poll();
}
