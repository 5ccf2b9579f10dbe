using System.Collections.Frozen;

namespace Robot.Core.Description;

/// <summary>
/// The robot's actuated joints in their fixed order. Every joint-indexed array in the product
/// (states, commands, limits) has length <see cref="JointCount"/> and this order. Names are
/// resolved to indices once, at configure time; the per-tick code works on indices only.
/// </summary>
public sealed class RobotDescription
{
    private readonly FrozenDictionary<string, int> _indexByName;

    public RobotDescription(string name, IReadOnlyList<JointDescription> joints)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add("robot name is empty");
        }
        if (joints.Count == 0)
        {
            errors.Add("a robot needs at least one joint");
        }
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < joints.Count; i++)
        {
            errors.AddRange(joints[i].Validate());
            if (!index.TryAdd(joints[i].Name, i))
            {
                errors.Add($"joint '{joints[i].Name}' appears twice (indices {index[joints[i].Name]} and {i})");
            }
        }
        if (errors.Count > 0)
        {
            throw new InvalidRobotDescriptionException(errors);
        }
        Name = name;
        Joints = joints.ToArray();
        _indexByName = index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Robot model name.</summary>
    public string Name { get; }

    /// <summary>Actuated joints, in command order.</summary>
    public IReadOnlyList<JointDescription> Joints { get; }

    /// <summary>Number of actuated joints.</summary>
    public int JointCount => Joints.Count;

    /// <summary>Index of the joint called <paramref name="jointName"/>.</summary>
    /// <exception cref="KeyNotFoundException">No joint has that name; the message lists the known ones.</exception>
    public int IndexOf(string jointName) =>
        _indexByName.TryGetValue(jointName, out int i)
            ? i
            : throw new KeyNotFoundException($"robot '{Name}' has no joint '{jointName}'; known joints: {string.Join(", ", Joints.Select(j => j.Name))}");

    /// <summary>Index of the joint, or -1 when there is none.</summary>
    public int TryIndexOf(string jointName) => _indexByName.TryGetValue(jointName, out int i) ? i : -1;
}
