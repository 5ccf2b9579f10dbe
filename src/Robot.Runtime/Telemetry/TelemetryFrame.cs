using Robot.Core.Control;
using Robot.Runtime.Estimation;
using Robot.Runtime.Loop;
using Robot.Runtime.Safety;

namespace Robot.Runtime.Telemetry;

/// <summary>
/// One tick's snapshot, preallocated in the ring and overwritten in place: the tick copies
/// into it, the background writer encodes from it. Arrays have one entry per joint.
/// </summary>
public sealed class TelemetryFrame
{
    /// <summary>Largest number of controller signals a frame holds.</summary>
    public const int MaxSignals = 64;

    public TelemetryFrame(int jointCount)
    {
        Position = new double[jointCount];
        Velocity = new double[jointCount];
        Torque = new double[jointCount];
        CommandPosition = new double[jointCount];
        CommandVelocity = new double[jointCount];
        CommandKp = new double[jointCount];
        CommandKd = new double[jointCount];
        CommandTorque = new double[jointCount];
    }

    public long Tick { get; set; }
    public double Time { get; set; }
    public double[] Position { get; }
    public double[] Velocity { get; }
    public double[] Torque { get; }
    public double[] CommandPosition { get; }
    public double[] CommandVelocity { get; }
    public double[] CommandKp { get; }
    public double[] CommandKd { get; }
    public double[] CommandTorque { get; }
    public bool HeldLastSafe { get; set; }
    public BaseEstimate Estimate { get; set; }
    public LoopFault Fault { get; set; }
    public int FaultDetail { get; set; }
    /// <summary>Stop, phase, reason and speed scale of the safety limiter this tick.</summary>
    public SafetyStatus Safety { get; set; }
    public double[] Signals { get; } = new double[MaxSignals];
    public int SignalCount { get; set; }
}
