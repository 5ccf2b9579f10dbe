using System.CommandLine;
using Robot.Policies.Models;
using Robot.Runtime.Policy;

namespace Robot.Cli;

/// <summary>
/// The <c>--policy</c> option of the verbs that run the simulated humanoid at a site: which upper-body
/// policy picks the boxes. Default: the shipped ACT policy; <c>scripted</c> picks with the IK demonstrator.
/// </summary>
public static class PickerArgument
{
    /// <summary>The value that picks with the scripted IK reach instead of a learned policy.</summary>
    public const string Scripted = "scripted";

    /// <summary>A new <c>--policy</c> option (default: the shipped ACT policy).</summary>
    public static Option<string> Create() => new("--policy")
    {
        Description = "Upper-body policy folder that picks (default: the shipped ACT policy), or 'scripted' for the IK demonstrator.",
        DefaultValueFactory = _ => ShippedPolicy.ActPick,
    };

    /// <summary>
    /// The policy folder for <c>SimSiteRobotOptions.PolicyDirectory</c> (null for <see cref="Scripted"/>), or
    /// a problem naming what is wrong: no such folder, or a folder without a policy manifest.
    /// </summary>
    public static (string? Directory, string? Problem) Resolve(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value == Scripted)
        {
            return (null, null);
        }
        if (!System.IO.Directory.Exists(value))
        {
            return (null, $"--policy {value}: no such folder (or '{Scripted}')");
        }
        return File.Exists(Path.Combine(value, PolicyBundle.ManifestFile))
            ? (value, null)
            : (null, $"--policy {value}: no {PolicyBundle.ManifestFile} in it (not a trained policy folder)");
    }
}
