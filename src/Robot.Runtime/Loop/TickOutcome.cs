using Robot.Core.Control;
namespace Robot.Runtime.Loop;

/// <summary>Result of one tick.</summary>
/// <param name="Fault">The latched fault after this tick, or None.</param>
/// <param name="HeldLastSafeCommand">True when this tick wrote the last safe command instead of a fresh one.</param>
public readonly record struct TickOutcome(LoopFault Fault, bool HeldLastSafeCommand);
