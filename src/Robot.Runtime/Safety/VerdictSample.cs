using Robot.Safety.Contracts;

namespace Robot.Runtime.Safety;

/// <summary>
/// A verdict as the safety link received it, copied whole through a
/// <see cref="Concurrency.LatestValueSlot{T}"/> into the control loop.
/// </summary>
/// <param name="Kind">Permit, protective stop or emergency stop.</param>
/// <param name="SpeedLimit">Allowed speed, m/s.</param>
/// <param name="Reason">Reason code.</param>
/// <param name="Level">E-stop level (SETTLE_THEN_CUT or CUT) of an emergency stop.</param>
/// <param name="EStopLatched">True while an emergency-stop latch covers this robot.</param>
/// <param name="ReceivedAt">
/// TimeProvider timestamp its age counts from: the send time of the robot state it answers (so
/// time spent in buffers counts against it), or its arrival for a stop the supervisor pushed.
/// </param>
public readonly record struct VerdictSample(
    VerdictKind Kind,
    double SpeedLimit,
    ReasonCode Reason,
    StopLevel Level,
    bool EStopLatched,
    long ReceivedAt);
