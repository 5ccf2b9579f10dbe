using System.Text.Json;
using Robot.Sim.PickTask;

namespace Robot.Runtime.Demonstrations;

/// <summary>One leader servo mapped to one robot arm joint: robot = direction × leader + offset, clamped to [Min, Max] (rad).</summary>
/// <param name="LeaderId">Dynamixel ID of the leader servo.</param>
/// <param name="RobotJoint">Robot joint name (one of <see cref="ArmKinematics.JointNames"/>).</param>
/// <param name="Direction">+1 or −1.</param>
/// <param name="Offset">Added after the direction, rad.</param>
/// <param name="Min">Lowest robot target, rad (within the joint's range).</param>
/// <param name="Max">Highest robot target, rad.</param>
public sealed record LeaderJointMap(byte LeaderId, string RobotJoint, int Direction, double Offset, double Min, double Max);

/// <summary>The leader's gripper servo: its angle at the open and the closed stop (rad), mapped linearly to jaw targets 0–0.055 m.</summary>
public sealed record LeaderGripperMap(byte LeaderId, double OpenAngle, double ClosedAngle);

/// <summary>A calibration file was refused; the message names the file, the field and what was expected.</summary>
public sealed class CalibrationException(string message) : Exception(message);

/// <summary>
/// How a teleoperation leader arm drives the robot's right arm: one entry per arm joint (in
/// <see cref="ArmKinematics.JointNames"/> order) and the gripper. Loaded from JSON:
/// <code>
/// { "version": 1,
///   "joints": [ { "leaderId": 1, "robotJoint": "right_shoulder_pitch", "direction": 1, "offset": 0.0, "min": -3.09, "max": 2.67 }, … 7 entries ],
///   "gripper": { "leaderId": 8, "openAngle": 0.0, "closedAngle": 1.0 } }
/// </code>
/// min and max default to the joint's range; offset defaults to 0; direction to 1.
/// </summary>
public sealed class LeaderArmCalibration
{
    private LeaderArmCalibration(IReadOnlyList<LeaderJointMap> joints, LeaderGripperMap gripper)
    {
        Joints = joints;
        Gripper = gripper;
    }

    /// <summary>Arm joints in <see cref="ArmKinematics.JointNames"/> order.</summary>
    public IReadOnlyList<LeaderJointMap> Joints { get; }

    public LeaderGripperMap Gripper { get; }

    /// <summary>Leader servo IDs the reader polls: the 7 joints in order, then the gripper.</summary>
    public IReadOnlyList<byte> LeaderIds => [.. Joints.Select(j => j.LeaderId), Gripper.LeaderId];

    /// <summary>Leader IDs 1–7 straight onto the arm joints (direction 1, offset 0, the joints' ranges), gripper ID 8 open at 0 rad, closed at 1 rad.</summary>
    public static LeaderArmCalibration Identity(ArmKinematics kinematics)
    {
        ArgumentNullException.ThrowIfNull(kinematics);
        var joints = ArmKinematics.JointNames.Select((n, i) => new LeaderJointMap((byte)(i + 1), n, 1, 0, kinematics.LowerLimit(i), kinematics.UpperLimit(i))).ToList();
        return new LeaderArmCalibration(joints, new LeaderGripperMap(8, 0, 1));
    }

    /// <summary>
    /// Maps leader angles (rad, <see cref="LeaderIds"/> order, length 8) to a pick-task action (7 joint targets, rad, then the jaw target, m). No allocation.
    /// </summary>
    public void ToAction(ReadOnlySpan<double> leader, Span<double> action)
    {
        for (int i = 0; i < Joints.Count; i++)
        {
            LeaderJointMap j = Joints[i];
            action[i] = Math.Clamp(j.Direction * leader[i] + j.Offset, j.Min, j.Max);
        }
        double closed = Math.Clamp((leader[Joints.Count] - Gripper.OpenAngle) / (Gripper.ClosedAngle - Gripper.OpenAngle), 0, 1);
        action[Joints.Count] = closed * PickTaskEnvironment.GripperClosed;
    }

    /// <summary>Loads and validates a JSON calibration file.</summary>
    /// <exception cref="CalibrationException">Unreadable, not JSON, or any field wrong; the message names the file and field.</exception>
    public static LeaderArmCalibration Load(string path, ArmKinematics kinematics)
    {
        ArgumentNullException.ThrowIfNull(kinematics);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CalibrationException($"{path}: cannot read the calibration file: {e.Message}");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new CalibrationException($"{path}: not valid JSON (line {e.LineNumber + 1}): {e.Message}");
        }
        using (doc)
        {
            var errors = new List<string>();
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CalibrationException($"{path}: the top level must be an object with 'version', 'joints' and 'gripper'");
            }
            // TryGetInt32: a version of 1.5 or 3e9 is a wrong field, not a crash.
            if (!root.TryGetProperty("version", out JsonElement version))
            {
                errors.Add("version: missing; must be 1");
            }
            else if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int number) || number != 1)
            {
                errors.Add($"version: {version.GetRawText()} must be 1");
            }
            var joints = new List<LeaderJointMap>();
            var ids = new HashSet<byte>();
            if (!root.TryGetProperty("joints", out JsonElement array) || array.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"joints: missing; expected an array of {ArmKinematics.JointCount} objects");
            }
            else
            {
                if (array.GetArrayLength() != ArmKinematics.JointCount)
                {
                    errors.Add($"joints: {array.GetArrayLength()} entries; expected {ArmKinematics.JointCount} ({string.Join(", ", ArmKinematics.JointNames)})");
                }
                int i = 0;
                foreach (JsonElement j in array.EnumerateArray())
                {
                    string at = $"joints[{i}]";
                    byte id = Id(j, at, errors);
                    string? joint = j.ValueKind == JsonValueKind.Object && j.TryGetProperty("robotJoint", out JsonElement rj) && rj.ValueKind == JsonValueKind.String ? rj.GetString() : null;
                    int index = joint is null ? -1 : ArmKinematics.JointNames.ToList().IndexOf(joint);
                    if (index < 0)
                    {
                        errors.Add($"{at}.robotJoint: '{joint ?? "(missing)"}' is not a right-arm joint; expected one of {string.Join(", ", ArmKinematics.JointNames)}");
                    }
                    else if (index != i && i < ArmKinematics.JointCount)
                    {
                        errors.Add($"{at}.robotJoint: '{joint}' is out of order; entry {i} must be '{ArmKinematics.JointNames[i]}'");
                    }
                    double direction = Number(j, "direction", at, 1, errors);
                    if (direction is not (1 or -1))
                    {
                        errors.Add($"{at}.direction: {direction} must be 1 or -1");
                    }
                    double offset = Number(j, "offset", at, 0, errors);
                    double lo = index >= 0 ? kinematics.LowerLimit(index) : double.NegativeInfinity, hi = index >= 0 ? kinematics.UpperLimit(index) : double.PositiveInfinity;
                    double min = Number(j, "min", at, lo, errors), max = Number(j, "max", at, hi, errors);
                    if (index >= 0 && (min < lo || max > hi || min >= max))
                    {
                        errors.Add($"{at}.min/max: [{min}, {max}] rad must lie within the joint's range [{lo:F3}, {hi:F3}] with min < max");
                    }
                    if (id != 0 && !ids.Add(id))
                    {
                        errors.Add($"{at}.leaderId: {id} is used twice");
                    }
                    joints.Add(new LeaderJointMap(id, joint ?? "", (int)direction, offset, min, max));
                    i++;
                }
            }
            LeaderGripperMap gripper = new(0, 0, 1);
            if (!root.TryGetProperty("gripper", out JsonElement g) || g.ValueKind != JsonValueKind.Object)
            {
                errors.Add("gripper: missing; expected { \"leaderId\": …, \"openAngle\": …, \"closedAngle\": … }");
            }
            else
            {
                byte id = Id(g, "gripper", errors);
                double open = Number(g, "openAngle", "gripper", double.NaN, errors), closed = Number(g, "closedAngle", "gripper", double.NaN, errors);
                if (double.IsNaN(open))
                {
                    errors.Add("gripper.openAngle: missing; expected the leader gripper's angle when open, rad");
                }
                if (double.IsNaN(closed))
                {
                    errors.Add("gripper.closedAngle: missing; expected the leader gripper's angle when closed, rad");
                }
                if (Math.Abs(closed - open) < 0.05)
                {
                    errors.Add($"gripper.closedAngle: {closed} is within 0.05 rad of openAngle {open}; the jaw could not be driven");
                }
                if (id != 0 && !ids.Add(id))
                {
                    errors.Add($"gripper.leaderId: {id} is also a joint's leaderId");
                }
                gripper = new LeaderGripperMap(id, open, closed);
            }
            if (errors.Count > 0)
            {
                throw new CalibrationException($"{path}: " + string.Join("; ", errors));
            }
            return new LeaderArmCalibration(joints, gripper);
        }
    }

    private static byte Id(JsonElement e, string at, List<string> errors)
    {
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("leaderId", out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int id) && id is >= 1 and <= 252)
        {
            return (byte)id;
        }
        errors.Add($"{at}.leaderId: expected a Dynamixel ID 1–252");
        return 0;
    }

    private static double Number(JsonElement e, string name, string at, double fallback, List<string> errors)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out JsonElement v))
        {
            return fallback;
        }
        if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()))
        {
            errors.Add($"{at}.{name}: '{v.GetRawText()}' is not a finite number");
            return fallback;
        }
        return v.GetDouble();
    }
}
