using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Emulation;

namespace Robot.Cli.Tests.Teleop;

/// <summary>
/// A human-like leader-arm motion as a recording would hold it: rests at key poses joined by
/// minimum-jerk moves (the smooth bell-shaped speed of a reaching hand), sampled at a fixed rate into
/// Present Position ticks.
/// </summary>
public static class HandMotion
{
    /// <summary>
    /// Rests <paramref name="restS"/> at each of <paramref name="keyPoses"/> (leader rad, <paramref name="ids"/> order),
    /// moving between consecutive ones in <paramref name="moveS"/>, sampled at <paramref name="sampleHz"/>.
    /// </summary>
    public static MotionReplay Build(IReadOnlyList<byte> ids, IReadOnlyList<double[]> keyPoses, double moveS, double restS, double sampleHz)
    {
        var frames = new List<int[]>();
        int rest = (int)Math.Round(restS * sampleHz), move = (int)Math.Round(moveS * sampleHz);
        for (int p = 0; p < keyPoses.Count; p++)
        {
            if (p > 0)
            {
                for (int k = 1; k < move; k++)
                {
                    double s = (double)k / move;
                    double blend = s * s * s * (10 - (15 * s) + (6 * s * s)); // minimum jerk: zero speed and acceleration at both ends
                    frames.Add(Ticks(keyPoses[p - 1], keyPoses[p], blend));
                }
            }
            for (int k = 0; k < rest; k++)
            {
                frames.Add(Ticks(keyPoses[p], keyPoses[p], 0));
            }
        }
        return new MotionReplay(ids, frames, 1 / sampleHz);
    }

    private static int[] Ticks(double[] from, double[] to, double blend)
    {
        var ticks = new int[from.Length];
        for (int i = 0; i < from.Length; i++)
        {
            ticks[i] = DynamixelUnits.RadiansToTicks(from[i] + ((to[i] - from[i]) * blend));
        }
        return ticks;
    }
}
