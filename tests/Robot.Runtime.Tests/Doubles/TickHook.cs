using Robot.Core.Control;
using Robot.Core.Hardware;
using Robot.Runtime.Estimation;

namespace Robot.Runtime.Tests.Doubles;

/// <summary>
/// Wraps the loop's real controller unchanged and calls <paramref name="onTick"/> before each of its ticks: a test
/// that must act at a moment only the loop sees (the tick a grasp is taken on) does it here instead of guessing a time.
/// </summary>
internal sealed class TickHook(IJointController inner, Action onTick) : IJointController
{
    public LoopFault Update(in TickContext tick, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
    {
        onTick();
        return inner.Update(tick, measured, estimate, commands);
    }
}
