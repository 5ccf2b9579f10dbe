namespace Robot.Runtime.Policy;

/// <summary>Policies shipped with the runtime (copied beside the assembly from policies/models/).</summary>
public static class ShippedPolicy
{
    /// <summary>The ACT pick policy (policies/models/act-pick: its model card states how it was trained and how well it picks).</summary>
    public static string ActPick => Path.Combine(AppContext.BaseDirectory, "Policies", "act-pick");
}
