using System.Diagnostics;
using Robot.Core.Control;
using Robot.Core.Hardware;
using Robot.Runtime.Estimation;

namespace Robot.Runtime.Tests.Doubles;

/// <summary>
/// A controller that spins for <paramref name="busy"/> each tick, then commands every joint to
/// zero. A real controller does not overrun on demand, so the drivers' timing tests use this.
/// </summary>
internal sealed class SlowController(TimeSpan busy) : IJointController
{
    public LoopFault Update(in TickContext tick, RobotState measured, in BaseEstimate estimate, Span<JointCommand> commands)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < busy)
        {
            Thread.SpinWait(10);
        }
        for (int i = 0; i < commands.Length; i++)
        {
            commands[i] = new JointCommand(0, 0, 10, 1, 0);
        }
        return LoopFault.None;
    }
}
