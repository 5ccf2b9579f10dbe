using Robot.Core.Control;
using Robot.Runtime.Safety;

namespace Robot.Runtime.Telemetry;

/// <summary>
/// A change the recording must not lose, handed from the loop to the recorder beside the frames
/// (<see cref="TelemetryRing"/>): noted on every tick, those whose frame is dropped included, so a
/// stop that begins and ends while the writer is behind still appears in the file.
/// </summary>
/// <param name="Kind">What changed.</param>
/// <param name="Tick">The tick it happened on; for a gap, its first dropped tick.</param>
/// <param name="Time">Hardware time of that tick, s.</param>
/// <param name="Fault">The latched fault from this tick on (<see cref="TelemetryTransitionKind.Fault"/>).</param>
/// <param name="FaultDetail">Joint or sensor index of that fault, -1 when none.</param>
/// <param name="Safety">The safety state from this tick on (<see cref="TelemetryTransitionKind.SafetyStop"/>).</param>
/// <param name="Dropped">Ticks dropped in the gap (<see cref="TelemetryTransitionKind.Gap"/>).</param>
/// <param name="DroppedTotal">Ticks dropped since the loop started, this gap included.</param>
public readonly record struct TelemetryTransition(TelemetryTransitionKind Kind, long Tick, double Time, LoopFault Fault, int FaultDetail,
    SafetyStatus Safety, long Dropped, long DroppedTotal);
