namespace Robot.Core.Control;

/// <summary>
/// A controller that exposes internal signals (CoM, DCM, ZMP …) to telemetry. The pipeline
/// copies them into the tick's telemetry frame; names are fixed at construction.
/// </summary>
public interface IControllerTelemetry
{
    /// <summary>Signal names with units, e.g. "dcm_x_m"; the length is fixed for the controller's life.</summary>
    IReadOnlyList<string> SignalNames { get; }

    /// <summary>Writes the current signals into <paramref name="destination"/> (length = SignalNames.Count). Must not allocate.</summary>
    void WriteSignals(Span<double> destination);
}
