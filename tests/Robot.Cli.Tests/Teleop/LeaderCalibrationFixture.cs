using System.Globalization;
using System.Text;
using Robot.FirmwareBridge.Dynamixel;
using Robot.Sim.PickTask;

namespace Robot.Cli.Tests.Teleop;

/// <summary>
/// A leader-arm calibration as the test means it, with its own mapping (written here from the file format's
/// definition, not taken from the runtime) so that a wrong sign, offset, limit or ID in the runtime's mapping
/// shows up as recorded actions that do not match. Also inverts the mapping to make a leader motion that
/// drives the robot through given joint targets.
/// </summary>
public sealed record LeaderCalibrationFixture(
    byte[] JointIds, int[] Directions, double[] Offsets, double[] Mins, double[] Maxs, bool[] LimitsInFile,
    byte GripperId, double OpenAngle, double ClosedAngle)
{
    /// <summary>Leader IDs the emulated bus carries: the joints' then the gripper's.</summary>
    public byte[] LeaderIds => [.. JointIds, GripperId];

    /// <summary>The calibration JSON file's text (min/max only where <see cref="LimitsInFile"/> says so).</summary>
    public string ToJson()
    {
        var s = new StringBuilder("{ \"version\": 1, \"joints\": [\n");
        for (int i = 0; i < JointIds.Length; i++)
        {
            s.Append(CultureInfo.InvariantCulture, $"  {{ \"leaderId\": {JointIds[i]}, \"robotJoint\": \"{ArmKinematics.JointNames[i]}\", \"direction\": {Directions[i]}, \"offset\": {Offsets[i]:R}");
            if (LimitsInFile[i])
            {
                s.Append(CultureInfo.InvariantCulture, $", \"min\": {Mins[i]:R}, \"max\": {Maxs[i]:R}");
            }
            s.Append(i + 1 < JointIds.Length ? " },\n" : " }\n");
        }
        s.Append(CultureInfo.InvariantCulture, $"], \"gripper\": {{ \"leaderId\": {GripperId}, \"openAngle\": {OpenAngle:R}, \"closedAngle\": {ClosedAngle:R} }} }}");
        return s.ToString();
    }

    /// <summary>The action (7 joint targets, rad, then the jaw target, m) for a leader pose in ticks of <paramref name="poseIds"/>.</summary>
    public double[] Map(IReadOnlyList<byte> poseIds, ReadOnlySpan<int> ticks)
    {
        var action = new double[JointIds.Length + 1];
        for (int i = 0; i < JointIds.Length; i++)
        {
            double leader = DynamixelUnits.TicksToRadians(ticks[IndexOf(poseIds, JointIds[i])]);
            action[i] = Math.Clamp(Directions[i] * leader + Offsets[i], Mins[i], Maxs[i]);
        }
        double g = DynamixelUnits.TicksToRadians(ticks[IndexOf(poseIds, GripperId)]);
        action[^1] = Math.Clamp((g - OpenAngle) / (ClosedAngle - OpenAngle), 0, 1) * PickTaskEnvironment.GripperClosed;
        return action;
    }

    /// <summary>
    /// The leader pose (rad, <see cref="LeaderIds"/> order) that asks for joint targets <paramref name="joints"/>
    /// (before the limits clamp: a target past a limit needs the leader past it too) and the jaw
    /// <paramref name="closedFraction"/> of the way from open to closed (past 1: squeezed past the stop).
    /// </summary>
    public double[] LeaderPose(ReadOnlySpan<double> joints, double closedFraction)
    {
        var pose = new double[JointIds.Length + 1];
        for (int i = 0; i < JointIds.Length; i++)
        {
            pose[i] = (joints[i] - Offsets[i]) * Directions[i]; // direction is ±1, its own inverse
        }
        pose[^1] = OpenAngle + closedFraction * (ClosedAngle - OpenAngle);
        return pose;
    }

    private static int IndexOf(IReadOnlyList<byte> ids, byte id)
    {
        for (int i = 0; i < ids.Count; i++)
        {
            if (ids[i] == id)
            {
                return i;
            }
        }
        throw new ArgumentException($"leader ID {id} is not in the pose", nameof(ids));
    }
}
