namespace Robot.Control.Balance;

/// <summary>What the capture-step controller is doing (telemetry signal <c>step_phase</c>).</summary>
public enum StepPhase
{
    /// <summary>Both feet down, the standing law (ankle and hip strategies) in charge.</summary>
    Standing,

    /// <summary>One foot swinging: the capture step, the closing step that brings the rear foot up, or a squaring step.</summary>
    Swing,

    /// <summary>Both feet down after a touchdown, the DCM brought back between the soles.</summary>
    DoubleSupport,

    /// <summary>Both feet down, the weight moving onto one foot before a squaring step lifts the other (<see cref="CaptureStepOptions.SquareUp"/>).</summary>
    WeightShift,
}
